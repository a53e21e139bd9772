/**
 * The Nodes page's rows, compact (one array per node: 5,000 nodes stay well under a megabyte), and
 * the difference between two sets of rows, so a live update carries only the nodes that changed.
 */
import type { NodeAllocation } from '../accounting/index.ts';
import type { NodeTopology } from './ui-sources.ts';

/** [host, health, region, zone, tasks, cpu used, cpu total, mem used, mem total, disk used, disk total, gpu used, gpu total, address] */
export type NodeRow = [string, NodeHealth, string, string, number, number, number, number, number, number, number, number, number, string];

/** Healthy (Ready, schedulable), Unhealthy (not Ready) or Cordoned (Ready, unschedulable). */
export type NodeHealth = 'Healthy' | 'Unhealthy' | 'Cordoned';

export function nodeHealth(n: NodeAllocation): NodeHealth {
  if (n.status !== 'Ready') return 'Unhealthy';
  return n.unschedulable ? 'Cordoned' : 'Healthy';
}

export function nodeRow(n: NodeAllocation, topology: NodeTopology): NodeRow {
  return [
    n.host,
    nodeHealth(n),
    topology.region,
    topology.zone,
    n.tasks,
    // Cores, to the milli-core: the page shows shares.
    n.used.cpu / 1000,
    n.allocatable.cpu / 1000,
    n.used.memory,
    n.allocatable.memory,
    n.used.disk,
    n.allocatable.disk,
    n.used.gpu,
    n.allocatable.gpu,
    n.address,
  ];
}

export interface NodesDelta {
  /** Rows new or changed. */
  changed: NodeRow[];
  /** Hosts gone. */
  removed: string[];
}

/**
 * Compares with what was sent last (host -> row) and updates `sent` to the new rows. Returns
 * undefined when nothing changed. Rows are compared field by field: no serialising 5,000 rows per update.
 */
export function nodesDelta(rows: NodeRow[], sent: Map<string, NodeRow>): NodesDelta | undefined {
  const changed: NodeRow[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    seen.add(row[0]);
    const before = sent.get(row[0]);
    if (before === undefined || !sameRow(before, row)) {
      changed.push(row);
      sent.set(row[0], row);
    }
  }
  const removed: string[] = [];
  for (const host of sent.keys()) if (!seen.has(host)) removed.push(host);
  for (const host of removed) sent.delete(host);
  return changed.length === 0 && removed.length === 0 ? undefined : { changed, removed };
}

function sameRow(a: NodeRow, b: NodeRow): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return a.length === b.length;
}
