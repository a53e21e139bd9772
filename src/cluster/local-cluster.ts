import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { KubeClient, isConflict, type KubeObjectLike } from '../kube/kube-client.ts';
import { clusterDir, clusterFiles, clusterPorts, type ClusterFiles } from './cluster-layout.ts';
import { ensureClusterPki } from './cluster-pki.ts';
import { ensureControlPlaneBinaries, type BuildReport } from './control-plane-build.ts';
import { controlPlaneComponents, type ComponentSpec } from './control-plane-components.ts';
import { isHealthy, waitHealthy } from './component-health.ts';
import { componentProcesses, runningPid, startComponent, stopComponent, stopProcess } from './component-processes.ts';
import { kwokNodeManifest, nodeName, nodeOptionsFromEnv } from './kwok-nodes.ts';
import { ClusterError } from './cluster-error.ts';
import { addKwokLogs } from './kwok-logs.ts';
import { writeAuditPolicy } from './audit-policy.ts';

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

async function ensureNodes(client: KubeClient): Promise<number> {
  const opts = nodeOptionsFromEnv();
  return (await ensureKwokNodes(client, opts.count, opts)).ready;
}

/**
 * Makes nodes `dcos-agent-1..count` exist and waits until kwok has them Ready; returns the names it
 * created (a scenario that needs more nodes than the cluster was started with removes them after)
 * and how many are Ready.
 */
export async function ensureKwokNodes(client: KubeClient, count: number, opts = nodeOptionsFromEnv()): Promise<{ created: string[]; ready: number }> {
  const created: string[] = [];
  for (let i = 0; i < count; i++) {
    try {
      await client.create(kwokNodeManifest(i, opts) as KubeObjectLike);
      created.push(nodeName(i));
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  }
  const deadline = Date.now() + 60_000;
  for (;;) {
    const nodes = await client.list<KubeObjectLike & { status?: { conditions?: Array<{ type: string; status: string }> } }>('v1', 'Node', { labelSelector: 'kwok.x-k8s.io/node=fake' });
    const ready = nodes.items.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
    if (ready >= count) return { created, ready };
    if (Date.now() > deadline) {
      throw new ClusterError('wait for kwok nodes', `${ready} of ${count} nodes became Ready within 60 s`, 'read .cluster/logs/kwok.log');
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
  writeAuditPolicy(files);

  const started: string[] = [];
  const startedSpecs: ComponentSpec[] = [];
  try {
    for (const spec of controlPlaneComponents(files, ports)) {
      if (runningPid(files, spec) !== undefined) {
        // Running but perhaps not answering yet: wait once more before deciding it is broken.
        if (!(await isHealthy(files, spec))) await waitHealthy(files, spec);
        continue;
      }
      // A copy without a pid file (an interrupted up or down) holds the port and is invisible to status: replace it.
      const strays = componentProcesses(spec);
      if (strays.length > 0) {
        say(`stopping ${spec.name} left running by an earlier run (pid ${strays.join(', ')})`);
        await Promise.all(strays.map((pid) => stopProcess(pid)));
      }
      const process = await startComponent(files, spec);
      startedSpecs.push(spec);
      await waitHealthy(files, spec, process);
      started.push(spec.name);
      say(`started ${spec.name}`);
    }
    const client = KubeClient.fromFile(files.kubeconfig);
    const nodes = await ensureNodes(client);
    return { kubeconfig: files.kubeconfig, server: `https://127.0.0.1:${ports.apiserver}`, build, started, nodes, startSeconds: (Date.now() - t0) / 1000 };
  } catch (err) {
    // A failed up leaves nothing it started behind: what ran before it keeps running, the rest stops.
    for (const spec of [...startedSpecs].reverse()) await stopComponent(files, spec).catch(() => false);
    if (startedSpecs.length > 0 && err instanceof Error) err.message += `\n  stopped again what this run had started: ${startedSpecs.map((s) => s.name).join(', ')}`;
    throw err;
  }
}

export async function clusterDown(opts: { purge?: boolean } = {}): Promise<string[]> {
  const files = clusterFiles();
  const [etcd, apiserver, ...clients] = controlPlaneComponents(files, clusterPorts());
  // Clients of the apiserver together, then the apiserver, then etcd; each stop waits until the process is gone.
  const stopped: string[] = [];
  for (const group of [clients.reverse(), [apiserver!], [etcd!]]) {
    const results = await Promise.all(group.map(async (spec) => ((await stopComponent(files, spec)) ? spec.name : undefined)));
    stopped.push(...results.filter((n): n is string => n !== undefined));
  }
  if (opts.purge) rmSync(clusterDir(), { recursive: true, force: true });
  return stopped;
}

export interface ComponentState {
  name: string;
  /** The pid the cluster knows (its pid file), when that process runs. */
  pid?: number;
  /** Copies running without a pid file: left by an interrupted up or down; `down` stops them. */
  strays: number[];
}

/** What runs of the local cluster, component by component. */
export function clusterStatus(): ComponentState[] {
  const files = clusterFiles();
  return controlPlaneComponents(files, clusterPorts()).map((spec) => {
    const pid = runningPid(files, spec);
    return { name: spec.name, ...(pid !== undefined ? { pid } : {}), strays: componentProcesses(spec).filter((p) => p !== pid) };
  });
}

export function clusterRunning(): boolean {
  const files = clusterFiles();
  return existsSync(files.kubeconfig) && controlPlaneComponents(files, clusterPorts()).every((spec) => runningPid(files, spec) !== undefined);
}
