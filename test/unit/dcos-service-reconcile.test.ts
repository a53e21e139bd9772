import { describe, expect, it } from 'vitest';
import { ServiceBookkeeping } from '../../src/controllers/dcos-service-bookkeeping.ts';
import { reconcileDcosService, type DcosServiceReconciler, type Svc, type WorkloadObj } from '../../src/controllers/dcos-service-reconcile.ts';
import { RefusedError } from '../../src/controllers/runtime/refusal.ts';
import type { ProjectedPod } from '../../src/controllers/pod-projection.ts';
import { createLogger } from '../../src/operator/logger.ts';
import type { DcosServiceSpec, DcosServiceStatus } from '../../src/resources/dcos-service.ts';
import type { KubeObjectLike } from '../../src/kube/kube-client.ts';
import { cache, FakeEvents, FakeKubeClient } from './support/fake-kube-client.ts';

const NS = 'shop';
const KEY = `${NS}/web`;
const app = (extra: Partial<DcosServiceSpec> = {}): DcosServiceSpec => ({ cmd: 'python3 -m http.server $PORT0', container: { type: 'DOCKER', docker: { image: 'python:3.12-slim' } }, instances: 2, portDefinitions: [{ port: 8080, name: 'http' }], ...extra });
const svc = (spec: DcosServiceSpec = app(), status?: DcosServiceStatus): Svc => ({ apiVersion: 'dcos.dev/v1alpha1', kind: 'DcosService', metadata: { name: 'web', namespace: NS, uid: 'u1', generation: 3 }, spec, ...(status ? { status } : {}) });
const owner = [{ apiVersion: 'dcos.dev/v1alpha1', kind: 'DcosService', name: 'web', uid: 'u1', controller: true }];
const workload = (kind: 'Deployment' | 'StatefulSet', replicas: number, ready = replicas): WorkloadObj =>
  ({ apiVersion: 'apps/v1', kind, metadata: { name: 'web', namespace: NS, generation: 1, ownerReferences: owner }, spec: { replicas }, status: { observedGeneration: 1, replicas, updatedReplicas: replicas, availableReplicas: ready, readyReplicas: ready } }) as unknown as WorkloadObj;
const runningPod = (name: string): ProjectedPod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS, labels: { 'dcos.dev/service': 'web' } }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });

interface Given {
  service?: Svc;
  deployment?: WorkloadObj;
  statefulSet?: WorkloadObj;
  k8sService?: boolean;
  pods?: ProjectedPod[];
  applyRequested?: boolean;
  othersWaiting?: boolean;
  translate?: DcosServiceReconciler['translate'];
}

/** A reconciler over the given caches, with a recording client; returns what it did. */
function setUp(given: Given) {
  const client = new FakeKubeClient();
  const events = new FakeEvents();
  const book = new ServiceBookkeeping<WorkloadObj>();
  for (const p of given.pods ?? []) book.podAdded(KEY, `${NS}/${p.metadata.name}`);
  if (given.applyRequested) book.requestApply(KEY);
  const later: string[] = [];
  const r: DcosServiceReconciler = {
    client: client as unknown as DcosServiceReconciler['client'],
    events,
    services: cache(...(given.service ? [given.service] : [])),
    workloads: { Deployment: cache(...(given.deployment ? [given.deployment] : [])), StatefulSet: cache(...(given.statefulSet ? [given.statefulSet] : [])) },
    k8sServices: cache(...(given.k8sService ? [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: NS } } as KubeObjectLike] : [])),
    pods: cache(...(given.pods ?? [])),
    book,
    statusTiming: { shouldWait: () => given.othersWaiting ?? false, later: (k) => later.push(k) },
    translate: given.translate,
    defaultImage: 'busybox',
    log: createLogger('silent'),
    now: () => new Date('2026-01-01T00:00:00Z'),
  };
  const status = () => client.lastBody<{ status: DcosServiceStatus }>('DcosService', 'status')?.status;
  const ready = () => status()?.conditions?.find((c) => c.type === 'Ready');
  return { r, client, events, book, later, status, ready, run: () => reconcileDcosService(r, KEY) };
}

describe('reconcileDcosService', () => {
  it('creates the children of a new service (Deployment and Service), then writes its status', async () => {
    const t = setUp({ service: svc() });
    await t.run();
    expect(t.client.actions()).toEqual(['apply Deployment shop/web', 'apply Service shop/web', 'apply DcosService/status shop/web']);
    expect(t.client.lastBody<WorkloadObj>('Deployment')?.spec.replicas).toBe(2);
    expect(t.status()).toMatchObject({ observedGeneration: 3, appId: '/web', tasksRunning: 0 });
    expect(t.events.reasons()).toEqual(['Created']);
    expect(t.book.notYetSeen(KEY)?.kind).toBe('Deployment');
  });

  it('looks again after a write its cache has not shown, and applies once the write no longer stands for the cache', async () => {
    let now = 0;
    const t = setUp({ service: svc() });
    const book = new ServiceBookkeeping<WorkloadObj>({ unseenTtlMs: 20_000, now: () => now });
    t.r.book = book;
    await t.run();
    expect(t.client.actions()).toEqual(['apply Deployment shop/web', 'apply Service shop/web', 'apply DcosService/status shop/web']);
    // A pod event before the watch shows the Deployment: no second apply, but a look later.
    const deploymentApplies = () => t.client.actions().filter((a) => a === 'apply Deployment shop/web').length;
    expect(await t.run()).toEqual({ requeueAfterMs: 21_000 });
    expect(deploymentApplies()).toBe(1);
    // The watch never showed it (deleted in a watch gap): the look later puts the children back.
    now = 21_000;
    await t.run();
    expect(deploymentApplies()).toBe(2);
    expect(t.client.actions()).toContain('apply Service shop/web');
  });

  it('only refreshes status when nothing asks for an apply (a pod event)', async () => {
    const t = setUp({ service: svc(), deployment: workload('Deployment', 2), k8sService: true, pods: [runningPod('a'), runningPod('b')] });
    await t.run();
    expect(t.client.actions()).toEqual(['apply DcosService/status shop/web']);
    expect(t.status()).toMatchObject({ tasksRunning: 2, instances: 2 });
    expect(t.ready()).toMatchObject({ status: 'True', reason: 'Running' });
  });

  it('writes nothing when the status it computes is the one shown', async () => {
    const first = setUp({ service: svc(), deployment: workload('Deployment', 2), k8sService: true, pods: [runningPod('a'), runningPod('b')] });
    await first.run();
    const t = setUp({ service: svc(app(), first.status()), deployment: workload('Deployment', 2), k8sService: true, pods: [runningPod('a'), runningPod('b')] });
    await t.run();
    expect(t.client.actions()).toEqual([]);
  });

  it('follows a scale: the Deployment is applied with the new replicas and a Scaled event recorded', async () => {
    const t = setUp({ service: svc(app({ instances: 3 })), deployment: workload('Deployment', 2), k8sService: true });
    await t.run();
    expect(t.client.actions().slice(0, 2)).toEqual(['apply Deployment shop/web', 'apply Service shop/web']);
    expect(t.client.lastBody<WorkloadObj>('Deployment')?.spec.replicas).toBe(3);
    expect(t.events.reasons()).toEqual(['Scaled']);
  });

  it('deletes the Service when the app no longer has ports', async () => {
    const t = setUp({ service: svc(app({ portDefinitions: [] })), deployment: workload('Deployment', 2), k8sService: true, applyRequested: true });
    await t.run();
    expect(t.client.actions()).toEqual(['apply Deployment shop/web', 'delete Service shop/web', 'apply DcosService/status shop/web']);
  });

  it('leaves the running children alone and says why when the spec cannot be translated', async () => {
    const t = setUp({ service: svc(app({ args: ['x'] })), deployment: workload('Deployment', 2), applyRequested: true });
    await t.run();
    expect(t.client.actions()).toEqual(['apply DcosService/status shop/web']);
    expect(t.ready()).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
    expect(t.events.reasons('Warning')).toEqual(['InvalidSpec']);
  });

  it('reports a refused Deployment in status (Ready False, the apiserver\'s message) and as a Warning, then retries', async () => {
    const quota = 'deployments.apps "web" is forbidden: exceeded quota: no-deployments, requested: count/deployments.apps=1, used: count/deployments.apps=0, limited: count/deployments.apps=0';
    const t = setUp({ service: svc() });
    t.client.refuse('apply', 'Deployment', 403, quota);
    await expect(t.run()).rejects.toBeInstanceOf(RefusedError);
    expect(t.client.actions()).toEqual(['apply Deployment shop/web', 'apply Service shop/web', 'apply DcosService/status shop/web']);
    expect(t.ready()).toEqual({ type: 'Ready', status: 'False', reason: 'DeploymentRefused', message: `the apiserver refused Deployment web: ${quota}`, observedGeneration: 3, lastTransitionTime: '2026-01-01T00:00:00.000Z' });
    expect(t.status()?.conditions?.find((c) => c.type === 'Degraded')).toMatchObject({ status: 'True', reason: 'DeploymentRefused' });
    expect(t.events.emitted.filter((e) => e.type === 'Warning')).toEqual([{ type: 'Warning', reason: 'DeploymentRefused', note: `the apiserver refused Deployment web: ${quota}`, regarding: 'DcosService web' }]);
    expect(t.book.takeApplyRequest(KEY)).toBe(true);
  });

  it('does not turn a server error into a refusal: it is retried without a status', async () => {
    const t = setUp({ service: svc() });
    t.client.refuse('apply', 'Deployment', 500, 'etcdserver: request timed out');
    await expect(t.run()).rejects.not.toBeInstanceOf(RefusedError);
    expect(t.client.actions()).not.toContain('apply DcosService/status shop/web');
  });

  it('leaves its status write for later while other services\' children wait (status after children)', async () => {
    const t = setUp({ service: svc(), othersWaiting: true });
    await t.run();
    expect(t.client.actions()).toEqual(['apply Deployment shop/web', 'apply Service shop/web']);
    expect(t.later).toEqual([KEY]);
  });

  it('runs an app with a persistent volume as a StatefulSet, and reads its status the same way', async () => {
    const spec = app({ container: { type: 'DOCKER', docker: { image: 'postgres:16' }, volumes: [{ containerPath: 'data', mode: 'RW', persistent: { size: 512 } }] } });
    const created = setUp({ service: svc(spec) });
    await created.run();
    expect(created.client.actions()).toEqual(['apply StatefulSet shop/web', 'apply Service shop/web', 'apply DcosService/status shop/web']);
    expect(created.client.lastBody<WorkloadObj>('StatefulSet')).toMatchObject({ spec: { replicas: 2, volumeClaimTemplates: [{ metadata: { name: expect.any(String) } }] } });

    const running = setUp({ service: svc(spec), statefulSet: workload('StatefulSet', 2), k8sService: true, pods: [runningPod('web-0'), runningPod('web-1')] });
    await running.run();
    expect(running.client.actions()).toEqual(['apply DcosService/status shop/web']);
    expect(running.status()).toMatchObject({ instances: 2, tasksRunning: 2 });
    expect(running.ready()).toMatchObject({ status: 'True', reason: 'Running' });

    const rollingOut = setUp({ service: svc(spec), statefulSet: { ...workload('StatefulSet', 2), status: { observedGeneration: 1, replicas: 2, updatedReplicas: 1, availableReplicas: 2 } } as WorkloadObj, k8sService: true, pods: [runningPod('web-0'), runningPod('web-1')] });
    await rollingOut.run();
    expect(rollingOut.status()?.deployment).toMatchObject({ message: '1 of 2 instances updated' });
    expect(rollingOut.status()?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'True', reason: 'Deploying' });
  });

  it('switches kinds cleanly: the Deployment goes before the StatefulSet is applied', async () => {
    const spec = app({ container: { type: 'DOCKER', docker: { image: 'postgres:16' }, volumes: [{ containerPath: 'data', mode: 'RW', persistent: { size: 512 } }] } });
    const t = setUp({ service: svc(spec), deployment: workload('Deployment', 2), k8sService: true });
    await t.run();
    expect(t.client.actions()).toEqual(['delete Deployment shop/web', 'apply StatefulSet shop/web', 'apply Service shop/web', 'apply DcosService/status shop/web']);

    const back = setUp({ service: svc(), statefulSet: workload('StatefulSet', 2), k8sService: true });
    await back.run();
    expect(back.client.actions()).toEqual(['delete StatefulSet shop/web', 'apply Deployment shop/web', 'apply Service shop/web', 'apply DcosService/status shop/web']);
  });

  it('does nothing for a service being deleted (garbage collection removes its children)', async () => {
    const t = setUp({ service: { ...svc(), metadata: { ...svc().metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } } });
    await t.run();
    expect(t.client.actions()).toEqual([]);
  });
});
