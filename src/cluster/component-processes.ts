import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename, join } from 'node:path';
import type { ClusterFiles } from './cluster-layout.ts';
import { logFile, type ComponentSpec } from './control-plane-components.ts';
import { ClusterError } from './cluster-error.ts';

/*
 * Processes of the local control plane. What `down` then `up` on the same checkout got wrong: the
 * log was appended to, so a failing start showed the previous run's last lines; whether a component
 * ran was read from a pid file alone, so a process whose pid file was gone (an interrupted `up` or
 * `down`) ran on unseen, holding its port, while `status` said "not running"; `down` sent SIGKILL
 * without waiting for the process to go. Here a component is found by its command line (its binary
 * and this cluster's ports), a start gets a fresh log and is watched through its own child handle,
 * and a stop waits until the process is gone.
 */

type ProcessSpec = Pick<ComponentSpec, 'name' | 'binary' | 'port'>;

function pidFile(files: ClusterFiles, name: string): string {
  return join(files.pids, `${name}.pid`);
}

function commandLine(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw === '' ? undefined : raw.replace(/\0$/, '').split('\0');
  } catch {
    return undefined;
  }
}

/** Alive and not a zombie (a zombie still answers kill(pid, 0) but holds no port and does nothing). */
export function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the command name in parentheses, which may itself hold spaces or parentheses.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Whether `argv` is this component of this cluster: its binary, and its own port among its flags. */
function isComponent(argv: string[] | undefined, spec: ProcessSpec): boolean {
  if (!argv || !argv[0]?.endsWith(basename(spec.binary))) return false;
  const port = String(spec.port);
  return argv.slice(1).some((arg) => arg.endsWith(`:${port}`) || arg.endsWith(`=${port}`));
}

/** The pid of this cluster's running component, from its pid file, checked against /proc (a recycled pid is not it). */
export function runningPid(files: ClusterFiles, spec: ProcessSpec): number | undefined {
  const file = pidFile(files, spec.name);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return processAlive(pid) && isComponent(commandLine(pid), spec) ? pid : undefined;
}

/** Every live process that is this component of this cluster, pid file or not (strays of an interrupted up/down). */
export function componentProcesses(spec: ProcessSpec): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid !== process.pid && isComponent(commandLine(pid), spec) && processAlive(pid)) pids.push(pid);
  }
  return pids;
}

export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function portFreeWithin(port: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!(await portIsFree(port))) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

/** A component started by this process: its pid and how it ended, once it has. */
export interface StartedComponent {
  pid: number;
  child: ChildProcess;
  /** Set when the process has exited (code or signal). */
  exit?: { code: number | null; signal: NodeJS.Signals | null };
}

export async function startComponent(files: ClusterFiles, spec: ComponentSpec): Promise<StartedComponent> {
  // A process just stopped can still hold its port for a moment: a Go program's main thread shows as a
  // zombie (gone, to processAlive) while its other threads, and so its sockets, are still closing.
  if (!(await portFreeWithin(spec.port, 10_000))) {
    throw new ClusterError(
      `start ${spec.name}`,
      `port ${spec.port} on 127.0.0.1 is taken by another process`,
      `stop what listens there (\`ss -ltnp | grep ${spec.port}\`), or pick other ports with DCOS_CLUSTER_PORT_BASE=<n> (default 26400)`,
    );
  }
  mkdirSync(files.logs, { recursive: true });
  mkdirSync(files.pids, { recursive: true });
  // A fresh log per start (the previous one kept as .1): a failure shows this run's lines, not the last run's.
  const log = logFile(files, spec.name);
  if (existsSync(log)) renameSync(log, `${log}.1`);
  const out = openSync(log, 'w');
  // Detached into its own process group: the cluster outlives `npm run cluster:up`.
  const child = spawn(spec.binary, spec.args, { detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  const pid = child.pid;
  if (pid === undefined) throw new ClusterError(`start ${spec.name}`, `could not execute ${spec.binary}`, 'delete the cache directory named in the path and run again to rebuild');
  const started: StartedComponent = { pid, child };
  child.once('exit', (code, signal) => (started.exit = { code, signal }));
  child.unref();
  writeFileSync(pidFile(files, spec.name), `${pid}\n`);
  return started;
}

async function waitGone(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (processAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** SIGTERM, SIGKILL after the grace period, and in both cases wait until the process is gone. */
export async function stopProcess(pid: number, graceMs = 10_000): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  if (await waitGone(pid, graceMs)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return;
  }
  if (!(await waitGone(pid, 10_000))) throw new ClusterError('stop', `process ${pid} did not exit after SIGKILL`, `look at it with \`ps -o pid,stat,args -p ${pid}\``);
}

/**
 * Stops this component of this cluster: the process of its pid file and any stray copy of it; true
 * when something was stopped. The pid file goes only once the process has, so an interrupted stop
 * can be repeated.
 */
export async function stopComponent(files: ClusterFiles, spec: ProcessSpec, graceMs = 10_000): Promise<boolean> {
  const pids = new Set(componentProcesses(spec));
  const recorded = runningPid(files, spec);
  if (recorded !== undefined) pids.add(recorded);
  await Promise.all([...pids].map((pid) => stopProcess(pid, graceMs)));
  rmSync(pidFile(files, spec.name), { force: true });
  return pids.size > 0;
}
