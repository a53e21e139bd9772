import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { clusterFiles, clusterPorts } from '../../src/cluster/cluster-layout.ts';
import { componentProcesses } from '../../src/cluster/component-processes.ts';
import { controlPlaneComponents } from '../../src/cluster/control-plane-components.ts';
import { KubeClient } from '../../src/kube/kube-client.ts';

/*
 * `npm run cluster:down` then `npm run cluster:up` on the same checkout, again and again, as a user
 * does: a second control plane of its own (its own DCOS_CLUSTER_DIR, ports 200 above the shared
 * one's), driven through the CLI. Each up comes back healthy, each down leaves no process behind, a
 * component left running without its pid file is seen and replaced, and a failed up stops what it
 * started.
 */

const cli = fileURLToPath(new URL('../../src/cluster/cli.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dcos-cluster-restarts-'));
const portBase = Number(process.env.DCOS_TEST_RESTART_PORT_BASE ?? Number(process.env.DCOS_CLUSTER_PORT_BASE ?? 26400) + 200);
const env = { ...process.env, DCOS_CLUSTER_DIR: dir, DCOS_CLUSTER_PORT_BASE: String(portBase), DCOS_CLUSTER_NODES: '2' };
const files = clusterFiles(dir);
const specs = controlPlaneComponents(files, clusterPorts(portBase));
const CYCLES = 3;

function run(command: string): Promise<{ code: number | null; out: string; seconds: number }> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, command], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('close', (code) => resolve({ code, out, seconds: (Date.now() - t0) / 1000 }));
  });
}

/** Every process of this cluster's components still alive, by name. */
function leftovers(): string[] {
  return specs.flatMap((s) => componentProcesses(s).map((pid) => `${s.name} (pid ${pid})`));
}

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('the local cluster, stopped and started again on the same checkout', () => {
  const figures: string[] = [];

  afterAll(async () => {
    await run('down');
    rmSync(dir, { recursive: true, force: true });
    console.log(`[cluster-restarts] ${figures.join('; ')}`);
  });

  it(`comes back healthy after each of ${CYCLES} down/up cycles, and down leaves no process running`, async () => {
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const up = await run('up');
      expect(up.code, up.out).toBe(0);
      expect(up.out).toMatch(/local cluster started etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok .*2 kwok nodes Ready/);
      expect((await run('status')).out).toMatch(/^running; KUBECONFIG=/);
      const nodes = await KubeClient.fromFile(files.kubeconfig).list('v1', 'Node');
      expect(nodes.items).toHaveLength(2);

      const down = await run('down');
      expect(down.code, down.out).toBe(0);
      expect(down.out).toContain('stopped kwok, kube-scheduler, kube-controller-manager, kube-apiserver, etcd');
      // down returns once the processes are gone, not merely signalled.
      expect(leftovers()).toEqual([]);
      expect((await run('status')).out.trim()).toBe('not running');
      figures.push(`cycle ${cycle}: up ${up.seconds.toFixed(1)} s, down ${down.seconds.toFixed(1)} s`);
    }
  }, 600_000);

  it('sees a component running without its pid file, and up replaces it, down stops it', async () => {
    expect((await run('up')).code).toBe(0);
    // What an interrupted down leaves: the process runs, its pid file is gone.
    unlinkSync(join(files.pids, 'kube-controller-manager.pid'));
    const status = await run('status');
    expect(status.out).toMatch(/^partly running: /);
    expect(status.out).toMatch(/running without a pid file: kube-controller-manager \(pid \d+\)/);
    const up = await run('up');
    expect(up.code, up.out).toBe(0);
    expect(up.out).toMatch(/stopping kube-controller-manager left running by an earlier run/);
    expect(up.out).toMatch(/local cluster started kube-controller-manager /);
    expect((await run('status')).out).toMatch(/^running; /);
    expect(leftovers().filter((l) => l.startsWith('kube-controller-manager'))).toHaveLength(1);

    unlinkSync(join(files.pids, 'kube-scheduler.pid'));
    expect((await run('down')).code).toBe(0);
    expect(leftovers()).toEqual([]);
  }, 300_000);

  it('a failed up stops what it had started, and says which', async () => {
    // kube-scheduler cannot start: its port is taken. etcd, the apiserver and the controller manager start first.
    const blocker = await listen(clusterPorts(portBase).scheduler);
    try {
      const up = await run('up');
      expect(up.code).toBe(1);
      expect(up.out).toMatch(/start kube-scheduler failed: port \d+ on 127.0.0.1 is taken/);
      expect(up.out).toMatch(/stopped again what this run had started: etcd, kube-apiserver, kube-controller-manager/);
      expect(leftovers()).toEqual([]);
      expect((await run('status')).out.trim()).toBe('not running');
    } finally {
      blocker.close();
    }
    const up = await run('up');
    expect(up.code, up.out).toBe(0);
  }, 300_000);
});
