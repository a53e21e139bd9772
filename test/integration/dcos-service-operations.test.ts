import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, deleteNamespace, eventually, kubeClient, kubectl } from './support/cluster.ts';
import { startOperator } from './support/operator.ts';
import { condition, dcosService, eventReasons, recordStatuses, serviceReader, simpleApp, DSVC_API, type Svc } from './support/dcos-services.ts';
import { dcosServiceController } from '../../src/controllers/dcos-service-controller.ts';
import { RESTART_ANNOTATION } from '../../src/marathon/index.ts';
import type { Operator } from '../../src/operator/operator.ts';
import type { KubeObjectLike } from '../../src/kube/kube-client.ts';

type ReplicaSet = KubeObjectLike & { spec: { replicas?: number } };

/** The operations a Marathon user ran on an app: suspend (scale to 0), restart, update. */
describe('DcosService operations', () => {
  const client = kubeClient();
  let ns: string;
  let operator: Operator;
  let read: ReturnType<typeof serviceReader>;

  beforeAll(async () => {
    operator = await startOperator(client, [dcosServiceController()]);
    ns = await createTestNamespace(client, 'dsvc-ops');
    read = serviceReader(client, ns);
  });
  afterAll(async () => {
    await operator?.stop();
    if (ns) await deleteNamespace(client, ns);
  });

  const replicaSetsOf = async (name: string) =>
    (await client.list<ReplicaSet>('apps/v1', 'ReplicaSet', { namespace: ns, labelSelector: `dcos.dev/service=${name}` })).items.filter((rs) => rs.metadata.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === name));
  const livePodNames = async (name: string) => (await read.livePods(name)).map((p) => p.metadata.name).sort();

  it('suspends an app scaled to 0 instances with `kubectl scale`, and resumes it', async () => {
    await client.create(dcosService(ns, 'checked', simpleApp({ healthChecks: [{ protocol: 'MESOS_HTTP', path: '/', portIndex: 0 }] })));
    await client.create(dcosService(ns, 'plain', simpleApp({ instances: 1 })));
    await read.waitForStatus('checked', (s) => s.status?.health === 'Healthy' && s.status.tasksRunning === 2);
    await read.waitRunning('plain', 1);

    for (const name of ['checked', 'plain']) expect(kubectl(['scale', '-n', ns, `dsvc/${name}`, '--replicas=0']).status).toBe(0);

    // With health checks and nothing running Marathon showed Idle; without health checks, NA.
    const suspended = (s: Svc) => s.status?.tasksRunning === 0 && s.status.instances === 0 && condition(s, 'Ready')?.reason === 'Suspended';
    const checked = await read.waitForStatus('checked', suspended);
    const plain = await read.waitForStatus('plain', suspended);
    for (const s of [checked, plain]) {
      expect(condition(s, 'Ready')).toMatchObject({ status: 'True', reason: 'Suspended' });
      expect(condition(s, 'Degraded')?.status).toBe('False');
      expect(s.status).toMatchObject({ tasksRunning: 0, tasksStaged: 0, tasksHealthy: 0, tasksUnhealthy: 0 });
    }
    expect(checked.status?.health).toBe('Idle');
    expect(plain.status?.health).toBe('NA');
    expect((await read.getDeployment('checked')).spec.replicas).toBe(0);
    expect((await read.getDeployment('plain')).spec.replicas).toBe(0);
    await eventually(async () => expect(await read.livePods('checked')).toHaveLength(0));
    // The Deployment and Service stay: a suspended app keeps its definition and its address.
    expect(await client.getOrUndefined('v1', 'Service', 'checked', ns)).toBeDefined();
    expect(kubectl(['get', 'dsvc', 'checked', '-n', ns]).stdout).toMatch(/checked\s+0\s+0\s+0\s+Idle/);
    expect((await eventReasons(client, ns, 'DcosService', 'checked')).map((e) => e.note)).toContain('Scaled from 2 to 0 instance(s)');

    expect(kubectl(['scale', '-n', ns, 'dsvc/checked', '--replicas=2']).status).toBe(0);
    const resumed = await read.waitForStatus('checked', (s) => s.status?.health === 'Healthy' && s.status.tasksRunning === 2 && condition(s, 'Ready')?.reason === 'Running');
    expect(resumed.status).toMatchObject({ instances: 2, tasksHealthy: 2 });
  });

  it('restarts every task when the restart annotation gets a new value, like `dcos marathon app restart`', async () => {
    await client.create(dcosService(ns, 'restartable', simpleApp()));
    await read.waitRunning('restartable', 2);
    const before = await read.getDeployment('restartable');
    const podsBefore = await livePodNames('restartable');
    expect(podsBefore).toHaveLength(2);
    expect(await replicaSetsOf('restartable')).toHaveLength(1);

    let known = new Set(podsBefore);
    for (const [round, value] of ['first', 'second'].entries()) {
      expect(kubectl(['annotate', '--overwrite', '-n', ns, 'dsvc/restartable', `${RESTART_ANNOTATION}=${value}`]).status).toBe(0);
      const rolled = await eventually(async () => {
        const d = await read.getDeployment('restartable');
        expect(d.spec.template.metadata.annotations?.['dcos.dev/restarted-at']).toBe(value);
        return d;
      });
      expect(rolled.metadata.generation).toBe(before.metadata.generation! + round + 1);
      // A new ReplicaSet per restart, and every task replaced by a new one: none of the old pods is left.
      await eventually(async () => expect(await replicaSetsOf('restartable')).toHaveLength(round + 2));
      const replaced = await eventually(async () => {
        const names = await livePodNames('restartable');
        expect(names).toHaveLength(2);
        for (const n of names) expect(known.has(n)).toBe(false);
        return names;
      }, 60_000);
      known = new Set([...known, ...replaced]);
      await read.waitRunning('restartable', 2);
    }
    // What runs is otherwise the same app.
    const after = await read.getDeployment('restartable');
    expect(after.spec.replicas).toBe(2);
    expect(after.spec.template.spec.containers).toEqual(before.spec.template.spec.containers);
    // The old ReplicaSets are kept scaled to 0, as for any rollout.
    const sets = await replicaSetsOf('restartable');
    expect(sets.filter((rs) => (rs.spec.replicas ?? 0) > 0)).toHaveLength(1);
  });

  it('rolls out a new version when the image and cmd change: Progressing, then Complete, with an Updated event', async () => {
    await client.create(dcosService(ns, 'versioned', simpleApp()));
    const running = await read.waitRunning('versioned', 2);
    const before = await read.getDeployment('versioned');
    const podsBefore = new Set(await livePodNames('versioned'));

    const statuses = await recordStatuses(client, ns, 'versioned');
    try {
      await client.patch(DSVC_API, 'DcosService', 'versioned', ns, { spec: { cmd: 'python3 -m http.server --bind 0.0.0.0 $PORT0', container: { type: 'DOCKER', docker: { image: 'python:3.13-slim' } } } });
      const updated = await eventually(async () => {
        const d = await read.getDeployment('versioned');
        expect(d.spec.template.spec.containers[0]!.image).toBe('python:3.13-slim');
        return d;
      });
      expect(updated.metadata.generation).toBeGreaterThan(before.metadata.generation!);
      expect(updated.spec.template.spec.containers[0]!.command).toEqual(['/bin/sh', '-c', 'python3 -m http.server --bind 0.0.0.0 $PORT0']);

      const done = await read.waitRunning('versioned', 2);
      expect(done.metadata.generation).toBeGreaterThan(running.metadata.generation!);
      expect(condition(done, 'Progressing')).toMatchObject({ status: 'False', reason: 'Complete' });
      expect(done.status?.deployment).toBeUndefined();

      // The rollout was reported while it ran, for the new generation, before it completed. The
      // recording watch may deliver the last status a moment after the GET above returned it.
      const forNew = await eventually(() => {
        const seen = statuses.seen.filter((s) => s.observedGeneration === done.metadata.generation);
        expect(seen.some((s) => condition({ status: s } as Svc, 'Progressing')?.reason === 'Complete')).toBe(true);
        return seen;
      }, 10_000);
      const progressing = forNew.findIndex((s) => condition({ status: s } as Svc, 'Progressing')?.status === 'True');
      expect(progressing, `statuses seen: ${JSON.stringify(forNew.map((s) => condition({ status: s } as Svc, 'Progressing')))}`).toBeGreaterThanOrEqual(0);
      expect(condition({ status: forNew[progressing] } as Svc, 'Progressing')?.reason).toBe('Deploying');
      expect(forNew[progressing]!.deployment).toMatchObject({ targetInstances: 2 });
      const complete = forNew.findIndex((s) => condition({ status: s } as Svc, 'Progressing')?.reason === 'Complete');
      expect(complete).toBeGreaterThan(progressing);
    } finally {
      statuses.stop();
    }

    // Every task of the new version is new.
    await eventually(async () => {
      const names = await livePodNames('versioned');
      expect(names).toHaveLength(2);
      for (const n of names) expect(podsBefore.has(n)).toBe(false);
    }, 60_000);
    const events = await eventReasons(client, ns, 'DcosService', 'versioned');
    expect(events).toContainEqual(expect.objectContaining({ reason: 'Updated' }));
    const deploymentStatus = (await read.getDeployment('versioned')).status;
    expect(deploymentStatus?.conditions?.find((c) => c.type === 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
  });
});
