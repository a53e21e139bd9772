import { formatPercent } from '../accounting/cluster-status.ts';
import type { DcosClusterStatus } from '../resources/dcos-cluster.ts';

/** `dcos cluster status`: the DC/OS dashboard's figures, one per line, label then value. */
export function clusterSummaryLines(status: DcosClusterStatus): string[] {
  const lines: Array<[string, string]> = [];
  const r = status.resources;
  if (r) {
    lines.push(['CPU Allocation', `${formatPercent(r.cpu.percent)}  ${r.cpu.summary}`]);
    lines.push(['Memory Allocation', `${formatPercent(r.memory.percent)}  ${r.memory.summary}`]);
    lines.push(['Disk Allocation', `${formatPercent(r.disk.percent)}  ${r.disk.summary}`]);
    lines.push(['GPU Allocation', `${formatPercent(r.gpu.percent)}  ${r.gpu.summary}`]);
  }
  const n = status.nodes;
  if (n) lines.push(['Nodes', `${n.ready} of ${n.total} Ready${n.unschedulable > 0 ? `, ${n.unschedulable} cordoned` : ''}`]);
  const t = status.tasks;
  if (t) lines.push(['Tasks', `${t.running} running, ${t.staging} staging, ${t.failed} failed, ${t.finished} finished`]);
  const f = status.taskFailureRate;
  if (f) lines.push(['Task Failure Rate', `${formatPercent(f.percent)}  ${f.failed} failed, ${f.successful} successful in the last ${windowText(f.windowSeconds)}`]);
  const s = status.services;
  if (s) {
    lines.push(['Services Health', `${s.healthy} healthy, ${s.unhealthy} unhealthy, ${s.idle} idle, ${s.na} NA (${s.total} services)`]);
    if (s.unhealthyNames.length > 0) lines.push(['Unhealthy', s.unhealthyNames.join(', ')]);
  }
  const width = Math.max(...lines.map(([label]) => label.length));
  return lines.map(([label, value]) => `${label.padEnd(width)}  ${value}`);
}

function windowText(seconds: number): string {
  if (seconds % 3600 === 0) return seconds === 3600 ? 'hour' : `${seconds / 3600} hours`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
