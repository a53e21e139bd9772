import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { KubeClient, type KubeObjectLike } from '../../../src/kube/kube-client.ts';
import { binaryPath } from '../../../src/cluster/control-plane-versions.ts';
import { installCrds } from '../../../src/operator/install-crds.ts';
import { createLogger } from '../../../src/operator/logger.ts';

export function kubeconfigPath(): string {
  return inject('kubeconfig');
}

export function kubeClient(): KubeClient {
  return KubeClient.fromFile(kubeconfigPath());
}

export interface KubectlResult {
  status: number;
  stdout: string;
  stderr: string;
}

// kubectl caches API discovery for minutes; a fresh cache per test process sees CRDs installed just now.
const kubectlCache = mkdtempSync(join(tmpdir(), 'dcos-kubectl-cache-'));

/** Runs the real kubectl against the test cluster, as a user would. */
export function kubectl(args: string[], input?: string): KubectlResult {
  const res = spawnSync(binaryPath('kubectl'), args, { input, encoding: 'utf8', env: { ...process.env, KUBECONFIG: kubeconfigPath(), KUBECACHEDIR: kubectlCache } });
  return { status: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
}

/**
 * kubectl without blocking the event loop: needed whenever this test process itself serves what the
 * apiserver calls back (an in-process Operator's admission webhooks), which spawnSync would starve.
 */
export function kubectlAsync(args: string[], input?: string): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(binaryPath('kubectl'), args, { env: { ...process.env, KUBECONFIG: kubeconfigPath(), KUBECACHEDIR: kubectlCache } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** Retries `check` until it stops throwing, then returns its value; the last error explains a timeout. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 30_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      return await check();
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

/** A fresh namespace per test file, so files never see each other's objects. */
export async function createTestNamespace(client: KubeClient, prefix: string): Promise<string> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } } as KubeObjectLike);
  return name;
}

/** Deletes a test namespace and does not wait: the namespace controller finishes in the background. */
export async function deleteNamespace(client: KubeClient, name: string): Promise<void> {
  await client.delete('v1', 'Namespace', name);
}

export async function ensureCrds(client: KubeClient): Promise<void> {
  await installCrds(client, createLogger('warn'));
}

