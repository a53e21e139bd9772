import { describe, expect, it } from 'vitest';
import { AllocationLedger } from '../../src/accounting/allocation-ledger.ts';
import { clusterStatusChanged, formatBytes, formatPercent, formatShares, toClusterStatus } from '../../src/accounting/cluster-status.ts';
import type { DcosServiceLike, NodeLike, PodLike } from '../../src/accounting/kube-shapes.ts';
import { ServicesHealth } from '../../src/accounting/services-health.ts';
import { dcosClusterStatusSchema, UNHEALTHY_NAMES_LIMIT } from '../../src/resources/dcos-cluster.ts';

const NOW = Date.parse('2025-06-01T12:00:00Z');

function node(name: string, cpu: string, memory: string, ready = 'True', gpu?: string): NodeLike {
  return {
    metadata: { name },
    status: {
      allocatable: { cpu, memory, 'ephemeral-storage': '500Gi', ...(gpu ? { 'nvidia.com/gpu': gpu } : {}) },
      conditions: [{ type: 'Ready', status: ready }],
    },
  };
}

function pod(uid: string, nodeName: string, requests: Record<string, string>): PodLike {
  return { metadata: { uid, name: uid, namespace: 'prod' }, spec: { nodeName, containers: [{ resources: { requests } }] }, status: { phase: 'Running' } };
}

function service(name: string, health?: string): DcosServiceLike {
  return { metadata: { name, namespace: 'prod' }, ...(health ? { status: { health } } : {}) };
}

function exampleLedger(): AllocationLedger {
  const ledger = new AllocationLedger();
  ledger.applyNode('ADDED', node('a', '16', '50Gi', 'True', '8'));
  ledger.applyNode('ADDED', node('b', '8', '32Gi'));
  ledger.applyPod('ADDED', pod('p1', 'a', { cpu: '10', memory: '20Gi', 'nvidia.com/gpu': '2' }), NOW);
  ledger.applyPod('ADDED', pod('p2', 'b', { cpu: '50m', memory: '8Gi', 'ephemeral-storage': '100Gi' }), NOW);
  return ledger;
}

describe('formatShares', () => {
  it.each([
    [10_050, '10.05'],
    [24_000, '24'],
    [10_500, '10.5'],
    [10_049, '10.05'],
    [10_004, '10'],
    [5, '0.01'],
    [0, '0'],
  ])('%i milli-cores -> %s', (milli, text) => {
    expect(formatShares(milli)).toBe(text);
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [512, '512 B'],
    [28 * 2 ** 30, '28 GiB'],
    [1.5 * 2 ** 30, '1.5 GiB'],
    [512 * 2 ** 20, '512 MiB'],
    [1.5 * 2 ** 40, '1.5 TiB'],
    [82 * 2 ** 30 + 2 ** 29, '83 GiB'],
  ])('%i -> %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('formatPercent', () => {
  it.each([
    [41.9, '42%'],
    [2.2, '2%'],
    [0, '0%'],
    [100, '100%'],
  ])('%d -> %s', (percent, text) => {
    expect(formatPercent(percent)).toBe(text);
  });
});

describe('toClusterStatus', () => {
  it('shows allocation as the DC/OS dashboard did', () => {
    const status = toClusterStatus(exampleLedger(), NOW);
    expect(status.resources?.cpu).toEqual({ allocated: 10.05, total: 24, percent: 41.9, percentString: '42%', summary: '10.05 of 24 shares' });
    expect(status.resources?.memory).toEqual({ allocated: 28 * 2 ** 30, total: 82 * 2 ** 30, percent: 34.1, percentString: '34%', summary: '28 GiB of 82 GiB' });
    expect(status.resources?.disk).toMatchObject({ allocated: 100 * 2 ** 30, percent: 10, percentString: '10%', summary: '100 GiB of 1000 GiB' });
    expect(status.resources?.gpu).toEqual({ allocated: 2, total: 8, percent: 25, percentString: '25%', summary: '2 of 8 GPUs' });
    expect(status.nodes).toEqual({ total: 2, ready: 2, notReady: 0, unschedulable: 0, summary: '2/2' });
    expect(status.tasks).toEqual({ running: 2, staging: 0, failed: 0, finished: 0 });
    expect(status.taskFailureRate).toEqual({ percent: 0, percentString: '0%', windowSeconds: 3600, failed: 0, successful: 2 });
    expect(status.lastUpdated).toBe('2025-06-01T12:00:00.000Z');
  });

  it('produces a status the DcosCluster schema accepts', () => {
    const ledger = exampleLedger();
    ledger.applyService('ADDED', service('web', 'Unhealthy'));
    const parsed = dcosClusterStatusSchema.safeParse(toClusterStatus(ledger, NOW, { observedGeneration: 3 }));
    expect(parsed.error).toBeUndefined();
  });

  it('shows 0 percent, not NaN, for an empty cluster, and says it is not Ready', () => {
    const status = toClusterStatus(new AllocationLedger(), NOW);
    expect(status.resources?.cpu).toEqual({ allocated: 0, total: 0, percent: 0, percentString: '0%', summary: '0 of 0 shares' });
    expect(status.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'NoSchedulableNodes' });
  });

  it('reports Degraded while a node is NotReady, and keeps transition times while a condition holds', () => {
    const ledger = exampleLedger();
    ledger.applyNode('MODIFIED', node('b', '8', '32Gi', 'False'));
    const first = toClusterStatus(ledger, NOW);
    expect(first.conditions?.find((c) => c.type === 'Degraded')).toMatchObject({ status: 'True', reason: 'NodesNotReady', message: '1 of 2 nodes not Ready.' });
    const later = toClusterStatus(ledger, NOW + 60_000, { previous: first });
    expect(later.conditions?.find((c) => c.type === 'Degraded')?.lastTransitionTime).toBe('2025-06-01T12:00:00.000Z');
    ledger.applyNode('MODIFIED', node('b', '8', '32Gi', 'True'));
    const recovered = toClusterStatus(ledger, NOW + 120_000, { previous: later });
    expect(recovered.conditions?.find((c) => c.type === 'Degraded')).toMatchObject({ status: 'False', lastTransitionTime: '2025-06-01T12:02:00.000Z' });
  });
});

describe('services health', () => {
  it('counts by health, NA for services that report none yet', () => {
    const services = new ServicesHealth();
    services.apply('ADDED', service('a', 'Healthy'));
    services.apply('ADDED', service('b', 'Idle'));
    services.apply('ADDED', service('c', 'NA'));
    services.apply('ADDED', service('d'));
    services.apply('ADDED', service('e', 'Unhealthy'));
    expect(services.figures()).toEqual({ total: 5, healthy: 1, unhealthy: 1, idle: 1, na: 2, unhealthyNames: ['prod/e'] });
  });

  it('follows a service from Unhealthy back to Healthy, and out when deleted', () => {
    const services = new ServicesHealth();
    services.apply('ADDED', service('a', 'Unhealthy'));
    services.apply('MODIFIED', service('a', 'Healthy'));
    expect(services.figures()).toMatchObject({ healthy: 1, unhealthy: 0, unhealthyNames: [] });
    services.apply('DELETED', service('a', 'Healthy'));
    expect(services.figures()).toMatchObject({ total: 0, healthy: 0 });
  });

  it(`lists at most ${UNHEALTHY_NAMES_LIMIT} unhealthy names, sorted, and counts them all`, () => {
    const services = new ServicesHealth();
    for (let i = 30; i > 0; i--) services.apply('ADDED', service(`svc-${String(i).padStart(2, '0')}`, 'Unhealthy'));
    const figures = services.figures();
    expect(figures.unhealthy).toBe(30);
    expect(figures.unhealthyNames).toHaveLength(UNHEALTHY_NAMES_LIMIT);
    expect(figures.unhealthyNames[0]).toBe('prod/svc-01');
    expect(figures.unhealthyNames.at(-1)).toBe('prod/svc-20');
  });
});

describe('clusterStatusChanged', () => {
  it('is true with nothing written yet', () => {
    expect(clusterStatusChanged(undefined, toClusterStatus(exampleLedger(), NOW))).toBe(true);
  });

  it('is false when only the time moved on', () => {
    const ledger = exampleLedger();
    const first = toClusterStatus(ledger, NOW);
    expect(clusterStatusChanged(first, toClusterStatus(ledger, NOW + 5_000, { previous: first }))).toBe(false);
  });

  it('is false for the same figures read back from the API server with keys sorted', () => {
    const status = toClusterStatus(exampleLedger(), NOW);
    const sortKeys = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(sortKeys)
        : value !== null && typeof value === 'object'
          ? Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]))
          : value;
    expect(clusterStatusChanged(sortKeys(JSON.parse(JSON.stringify(status))) as typeof status, status)).toBe(false);
  });

  it('is true when a shown figure changes', () => {
    const ledger = exampleLedger();
    const first = toClusterStatus(ledger, NOW);
    ledger.applyPod('ADDED', pod('p3', 'a', { cpu: '100m' }), NOW);
    expect(clusterStatusChanged(first, toClusterStatus(ledger, NOW, { previous: first }))).toBe(true);
  });
});
