import { Gauge } from 'prom-client';
import type { AccountingFigures } from '../accounting/index.ts';
import { registry } from './metrics.ts';

/**
 * Prometheus gauges of the same figures DcosCluster status shows, read at scrape time so they are
 * never staler than the ledger. No figures (this replica does not lead, so counts nothing): the
 * gauges have no samples, rather than zeros a dashboard would believe.
 */
export function registerClusterGauges(figures: () => AccountingFigures | undefined): void {
  const resources = ['cpu', 'memory', 'disk', 'gpu'] as const;
  const units = (resource: (typeof resources)[number], value: number) => (resource === 'cpu' ? value / 1000 : value);
  const gauge = (name: string, help: string, labelNames: string[], collect: (g: Gauge<string>, f: AccountingFigures) => void) => {
    registry.removeSingleMetric(name);
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        const f = figures();
        if (f) collect(this, f);
      },
    });
  };
  gauge('dcos_cluster_allocated', 'Requests of pods that are not Succeeded or Failed on Ready, schedulable nodes (cpu in cores, memory and disk in bytes, gpu in devices).', ['resource'], (g, f) => {
    for (const r of resources) g.set({ resource: r }, units(r, f.allocated[r]));
  });
  gauge('dcos_cluster_capacity', 'Allocatable of Ready, schedulable nodes (cpu in cores, memory and disk in bytes, gpu in devices).', ['resource'], (g, f) => {
    for (const r of resources) g.set({ resource: r }, units(r, f.total[r]));
  });
  gauge('dcos_cluster_nodes', 'Nodes by state.', ['state'], (g, { nodes: n }) => {
    g.set({ state: 'ready' }, n.ready);
    g.set({ state: 'not_ready' }, n.notReady);
    g.set({ state: 'unschedulable' }, n.unschedulable);
  });
  gauge('dcos_cluster_tasks', 'Pods by Marathon task state.', ['state'], (g, { tasks: t }) => {
    g.set({ state: 'running' }, t.running);
    g.set({ state: 'staging' }, t.staging);
    g.set({ state: 'failed' }, t.failed);
    g.set({ state: 'finished' }, t.finished);
  });
  gauge('dcos_cluster_task_failure_rate_percent', 'Failed tasks over failed plus successful tasks in the sliding window, in percent.', [], (g, f) => {
    g.set(f.failureRate.percent);
  });
  gauge('dcos_cluster_services', 'DcosServices by health.', ['health'], (g, { services: s }) => {
    g.set({ health: 'healthy' }, s.healthy);
    g.set({ health: 'unhealthy' }, s.unhealthy);
    g.set({ health: 'idle' }, s.idle);
    g.set({ health: 'na' }, s.na);
  });
}
