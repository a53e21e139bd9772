import { describe, expect, it } from 'vitest';
import { statusFromFigures, type AccountingFigures, type NodeAllocation } from '../../src/accounting/index.ts';
import { dashboardView, sampleOf } from '../../src/ui/dashboard-view.ts';
import { History } from '../../src/ui/history.ts';
import { nodeRow, nodesDelta, type NodeRow } from '../../src/ui/nodes-view.ts';
import { serviceDetailView, taskRow } from '../../src/ui/service-detail-view.ts';
import { servicesView } from '../../src/ui/services-view.ts';
import type { PackageObject, ServiceObject, TaskPod } from '../../src/ui/ui-sources.ts';

const Gi = 2 ** 30;

function figures(): AccountingFigures {
  return {
    allocated: { cpu: 10_050, memory: 28 * Gi, disk: 0, gpu: 0 },
    total: { cpu: 24_000, memory: 82 * Gi, disk: 400 * Gi, gpu: 4 },
    nodes: { total: 5, ready: 4, notReady: 1, unschedulable: 0 },
    tasks: { running: 12, staging: 3, failed: 1, finished: 2 },
    failureRate: { percent: 0, windowSeconds: 3600, failed: 0, successful: 12 },
    services: { total: 0, healthy: 0, unhealthy: 0, idle: 0, na: 0, unhealthyNames: [] },
  };
}

function service(name: string, health: string | undefined, extra: Partial<ServiceObject> = {}): ServiceObject {
  return {
    apiVersion: 'dcos.dev/v1alpha1',
    kind: 'DcosService',
    metadata: { name, namespace: 'prod' },
    spec: { cpus: 0.5, mem: 256, instances: 2 },
    status: { health: health as 'Healthy', tasksRunning: 2, image: `${name}:1`, conditions: [{ type: 'Ready', status: 'True', reason: 'Running', message: '2 of 2 tasks running', lastTransitionTime: '2025-06-01T12:00:00Z' }] },
    ...extra,
  } as ServiceObject;
}

describe('the Dashboard view', () => {
  it('shows the DcosCluster status figures as DC/OS did: "10.05 of 24 shares", tasks running and staging, nodes connected of total', () => {
    const status = statusFromFigures(figures(), Date.parse('2025-06-01T12:00:00Z'));
    const view = dashboardView(status, []);
    expect(view.allocation.cpu).toEqual({ percent: 41.9, summary: '10.05 of 24 shares' });
    expect(view.allocation.memory.summary).toBe('28 GiB of 82 GiB');
    expect(view.tasks).toEqual({ running: 12, staging: 3, total: 15 });
    expect(view.nodes).toEqual({ connected: 4, total: 5 });
    expect(view.accounted).toBe(true);
  });

  it('lists the five services that need a look first: unhealthy, then healthy, idle and NA, by name', () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const healths = ['Healthy', 'Idle', undefined, 'Unhealthy', 'Healthy', 'Unhealthy', 'NA'];
    const view = dashboardView(undefined, names.map((n, i) => service(n, healths[i])));
    expect(view.servicesHealth.top.map((s) => `${s.name}:${s.health}`)).toEqual(['d:Unhealthy', 'f:Unhealthy', 'a:Healthy', 'e:Healthy', 'b:Idle']);
    expect(view.servicesHealth.total).toBe(7);
    expect(view.servicesHealth.na).toBe(2);
    expect(view.accounted).toBe(false);
  });

  it('samples the percentages for the charts, none before the first status', () => {
    expect(sampleOf(undefined, 0)).toBeUndefined();
    const s = sampleOf(statusFromFigures(figures(), 0), 4000);
    expect(s).toMatchObject({ t: 4, cpu: 41.9, memory: 34.1, disk: 0, gpu: 0, failureRate: 0 });
  });
});

describe('the charts\' history', () => {
  it('keeps the newest samples up to its capacity, oldest first', () => {
    const h = new History(3);
    for (let t = 1; t <= 5; t++) h.push({ t, cpu: t, memory: 0, disk: 0, gpu: 0, failureRate: 0 });
    expect(h.all().map((s) => s.t)).toEqual([3, 4, 5]);
    expect(h.since(3).map((s) => s.t)).toEqual([4, 5]);
    expect(h.latest?.t).toBe(5);
  });

  it('refuses a capacity that is not a positive integer, naming it', () => {
    expect(() => new History(0)).toThrow(/history capacity: expected a positive integer, got 0/);
  });
});

describe('the Services view', () => {
  it('puts a package\'s services under it, with its version, worst health and summed resources', () => {
    const owned = (name: string, health: string) =>
      service(name, health, { metadata: { name, namespace: 'prod', ownerReferences: [{ apiVersion: 'dcos.dev/v1alpha1', kind: 'DcosPackage', name: 'kafka', uid: 'u1' }] } });
    const pkg = {
      apiVersion: 'dcos.dev/v1alpha1',
      kind: 'DcosPackage',
      metadata: { name: 'kafka', namespace: 'prod' },
      spec: { packageName: 'kafka' },
      status: { resolvedVersion: '2.3.0', conditions: [{ type: 'Ready', status: 'True', reason: 'Installed', message: 'ok', lastTransitionTime: '' }] },
    } as PackageObject;
    const view = servicesView([owned('broker', 'Healthy'), owned('zk', 'Unhealthy'), service('web', 'Healthy')], [pkg]);
    expect(view.total).toBe(3);
    expect(view.services.map((s) => s.name)).toEqual(['web']);
    const [kafka] = view.packages;
    expect(kafka).toMatchObject({ name: 'kafka', version: '2.3.0', status: 'Installed', health: 'Unhealthy', running: 4, wanted: 4, cpus: 2, mem: 1024 });
    expect(kafka!.services.map((s) => s.name)).toEqual(['broker', 'zk']);
  });

  it('says Suspended, Waiting, Failed as DC/OS did, from the Ready condition', () => {
    const withReason = (reason: string) => service('x', 'NA', { status: { conditions: [{ type: 'Ready', status: 'False', reason, message: 'm', lastTransitionTime: '' }] } } as Partial<ServiceObject>);
    const status = (reason: string) => servicesView([withReason(reason)], []).services[0]!.status;
    expect(status('Suspended')).toBe('Suspended');
    expect(status('WaitingForDependencies')).toBe('Waiting');
    expect(status('InvalidSpec')).toBe('Failed');
    expect(status('Unhealthy')).toBe('Running');
  });
});

describe('a service page', () => {
  const pod = (over: Partial<TaskPod> = {}): TaskPod => ({
    name: 'web-1',
    namespace: 'prod',
    node: 'agent-1',
    status: {
      phase: 'Running',
      startTime: '2025-06-01T12:00:00Z',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ name: 'main', ready: true, restartCount: 3, image: 'i', imageID: '', lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', message: 'out of memory', finishedAt: '2025-06-01T11:59:00Z' } } }],
    },
    ...over,
  }) as TaskPod;

  it('shows each task with its node, state, health, restarts and last failure with exit code and message', () => {
    expect(taskRow(pod(), true)).toEqual({
      pod: 'web-1',
      node: 'agent-1',
      state: 'TASK_RUNNING',
      health: 'Healthy',
      started: '2025-06-01T12:00:00Z',
      restarts: 3,
      lastFailure: { exitCode: 137, reason: 'OOMKilled', message: 'out of memory', time: '2025-06-01T11:59:00Z' },
    });
    expect(taskRow(pod({ status: { phase: 'Pending' } }), true)).toMatchObject({ state: 'TASK_STAGING', health: 'NA', restarts: 0 });
    expect(taskRow(pod({ deletionTimestamp: 'x' }), false).state).toBe('TASK_KILLING');
    const crashLooping = pod({ status: { phase: 'Running', containerStatuses: [{ name: 'main', ready: false, restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff' } } }] } } as Partial<TaskPod>);
    expect(taskRow(crashLooping, true)).toMatchObject({ state: 'TASK_FAILED', restarts: 5 });
  });

  it('says when the service does not exist', () => {
    expect(serviceDetailView('prod', 'gone', undefined, [], [])).toMatchObject({ found: false, tasks: [] });
  });
});

describe('the Nodes view', () => {
  const node = (host: string, cpu: number): NodeAllocation => ({
    host,
    address: '10.0.0.1',
    status: 'Ready',
    unschedulable: host.endsWith('c'),
    counted: true,
    tasks: 1,
    used: { cpu, memory: Gi, disk: 0, gpu: 0 },
    allocatable: { cpu: 8000, memory: 32 * Gi, disk: 100 * Gi, gpu: 0 },
    limits: { cpu: 0, memory: 0 },
  });
  const topo = { region: 'r1', zone: 'z1' };

  it('makes one compact row per node, cordoned nodes called so', () => {
    expect(nodeRow(node('a', 500), topo)).toEqual(['a', 'Healthy', 'r1', 'z1', 1, 0.5, 8, Gi, 32 * Gi, 0, 100 * Gi, 0, 0, '10.0.0.1']);
    expect(nodeRow(node('c', 0), topo)[1]).toBe('Cordoned');
    expect(nodeRow({ ...node('b', 0), status: 'NotReady' }, topo)[1]).toBe('Unhealthy');
  });

  it('sends only the rows that changed, and the hosts gone', () => {
    const sent = new Map<string, NodeRow>();
    expect(nodesDelta([nodeRow(node('a', 500), topo), nodeRow(node('b', 500), topo)], sent)?.changed).toHaveLength(2);
    expect(nodesDelta([nodeRow(node('a', 500), topo), nodeRow(node('b', 500), topo)], sent)).toBeUndefined();
    const delta = nodesDelta([nodeRow(node('a', 1500), topo)], sent);
    expect(delta?.changed.map((r) => r[0])).toEqual(['a']);
    expect(delta?.removed).toEqual(['b']);
  });
});
