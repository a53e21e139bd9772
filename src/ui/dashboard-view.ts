/** The Dashboard's figures (DC/OS 1.x panels) from the DcosCluster status and the DcosServices. */
import type { DcosClusterStatus } from '../resources/dcos-cluster.ts';
import type { Sample } from './history.ts';
import { byHealthThenName, healthOf, type Health } from './service-rows.ts';
import type { ServiceObject } from './ui-sources.ts';

export const SERVICES_HEALTH_TOP = 5;

export interface AllocationPanel {
  percent: number;
  summary: string;
}

export interface DashboardView {
  /** False until the operator has written the DcosCluster status. */
  accounted: boolean;
  lastUpdated: string;
  allocation: { cpu: AllocationPanel; memory: AllocationPanel; disk: AllocationPanel; gpu: AllocationPanel };
  failureRate: { percent: number; windowSeconds: number; failed: number; successful: number };
  servicesHealth: { top: Array<{ namespace: string; name: string; health: Health }>; total: number; healthy: number; unhealthy: number; idle: number; na: number };
  tasks: { running: number; staging: number; total: number };
  nodes: { connected: number; total: number };
}

const EMPTY_PANEL: AllocationPanel = { percent: 0, summary: '' };

export function dashboardView(status: DcosClusterStatus | undefined, services: ServiceObject[]): DashboardView {
  const rows = services.map((s) => ({ namespace: s.metadata.namespace ?? '', name: s.metadata.name, health: healthOf(s.status?.health) }));
  rows.sort(byHealthThenName);
  const count = (h: Health) => rows.filter((r) => r.health === h).length;
  const r = status?.resources;
  const panel = (p: { percent: number; summary: string } | undefined): AllocationPanel => (p ? { percent: p.percent, summary: p.summary } : EMPTY_PANEL);
  const tasks = status?.tasks;
  return {
    accounted: status?.resources !== undefined,
    lastUpdated: status?.lastUpdated ?? '',
    allocation: { cpu: panel(r?.cpu), memory: panel(r?.memory), disk: panel(r?.disk), gpu: panel(r?.gpu) },
    failureRate: {
      percent: status?.taskFailureRate?.percent ?? 0,
      windowSeconds: status?.taskFailureRate?.windowSeconds ?? 0,
      failed: status?.taskFailureRate?.failed ?? 0,
      successful: status?.taskFailureRate?.successful ?? 0,
    },
    servicesHealth: { top: rows.slice(0, SERVICES_HEALTH_TOP), total: rows.length, healthy: count('Healthy'), unhealthy: count('Unhealthy'), idle: count('Idle'), na: count('NA') },
    // DC/OS counted the tasks that are there: running and staging (finished ones are history).
    tasks: { running: tasks?.running ?? 0, staging: tasks?.staging ?? 0, total: (tasks?.running ?? 0) + (tasks?.staging ?? 0) },
    nodes: { connected: status?.nodes?.ready ?? 0, total: status?.nodes?.total ?? 0 },
  };
}

/** The sample the charts plot for this status, or undefined before the first status. */
export function sampleOf(status: DcosClusterStatus | undefined, nowMs: number): Sample | undefined {
  const r = status?.resources;
  if (!r) return undefined;
  return {
    t: Math.round(nowMs / 1000),
    cpu: r.cpu.percent,
    memory: r.memory.percent,
    disk: r.disk.percent,
    gpu: r.gpu.percent,
    failureRate: status?.taskFailureRate?.percent ?? 0,
  };
}
