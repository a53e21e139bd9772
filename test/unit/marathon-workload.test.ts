import { describe, expect, test } from 'vitest';
import { translateService } from '../../src/marathon/translate-service.ts';
import type { DcosServiceSpec } from '../../src/resources/dcos-service.ts';
import type { StatefulSet } from '../../src/marathon/kube-objects.ts';
import { service } from './marathon-builders.ts';
import { statefulSetMaxUnavailable } from '../../src/marathon/marathon-workload.ts';

const ok = (spec: DcosServiceSpec) => {
  const r = translateService(service(spec));
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r;
};

/** MySQL as Marathon's persistent-volume guide writes it: the volume mounted at an absolute path through a relative hostPath. */
const mysql = (instances: number): DcosServiceSpec => ({
  instances,
  container: {
    docker: { image: 'mysql:8' },
    volumes: [
      { containerPath: 'mysqldata', mode: 'RW', persistent: { size: 1000, profileName: 'fast' } },
      { containerPath: '/var/lib/mysql', hostPath: 'mysqldata', mode: 'RW' },
    ],
  },
  upgradeStrategy: { minimumHealthCapacity: 0, maximumOverCapacity: 0 },
});

describe('apps with persistent volumes run as StatefulSets, one claim per instance', () => {
  test('three instances: a StatefulSet with a claim template, parallel pods, claims kept on scale-down and deleted with the app', () => {
    const r = ok(mysql(3));
    expect(r.workload.kind).toBe('StatefulSet');
    const sts = r.workload as StatefulSet;
    expect(sts.spec).toMatchObject({
      replicas: 3,
      serviceName: 'web',
      selector: { matchLabels: { 'dcos.dev/service': 'web' } },
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'RollingUpdate' },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
    });
    expect(sts.spec.volumeClaimTemplates).toEqual([
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'mysqldata', labels: expect.objectContaining({ 'dcos.dev/service': 'web' }) },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1000Mi' } }, storageClassName: 'fast' },
      },
    ]);
    expect(sts.metadata.ownerReferences?.[0]?.kind).toBe('DcosService');
    // No shared claim: each pod gets mysqldata-web-<ordinal> from the template.
    expect(r.persistentVolumeClaims).toBeUndefined();
  });

  test('the relative hostPath naming the persistent volume mounts that volume at the absolute path', () => {
    const pod = ok(mysql(1)).workload.spec.template.spec;
    expect(pod.containers[0]!.volumeMounts).toEqual(
      expect.arrayContaining([
        { name: 'mysqldata', mountPath: '/mnt/mesos/sandbox/mysqldata' },
        { name: 'mysqldata', mountPath: '/var/lib/mysql' },
      ]),
    );
    // The template provides the volume: the pod does not declare it.
    expect(pod.volumes?.some((v) => v.name === 'mysqldata')).toBe(false);
  });

  test('a relative hostPath below a persistent volume is a subPath of it; elsewhere, a directory of the sandbox', () => {
    const pod = ok({
      container: {
        docker: { image: 'x' },
        volumes: [
          { containerPath: '/etc/app', hostPath: './conf/', mode: 'RO' },
          { containerPath: '/var/log/app', hostPath: 'data/logs' },
          { containerPath: 'data', persistent: { size: 10 } },
        ],
      },
    }).workload.spec.template.spec;
    expect(pod.containers[0]!.volumeMounts).toEqual(
      expect.arrayContaining([
        { name: 'sandbox', mountPath: '/etc/app', subPath: 'conf', readOnly: true },
        { name: 'data', mountPath: '/var/log/app', subPath: 'logs' },
      ]),
    );
  });

  test('an app without persistent volumes stays a Deployment, even with a relative hostPath', () => {
    const r = ok({ container: { docker: { image: 'x' }, volumes: [{ containerPath: '/cache', hostPath: 'cache' }] } });
    expect(r.workload.kind).toBe('Deployment');
    expect(r.workload.spec.template.spec.containers[0]!.volumeMounts).toContainEqual({ name: 'sandbox', mountPath: '/cache', subPath: 'cache' });
  });

  test.each([
    [1, 0.5, 1],
    [4, 0.5, 2],
    [3, 0.7, 1],
    [3, 1, 1],
    [5, 0, 5],
  ])('%d instances at minimumHealthCapacity %d: Marathon replaced %d at a time', (instances, minimumHealthCapacity, expected) => {
    expect(statefulSetMaxUnavailable({ instances, upgradeStrategy: { minimumHealthCapacity, maximumOverCapacity: 0 } })).toBe(expected);
  });

  test('a StatefulSet replaces one pod at a time: a warning says so when Marathon replaced several', () => {
    expect(ok(mysql(3)).warnings).toContainEqual({ path: 'spec.upgradeStrategy.minimumHealthCapacity', message: expect.stringMatching(/one instance at a time.*up to 3 at once/) });
    expect(ok({ ...mysql(3), upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 0 } }).warnings.map((n) => n.path)).not.toContain('spec.upgradeStrategy.minimumHealthCapacity');
  });

  test('Marathon\'s own rule stays: a persistent app with maximumOverCapacity above 0 is refused', () => {
    const r = translateService(service({ ...mysql(2), upgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 0.5 } }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.path)).toContain('spec.upgradeStrategy.maximumOverCapacity');
  });
});

describe('external volumes', () => {
  test('a DVDI volume becomes a claim named after it, with the provider options kept and a warning; the claim outlives the app', () => {
    const external = { name: 'Zeppelin_Data', provider: 'dvdi', size: 5, options: { 'dvdi/driver': 'rexray' } };
    const r = ok({ container: { docker: { image: 'x' }, volumes: [{ containerPath: '/zeppelin-data', external, mode: 'RW' }] } });
    expect(r.workload.kind).toBe('Deployment');
    expect(r.persistentVolumeClaims).toEqual([
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: expect.objectContaining({ name: 'zeppelin-data', namespace: 'ns', annotations: expect.objectContaining({ 'dcos.dev/external-volume': JSON.stringify(external) }) }),
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } },
      },
    ]);
    expect(r.persistentVolumeClaims?.[0]?.metadata.ownerReferences).toBeUndefined();
    expect(r.workload.spec.template.spec.volumes).toContainEqual({ name: 'vol-0', persistentVolumeClaim: { claimName: 'zeppelin-data' } });
    expect(r.warnings).toContainEqual({ path: 'spec.container.volumes[0].external', message: expect.stringMatching(/PersistentVolumeClaim "zeppelin-data".*dvdi provider.*not applied/) });
  });

  test('a CSI volume\'s access mode maps onto the claim\'s', () => {
    const external = { name: 'shared', provider: 'csi', options: { pluginName: 'nfs', capability: { accessMode: 'MULTI_NODE_MULTI_WRITER', accessType: 'mount' } } };
    const r = ok({ instances: 3, container: { docker: { image: 'x' }, volumes: [{ containerPath: '/shared', external, mode: 'RW' }] } });
    expect(r.persistentVolumeClaims?.[0]?.spec).toEqual({ accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1Gi' } } });
  });
});
