import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, deleteNamespace, eventually, kubeClient, kubectl } from './support/cluster.ts';
import { startOperator } from './support/operator.ts';
import { dcosServiceController } from '../../src/controllers/dcos-service-controller.ts';
import type { Operator } from '../../src/operator/operator.ts';
import type { KubeObjectLike } from '../../src/kube/kube-client.ts';
import type { DcosServiceSpec } from '../../src/resources/dcos-service.ts';
import { dcosService, simpleApp, type PodObj as Pod, type Svc } from './support/dcos-services.ts';

type Deployment = KubeObjectLike & { spec: { replicas: number; template: { spec: { containers: Array<{ image: string; command?: string[]; resources: unknown }> } } } };

const service = dcosService;
const web = (extra: Partial<DcosServiceSpec> = {}): DcosServiceSpec => simpleApp({ cpus: 0.5, mem: 256, ...extra });

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

  const getSvc = (name: string) => client.get<Svc>('dcos.dev/v1alpha1', 'DcosService', name, ns);
  const getDeployment = (name: string) => client.get<Deployment>('apps/v1', 'Deployment', name, ns);

  it('runs a Marathon app as a Deployment and a Service, and reports its tasks like Marathon', async () => {
    await client.create(service(ns, 'web', web()));
    const deployment = await eventually(() => getDeployment('web'));
    expect(deployment.spec.replicas).toBe(2);
    const container = deployment.spec.template.spec.containers[0]!;
    expect(container.image).toBe('python:3.12-slim');
    expect(container.command).toEqual(['/bin/sh', '-c', 'python3 -m http.server $PORT0']);
    expect(container.resources).toMatchObject({ requests: { cpu: '500m', memory: '256Mi' } });
    expect(deployment.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'DcosService', name: 'web', controller: true });
    const k8sService = await eventually(() => client.get<KubeObjectLike & { spec: { ports: Array<{ port: number }> } }>('v1', 'Service', 'web', ns));
    expect(k8sService.spec.ports.map((p) => p.port)).toContain(8080);

    const status = await eventually(async () => {
      const s = (await getSvc('web')).status;
      const ready = s?.conditions?.find((c) => c.type === 'Ready');
      if (s?.tasksRunning !== 2 || ready?.status !== 'True') throw new Error(`tasksRunning ${s?.tasksRunning}, Ready ${ready?.reason}`);
      return s;
    }, 60_000);
    expect(status).toMatchObject({ instances: 2, tasksRunning: 2, tasksStaged: 0, health: 'NA', appId: '/web' });
    expect(status.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'Running' });

    const table = kubectl(['get', 'dsvc', 'web', '-n', ns]);
    expect(table.stdout).toMatch(/NAME\s+INSTANCES\s+RUNNING\s+HEALTHY\s+HEALTH\s+AGE/);
    expect(table.stdout).toMatch(/web\s+2\s+2\s+0\s+NA/);
  });

  it('follows `kubectl scale` through to the Deployment and records a Scaled event', async () => {
    expect(kubectl(['scale', '-n', ns, 'dsvc/web', '--replicas=3']).status).toBe(0);
    await eventually(async () => expect((await getDeployment('web')).spec.replicas).toBe(3));
    await eventually(async () => expect((await getSvc('web')).status?.tasksRunning).toBe(3), 60_000);
    const events = kubectl(['events', '-n', ns, '--for', 'dcosservice/web']);
    expect(events.stdout).toMatch(/Scaled\s.*from 2 to 3/);
  });

  it('reports Healthy when every task passes its health checks', async () => {
    await client.create(service(ns, 'checked', web({ instances: 1, healthChecks: [{ protocol: 'MESOS_HTTP', path: '/', portIndex: 0 }] })));
    const status = await eventually(async () => {
      const s = (await getSvc('checked')).status;
      if (s?.health !== 'Healthy') throw new Error(`health ${s?.health}`);
      return s;
    }, 60_000);
    expect(status).toMatchObject({ tasksRunning: 1, tasksHealthy: 1, tasksUnhealthy: 0 });
    const probe = (await getDeployment('checked')).spec.template.spec.containers[0] as unknown as { livenessProbe: { httpGet: { path: string } } };
    expect(probe.livenessProbe.httpGet.path).toBe('/');
  });

  it('turns Unhealthy and records the last task failure when a task fails its checks', async () => {
    const pods = await client.list<Pod>('v1', 'Pod', { namespace: ns, labelSelector: 'dcos.dev/service=checked' });
    const pod = pods.items[0]!;
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
    const status = await eventually(async () => {
      const s = (await getSvc('checked')).status;
      if (s?.health !== 'Unhealthy') throw new Error(`health ${s?.health}`);
      return s;
    });
    expect(status).toMatchObject({ tasksRunning: 1, tasksHealthy: 0, tasksUnhealthy: 1 });
    expect(status.lastTaskFailure).toMatchObject({ exitCode: 137 });
    expect(status.conditions?.find((c) => c.type === 'Degraded')).toMatchObject({ status: 'True', reason: 'Unhealthy' });
  });

  it('keeps the running tasks and says why when an update cannot be translated', async () => {
    const before = await getDeployment('web');
    await client.patch('dcos.dev/v1alpha1', 'DcosService', 'web', ns, { spec: { args: ['also-a-command'] } });
    const ready = await eventually(async () => {
      const c = (await getSvc('web')).status?.conditions?.find((x) => x.type === 'Ready');
      if (c?.reason !== 'InvalidSpec') throw new Error(`Ready reason ${c?.reason}`);
      return c;
    });
    expect(ready.status).toBe('False');
    expect(ready.message).toMatch(/spec\.(cmd|args)/);
    const after = await getDeployment('web');
    expect(after.metadata.generation).toBe(before.metadata.generation);
    // Events are held while the operator has changes in progress: sent right after, not with the status.
    await eventually(() => expect(kubectl(['events', '-n', ns, '--for', 'dcosservice/web']).stdout).toMatch(/InvalidSpec/));
    await client.patch('dcos.dev/v1alpha1', 'DcosService', 'web', ns, [{ op: 'remove', path: '/spec/args' }], 'json');
  });

  it('holds an app at 0 instances until the app it depends on is healthy', async () => {
    await client.create(service(ns, 'frontend', web({ id: '/shop/frontend', instances: 1, dependencies: ['backend'] })));
    const waiting = await eventually(async () => {
      const s = (await getSvc('frontend')).status;
      if (!s?.waitingFor?.length) throw new Error('not waiting yet');
      return s;
    });
    expect(waiting.waitingFor).toEqual(['/shop/backend']);
    expect(waiting.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ reason: 'WaitingForDependencies' });
    expect((await getDeployment('frontend')).spec.replicas).toBe(0);

    await client.create(service(ns, 'backend', web({ id: '/shop/backend', instances: 1 })));
    await eventually(async () => expect((await getDeployment('frontend')).spec.replicas).toBe(1), 60_000);
  });

  it('converges after a restart: children deleted while the operator was down come back', async () => {
    await operator.stop();
    await client.delete('apps/v1', 'Deployment', 'backend', ns);
    await eventually(async () => expect(await client.getOrUndefined('apps/v1', 'Deployment', 'backend', ns)).toBeUndefined());
    operator = await startOperator(client, [dcosServiceController()]);
    const recreated = await eventually(() => getDeployment('backend'));
    expect(recreated.spec.replicas).toBe(1);
  });

  it('removes the Deployment, Service and pods when the DcosService is deleted', async () => {
    await client.delete('dcos.dev/v1alpha1', 'DcosService', 'web', ns);
    await eventually(async () => {
      expect(await client.getOrUndefined('apps/v1', 'Deployment', 'web', ns)).toBeUndefined();
      expect(await client.getOrUndefined('v1', 'Service', 'web', ns)).toBeUndefined();
      const left = await client.list<Pod>('v1', 'Pod', { namespace: ns, labelSelector: 'dcos.dev/service=web' });
      expect(left.items).toHaveLength(0);
    }, 60_000);
  });
});
