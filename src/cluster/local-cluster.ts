import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { KubeClient, isConflict, type KubeObjectLike } from '../kube/kube-client.ts';
import { clusterDir, clusterFiles, clusterPorts, type ClusterFiles } from './cluster-layout.ts';
import { ensureClusterPki } from './cluster-pki.ts';
import { ensureControlPlaneBinaries, type BuildReport } from './control-plane-build.ts';
import { controlPlaneComponents, type ComponentSpec } from './control-plane-components.ts';
import { isHealthy, waitHealthy } from './component-health.ts';
import { runningPid, startComponent, stopComponent } from './component-processes.ts';
import { kwokNodeManifest, nodeOptionsFromEnv } from './kwok-nodes.ts';
import { ClusterError } from './cluster-error.ts';
import { addKwokLogs } from './kwok-logs.ts';

export interface ClusterUpReport {
  kubeconfig: string;
  server: string;
  build: BuildReport;
  /** Components this call started (empty when everything already ran). */
  started: string[];
  nodes: number;
  startSeconds: number;
}

const KWOK_STAGES = new URL('./kwok-stages.yaml', import.meta.url);

async function ensureNodes(client: KubeClient, say: (line: string) => void): Promise<number> {
  const opts = nodeOptionsFromEnv();
  for (let i = 0; i < opts.count; i++) {
    try {
      await client.create(kwokNodeManifest(i, opts) as KubeObjectLike);
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  }
  const deadline = Date.now() + 60_000;
  for (;;) {
    const nodes = await client.list<KubeObjectLike & { status?: { conditions?: Array<{ type: string; status: string }> } }>('v1', 'Node', { labelSelector: 'kwok.x-k8s.io/node=fake' });
    const ready = nodes.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
    if (ready >= opts.count) return ready;
    if (Date.now() > deadline) {
      throw new ClusterError('wait for kwok nodes', `${ready} of ${opts.count} nodes became Ready within 60 s`, 'read .cluster/logs/kwok.log');
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Builds what is missing, then starts whatever part of the local control plane is not running,
 * in order, each checked healthy before the next. Calling it again on a running cluster is cheap.
 */
export async function clusterUp(say: (line: string) => void = console.log): Promise<ClusterUpReport> {
  const build = await ensureControlPlaneBinaries(say);
  const t0 = Date.now();
  const files = clusterFiles();
  const ports = clusterPorts();
  mkdirSync(files.dir, { recursive: true });
  await ensureClusterPki(files, ports.apiserver);
  copyFileSync(KWOK_STAGES, files.kwokConfig);
  addKwokLogs(files);

  const started: string[] = [];
  for (const spec of controlPlaneComponents(files, ports)) {
    if (runningPid(files, spec) !== undefined && (await isHealthy(files, spec))) continue;
    if (runningPid(files, spec) !== undefined) {
      // Running but not answering: wait once more before deciding it is broken.
      await waitHealthy(files, spec);
      continue;
    }
    await startComponent(files, spec);
    await waitHealthy(files, spec);
    started.push(spec.name);
    say(`started ${spec.name}`);
  }
  const client = KubeClient.fromFile(files.kubeconfig);
  const nodes = await ensureNodes(client, say);
  return { kubeconfig: files.kubeconfig, server: `https://127.0.0.1:${ports.apiserver}`, build, started, nodes, startSeconds: (Date.now() - t0) / 1000 };
}

function componentsForStop(files: ClusterFiles): ComponentSpec[] {
  // Reverse start order: clients before the apiserver, the apiserver before etcd.
  return controlPlaneComponents(files, clusterPorts()).reverse();
}

export async function clusterDown(opts: { purge?: boolean } = {}): Promise<string[]> {
  const files = clusterFiles();
  const stopped: string[] = [];
  if (existsSync(files.dir)) {
    for (const spec of componentsForStop(files)) if (await stopComponent(files, spec)) stopped.push(spec.name);
  }
  if (opts.purge) rmSync(clusterDir(), { recursive: true, force: true });
  return stopped;
}

export function clusterRunning(): boolean {
  const files = clusterFiles();
  return existsSync(files.kubeconfig) && controlPlaneComponents(files, clusterPorts()).every((spec) => runningPid(files, spec) !== undefined);
}
