import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, join } from 'node:path';
import type { ClusterFiles } from './cluster-layout.ts';
import { logFile, type ComponentSpec } from './control-plane-components.ts';
import { ClusterError } from './cluster-error.ts';

function pidFile(files: ClusterFiles, name: string): string {
  return join(files.pids, `${name}.pid`);
}

/** The pid of a running component, checked against /proc so a recycled pid is not mistaken for it. */
export function runningPid(files: ClusterFiles, spec: Pick<ComponentSpec, 'name' | 'binary'>): number | undefined {
  const file = pidFile(files, spec.name);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (cmdline.split('\0')[0]?.endsWith(basename(spec.binary))) return pid;
  } catch {
    // gone
  }
  return undefined;
}

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function startComponent(files: ClusterFiles, spec: ComponentSpec): Promise<number> {
  if (!(await portIsFree(spec.port))) {
    throw new ClusterError(
      `start ${spec.name}`,
      `port ${spec.port} on 127.0.0.1 is taken by another process`,
      `stop what listens there (\`ss -ltnp | grep ${spec.port}\`), or pick other ports with DCOS_CLUSTER_PORT_BASE=<n> (default 26400)`,
    );
  }
  mkdirSync(files.logs, { recursive: true });
  mkdirSync(files.pids, { recursive: true });
  const out = openSync(logFile(files, spec.name), 'a');
  // Detached into its own process group: the cluster outlives `npm run cluster:up`.
  const child = spawn(spec.binary, spec.args, { detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new ClusterError(`start ${spec.name}`, `could not execute ${spec.binary}`, 'delete the cache directory named in the path and run again to rebuild');
  child.unref();
  writeFileSync(pidFile(files, spec.name), `${pid}\n`);
  return pid;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after a grace period; true when something was stopped. */
export async function stopComponent(files: ClusterFiles, spec: Pick<ComponentSpec, 'name' | 'binary'>, graceMs = 10_000): Promise<boolean> {
  const pid = runningPid(files, spec);
  rmSync(pidFile(files, spec.name), { force: true });
  if (pid === undefined) return false;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  return true;
}
