import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, deleteNamespace, eventually, kubeClient, kubectl } from './support/cluster.ts';
import { startOperator } from './support/operator.ts';
import { dcosServiceController } from '../../src/controllers/dcos-service-controller.ts';
import type { Operator } from '../../src/operator/operator.ts';
import type { KubeObjectLike } from '../../src/kube/kube-client.ts';
import type { DcosServiceSpec } from '../../src/resources/dcos-service.ts';
import { condition, dcosService, DSVC_API, serviceReader, simpleApp, type PodObj } from './support/dcos-services.ts';

type Container = { image: string; command?: string[]; resources: unknown; livenessProbe?: { httpGet: { path: string } } };
const web = (extra: Partial<DcosServiceSpec> = {}): DcosServiceSpec => simpleApp({ cpus: 0.5, mem: 256, ...extra });
const withChecks = (extra: Partial<DcosServiceSpec> = {}) => web({ instances: 1, healthChecks: [{ protocol: 'MESOS_HTTP', path: '/', portIndex: 0 }], ...extra });

// Each case makes its own DcosServices (names and app ids of its own), so any case runs alone.
describe('DcosService controller', () => {
  const client = kubeClient();
  let ns: string;
  let operator: Operator;

  beforeAll(async () => {
    operator = await startOperator(client, [dcosServiceController()]);
    ns = await createTestNamespace(client, 'dsvc');
  });
  afterAll(async () => {
    await operator?.stop();
    await deleteNamespace(client, ns);
  });

  const read = () => serviceReader(client, ns);
  const create = (name: string, spec: DcosServiceSpec) => client.create(dcosService(ns, name, spec));
  const containerOf = async (name: string) => (await read().getDeployment(name)).spec.template.spec.containers[0] as unknown as Container;
  const healthIs = (health: string) => (s: { status?: { health?: string } }) => s.status?.health === health;

  it('runs a Marathon app as a Deployment and a Service, and reports its tasks like Marathon', async () => {
    await create('web', web());
    const deployment = await eventually(() => read().getDeployment('web'));
    expect(deployment.spec.replicas).toBe(2);
    const container = deployment.spec.template.spec.containers[0] as unknown as Container;
    expect(container.image).toBe('python:3.12-slim');
    expect(container.command).toEqual(['/bin/sh', '-c', 'python3 -m http.server $PORT0']);
    expect(container.resources).toMatchObject({ requests: { cpu: '500m', memory: '256Mi' } });
    expect(deployment.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'DcosService', name: 'web', controller: true });
    const k8sService = await eventually(() => client.get<KubeObjectLike & { spec: { ports: Array<{ port: number }> } }>('v1', 'Service', 'web', ns));
    expect(k8sService.spec.ports.map((p) => p.port)).toContain(8080);

    const { status } = await read().waitRunning('web', 2);
    expect(status).toMatchObject({ instances: 2, tasksRunning: 2, tasksStaged: 0, health: 'NA', appId: '/web' });
    expect(status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'Running' });

    const table = kubectl(['get', 'dsvc', 'web', '-n', ns]);
    expect(table.stdout).toMatch(/NAME\s+INSTANCES\s+RUNNING\s+HEALTHY\s+HEALTH\s+READY\s+REASON\s+AGE/);
    expect(table.stdout).toMatch(/web\s+2\s+2\s+0\s+NA\s+True\s+Running/);
  });

  it('runs an app whose name is longer than a label value may be (a long group path), and counts its tasks', async () => {
    const name = 'payments.europe-west.transaction-processing.settlement-batch-worker';
    await create(name, { ...web(), id: '/payments/europe-west/transaction-processing/settlement-batch-worker' });
    const { status } = await read().waitRunning(name, 2);
    expect(status).toMatchObject({ tasksRunning: 2, appId: '/payments/europe-west/transaction-processing/settlement-batch-worker' });
    expect(status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True' });
    const pods = await client.list<PodObj>('v1', 'Pod', { namespace: ns, labelSelector: status!.selector! });
    expect(pods.items.map((p) => p.metadata.annotations?.['dcos.dev/service-name'])).toEqual([name, name]);
    // `kubectl scale` reads the selector from status: it selects exactly these pods.
    expect(kubectl(['scale', '-n', ns, `dsvc/${name}`, '--replicas=1']).status).toBe(0);
    await read().waitRunning(name, 1);
  });

  it('follows `kubectl scale` through to the Deployment and records a Scaled event', async () => {
    await create('scaled', web());
    await read().waitRunning('scaled', 2);
    expect(kubectl(['scale', '-n', ns, 'dsvc/scaled', '--replicas=3']).status).toBe(0);
    await eventually(async () => expect((await read().getDeployment('scaled')).spec.replicas).toBe(3));
    await read().waitRunning('scaled', 3);
    // Events are news, sent once no change waits in the queues (EventRecorder's hold): not at once.
    await eventually(() => expect(kubectl(['events', '-n', ns, '--for', 'dcosservice/scaled']).stdout).toMatch(/Scaled\s.*from 2 to 3/), 45_000);
  });

  it('reports Healthy when every task passes its health checks', async () => {
    await create('checked', withChecks());
    const { status } = await read().waitForStatus('checked', healthIs('Healthy'));
    expect(status).toMatchObject({ tasksRunning: 1, tasksHealthy: 1, tasksUnhealthy: 0 });
    expect((await containerOf('checked')).livenessProbe?.httpGet.path).toBe('/');
  });

  it('turns Unhealthy and records the last task failure when a task fails its checks', async () => {
    await create('failing', withChecks({ id: '/failing' }));
    await read().waitForStatus('failing', healthIs('Healthy'));
    const pod = (await read().livePods('failing'))[0]!;
    const now = new Date().toISOString();
    // What a kubelet reports after a failed liveness probe killed the container once.
    await client.patch('v1', 'Pod', pod.metadata.name, ns, {
      status: {
        conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: now }],
        containerStatuses: [{
          name: 'app', image: 'python:3.12-slim', imageID: '', ready: false, started: true, restartCount: 1,
          state: { running: { startedAt: now } },
          lastState: { terminated: { exitCode: 137, reason: 'Error', message: 'Liveness probe failed: HTTP probe failed with statuscode: 500', startedAt: now, finishedAt: now } },
        }],
      },
    }, 'merge', 'status');
    const svc = await read().waitForStatus('failing', healthIs('Unhealthy'));
    expect(svc.status).toMatchObject({ tasksRunning: 1, tasksHealthy: 0, tasksUnhealthy: 1 });
    expect(svc.status?.lastTaskFailure).toMatchObject({ exitCode: 137 });
    expect(condition(svc, 'Degraded')).toMatchObject({ status: 'True', reason: 'Unhealthy' });
  });

  it('keeps the running tasks and says why when an update cannot be translated', async () => {
    await create('invalid', web());
    await read().waitRunning('invalid', 2);
    const before = await read().getDeployment('invalid');
    await client.patch(DSVC_API, 'DcosService', 'invalid', ns, { spec: { args: ['also-a-command'] } });
    const svc = await read().waitForStatus('invalid', (s) => condition(s, 'Ready')?.reason === 'InvalidSpec');
    expect(condition(svc, 'Ready')).toMatchObject({ status: 'False', message: expect.stringMatching(/spec\.(cmd|args)/) });
    const after = await read().getDeployment('invalid');
    expect(after.metadata.generation).toBe(before.metadata.generation);
    // Events are held while the operator has changes in progress: sent right after, not with the status.
    await eventually(() => expect(kubectl(['events', '-n', ns, '--for', 'dcosservice/invalid']).stdout).toMatch(/InvalidSpec/));
  });

  it('holds an app at 0 instances until the app it depends on is healthy', async () => {
    await create('frontend', web({ id: '/shop/frontend', instances: 1, dependencies: ['backend'] }));
    const waiting = await read().waitForStatus('frontend', (s) => (s.status?.waitingFor?.length ?? 0) > 0);
    expect(waiting.status?.waitingFor).toEqual(['/shop/backend']);
    expect(condition(waiting, 'Ready')).toMatchObject({ reason: 'WaitingForDependencies' });
    expect((await read().getDeployment('frontend')).spec.replicas).toBe(0);

    await create('backend', web({ id: '/shop/backend', instances: 1 }));
    await eventually(async () => expect((await read().getDeployment('frontend')).spec.replicas).toBe(1), 60_000);
  });

  it('converges after a restart: children deleted while the operator was down come back', async () => {
    await create('restarted', web({ instances: 1 }));
    await read().waitRunning('restarted', 1);
    await operator.stop();
    await client.delete('apps/v1', 'Deployment', 'restarted', ns);
    await eventually(async () => expect(await client.getOrUndefined('apps/v1', 'Deployment', 'restarted', ns)).toBeUndefined());
    operator = await startOperator(client, [dcosServiceController()]);
    const recreated = await eventually(() => read().getDeployment('restarted'));
    expect(recreated.spec.replicas).toBe(1);
  });

  it('removes the Deployment, Service and pods when the DcosService is deleted', async () => {
    await create('doomed', web());
    await read().waitRunning('doomed', 2);
    await client.delete(DSVC_API, 'DcosService', 'doomed', ns);
    await eventually(async () => {
      expect(await client.getOrUndefined('apps/v1', 'Deployment', 'doomed', ns)).toBeUndefined();
      expect(await client.getOrUndefined('v1', 'Service', 'doomed', ns)).toBeUndefined();
      const left = await client.list<PodObj>('v1', 'Pod', { namespace: ns, labelSelector: 'dcos.dev/service=doomed' });
      expect(left.items).toHaveLength(0);
    }, 60_000);
  });
});
