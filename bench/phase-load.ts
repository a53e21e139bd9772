// What a timed bench phase cost the control plane: CPU seconds of each process, and the writes the
// apiserver served, by verb and resource (from its own apiserver_request_total). Printed beside a
// phase's time so a slower phase shows where its time went, not only that it was slower.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

type Client = import('../src/kube/kube-client.ts').KubeClient;

export interface LoadSnapshot {
  readonly cpuSeconds: Map<string, number>;
  readonly writes: Map<string, number>;
  readonly reads: Map<string, number>;
}

const CLOCK_TICKS = 100;
const WRITE_VERBS = new Set(['POST', 'PUT', 'PATCH', 'APPLY', 'DELETE']);
const READ_VERBS = new Set(['GET', 'LIST']);

export function cpuSecondsOf(pid: number): number | undefined {
  try {
    // Fields after the command (which may hold spaces) start at ") "; utime and stime are the 12th and 13th of them.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** The cluster's components from its pid files, and any other processes named by the caller. */
function processes(pidsDir: string, extra: Record<string, number | undefined>): Map<string, number> {
  const found = new Map<string, number>();
  for (const file of readdirSync(pidsDir)) {
    if (!file.endsWith('.pid')) continue;
    const pid = Number(readFileSync(join(pidsDir, file), 'utf8').trim());
    if (pid > 0) found.set(file.slice(0, -'.pid'.length), pid);
  }
  for (const [name, pid] of Object.entries(extra)) if (pid) found.set(name, pid);
  return found;
}

/** apiserver_request_total, summed over codes and scopes, for some verbs: "VERB resource" -> count. */
function requestCounts(metrics: string, verbs: Set<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of metrics.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const labels = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (!verbs.has(labels.verb!) || !labels.resource) continue;
    const key = `${labels.verb} ${labels.subresource ? `${labels.resource}/${labels.subresource}` : labels.resource}`;
    counts.set(key, (counts.get(key) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return counts;
}

export async function loadSnapshot(client: Client, pidsDir: string, extra: Record<string, number | undefined> = {}): Promise<LoadSnapshot> {
  const cpuSeconds = new Map<string, number>();
  for (const [name, pid] of processes(pidsDir, extra)) {
    const s = cpuSecondsOf(pid);
    if (s !== undefined) cpuSeconds.set(name, s);
  }
  const metrics = await client.request<string>('GET', '/metrics');
  const text = typeof metrics === 'string' ? metrics : '';
  return { cpuSeconds, writes: requestCounts(text, WRITE_VERBS), reads: requestCounts(text, READ_VERBS) };
}

/** Per verb and resource, what `after` counts more than `before`, largest first. */
function delta(before: Map<string, number>, after: Map<string, number>): string {
  return [...after]
    .map(([key, n]) => [key, n - (before.get(key) ?? 0)] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([key, n]) => `${key} ${n}`)
    .join(', ') || 'none';
}

/** One line each: CPU seconds per process over the phase, and the writes and reads the apiserver served in it. */
export function describeLoad(before: LoadSnapshot, after: LoadSnapshot, elapsedMs: number): string[] {
  const cpu = [...after.cpuSeconds]
    .map(([name, s]) => [name, s - (before.cpuSeconds.get(name) ?? 0)] as const)
    .filter(([, s]) => s > 0.05)
    .sort((a, b) => b[1] - a[1])
    .map(([name, s]) => `${name} ${s.toFixed(1)} s (${((s / (elapsedMs / 1000)) * 100).toFixed(0)} %)`);
  return [`cpu: ${cpu.join(', ')}`, `apiserver writes: ${delta(before.writes, after.writes)}`, `apiserver reads: ${delta(before.reads, after.reads)}`];
}
