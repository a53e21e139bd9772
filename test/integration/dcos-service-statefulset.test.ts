import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dcosServiceController } from '../../src/controllers/dcos-service-controller.ts';
import type { KubeObjectLike } from '../../src/kube/kube-client.ts';
import type { Operator } from '../../src/operator/operator.ts';
import type { DcosServiceSpec } from '../../src/resources/dcos-service.ts';
import { createTestNamespace, deleteNamespace, eventually, kubeClient, kubectl } from './support/cluster.ts';
import { dcosService, DSVC_API, serviceReader, simpleApp, type PodObj } from './support/dcos-services.ts';
import { startOperator } from './support/operator.ts';

type StatefulSetObj = KubeObjectLike & { spec: { replicas: number; volumeClaimTemplates?: Array<{ metadata: { name: string } }> } };

const PV_COUNT = 8;
// Its own storage class (Marathon's profileName): claims of other test files (the Universe's jenkins and
// minio wait for volumes too) cannot take the volumes made here.
const STORAGE_CLASS = `dsvc-sts-${process.pid}`;

/** A Marathon app with a local persistent volume and 2 instances: each instance had its own volume (resident tasks). */
const residentApp = (extra: Partial<DcosServiceSpec> = {}): DcosServiceSpec =>
  simpleApp({
    container: { type: 'DOCKER', docker: { image: 'python:3.12-slim' }, volumes: [{ containerPath: 'data', mode: 'RW', persistent: { size: 64, profileName: STORAGE_CLASS } }] },
    upgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 0 },
    ...extra,
  });


describe('DcosService backed by a StatefulSet (one volume per instance)', () => {
  const client = kubeClient();
  let ns: string;
  let operator: Operator;
  const volumes: string[] = [];

  beforeAll(async () => {
    operator = await startOperator(client, [dcosServiceController()]);
    ns = await createTestNamespace(client, 'dsvc-sts');
    // No storage provisioner runs on the local control plane: volumes the claims can bind to.
    for (let i = 0; i < PV_COUNT; i++) {
      const name = `${ns}-pv-${i}`;
      const pv = `apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: ${name}\nspec:\n  storageClassName: ${STORAGE_CLASS}\n  capacity:\n    storage: 1Gi\n  accessModes: [ReadWriteOnce]\n  persistentVolumeReclaimPolicy: Retain\n  hostPath:\n    path: /tmp/${name}\n`;
      expect(kubectl(['apply', '-f', '-'], pv).status).toBe(0);
      volumes.push(name);
    }
  });
  afterAll(async () => {
    await operator?.stop();
    await deleteNamespace(client, ns);
    if (volumes.length > 0) kubectl(['delete', 'pv', '--wait=false', ...volumes]);
  });

  const read = () => serviceReader(client, ns);
  const getStatefulSet = (name: string) => client.get<StatefulSetObj>('apps/v1', 'StatefulSet', name, ns);
  const claimsOf = async (name: string) =>
    (await client.list<KubeObjectLike>('v1', 'PersistentVolumeClaim', { namespace: ns, labelSelector: `dcos.dev/service=${name}` })).items.map((c) => c.metadata.name).sort();

  it('runs each instance with its own volume and reports its tasks like Marathon', async () => {
    await client.create(dcosService(ns, 'db', residentApp()));
    const sts = await eventually(() => getStatefulSet('db'));
    expect(sts.spec.replicas).toBe(2);
    expect(sts.spec.volumeClaimTemplates).toHaveLength(1);
    expect(sts.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'DcosService', name: 'db', controller: true });
    expect(await client.getOrUndefined('apps/v1', 'Deployment', 'db', ns)).toBeUndefined();

    const { status } = await read().waitRunning('db', 2, 90_000);
    expect(status).toMatchObject({ instances: 2, tasksRunning: 2, appId: '/db' });
    expect(status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'False', reason: 'Complete' });
    const template = sts.spec.volumeClaimTemplates![0]!.metadata.name;
    expect(await claimsOf('db')).toEqual([`${template}-db-0`, `${template}-db-1`]);
    expect(kubectl(['get', 'dsvc', 'db', '-n', ns]).stdout).toMatch(/db\s+2\s+2\s+0\s+NA\s+True\s+Running/);
  });

  it('follows `kubectl scale`, one more instance with one more volume', async () => {
    await client.create(dcosService(ns, 'scaled', residentApp()));
    await read().waitRunning('scaled', 2, 90_000);
    expect(kubectl(['scale', '-n', ns, 'dsvc/scaled', '--replicas=3']).status).toBe(0);
    await eventually(async () => expect((await getStatefulSet('scaled')).spec.replicas).toBe(3));
    await read().waitRunning('scaled', 3, 90_000);
    expect(await claimsOf('scaled')).toHaveLength(3);
    await eventually(() => expect(kubectl(['events', '-n', ns, '--for', 'dcosservice/scaled']).stdout).toMatch(/Scaled\s.*from 2 to 3/), 45_000);
  });

  it('runs an app named with a dot (/postgres9.5): its StatefulSet and Service take postgres9-5, its pods start', async () => {
    await client.create(dcosService(ns, 'postgres9.5', residentApp({ instances: 1, portDefinitions: [{ port: 5432, name: 'pg' }] })));
    const sts = await eventually(() => getStatefulSet('postgres9-5'));
    expect(sts.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'DcosService', name: 'postgres9.5' });
    const service = await eventually(() => client.get<KubeObjectLike>('v1', 'Service', 'postgres9-5', ns));
    expect(service.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'DcosService', name: 'postgres9.5' });
    // Pods named <statefulset>-<ordinal> take that name as hostname: the apiserver admits them.
    const { status } = await read().waitRunning('postgres9.5', 1, 90_000);
    expect(status).toMatchObject({ instances: 1, tasksRunning: 1, appId: '/postgres9.5' });
    expect(status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True' });
  });

  it('removes the StatefulSet and its pods when the DcosService is deleted', async () => {
    await client.create(dcosService(ns, 'doomed', residentApp()));
    await read().waitRunning('doomed', 2, 90_000);
    await client.delete(DSVC_API, 'DcosService', 'doomed', ns);
    await eventually(async () => {
      expect(await client.getOrUndefined('apps/v1', 'StatefulSet', 'doomed', ns)).toBeUndefined();
      const left = await client.list<PodObj>('v1', 'Pod', { namespace: ns, labelSelector: 'dcos.dev/service=doomed' });
      expect(left.items).toHaveLength(0);
    }, 60_000);
  });
});
