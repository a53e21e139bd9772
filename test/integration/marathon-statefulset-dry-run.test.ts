import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, deleteNamespace, eventually, kubeClient } from './support/cluster.ts';
import { translateService } from '../../src/marathon/translate-service.ts';
import type { DcosService, DcosServiceSpec } from '../../src/resources/dcos-service.ts';
import type { KubeObjectLike } from '../../src/kube/kube-client.ts';

/*
 * What the translation produces for apps that used to be refused, proven valid by the real apiserver:
 * a server-side dry-run apply of each object keeps every field sent (none dropped as unknown, none
 * refused), and MAX_PER n is proven exact by the real scheduler.
 */

const svc = (namespace: string, name: string, spec: DcosServiceSpec): DcosService => ({
  apiVersion: 'dcos.dev/v1alpha1',
  kind: 'DcosService',
  metadata: { name, namespace, uid: '00000000-0000-0000-0000-000000000001', generation: 1 },
  spec,
});

function translated(namespace: string, name: string, spec: DcosServiceSpec) {
  const r = translateService(svc(namespace, name, spec));
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r;
}

/** Marathon's persistent MySQL, three instances, with the flags Universe packages pass. */
const stateful: DcosServiceSpec = {
  instances: 3,
  cmd: 'exec mysqld',
  container: {
    type: 'DOCKER',
    docker: { image: 'mysql:8', parameters: [{ key: 'user', value: 'nobody' }, { key: 'label', value: 'dcos_pkg_name=mysql' }] },
    volumes: [
      { containerPath: 'mysqldata', mode: 'RW', persistent: { type: 'root', size: 1000 } },
      { containerPath: '/var/lib/mysql', hostPath: 'mysqldata', mode: 'RW' },
      { containerPath: '/etc/mysql/conf.d', hostPath: 'conf', mode: 'RO' },
    ],
    portMappings: [{ containerPort: 3306, name: 'mysql' }],
  },
  networks: [{ mode: 'container/bridge' }],
  env: { PORT: '3306' },
  healthChecks: [
    { protocol: 'TCP', portIndex: 0 },
    { protocol: 'COMMAND', command: { value: 'mysqladmin ping' } },
  ],
  upgradeStrategy: { minimumHealthCapacity: 0.5, maximumOverCapacity: 0 },
};

/** An app using every kind of docker parameter the operator maps, an external volume and MAX_PER. */
const manyFlags: DcosServiceSpec = {
  instances: 2,
  cmd: 'exec run',
  container: {
    type: 'DOCKER',
    docker: {
      image: 'busybox:1.36',
      parameters: [
        { key: 'cap-add', value: 'NET_ADMIN' },
        { key: 'cap-drop', value: 'MKNOD' },
        { key: 'privileged', value: 'false' },
        { key: 'user', value: '1000:1000' },
        { key: 'workdir', value: '/srv' },
        { key: 'hostname', value: 'zoo.service.consul' },
        { key: 'add-host', value: 'db:10.0.0.5' },
        { key: 'env', value: 'A=1' },
        { key: 'label', value: 'created_by=marathon' },
        { key: 'init', value: 'true' },
        { key: 'shm-size', value: '128m' },
        { key: 'tmpfs', value: '/run:size=16m' },
        { key: 'ulimit', value: 'nofile=1024:2048' },
        { key: 'volume', value: '/var/log:/host-logs:ro' },
        { key: 'dns', value: '10.0.0.2' },
        { key: 'dns-search', value: 'corp.example' },
        { key: 'sysctl', value: 'net.ipv4.ip_unprivileged_port_start=0' },
        { key: 'security-opt', value: 'no-new-privileges' },
        { key: 'read-only', value: 'true' },
        { key: 'log-driver', value: 'journald' },
        { key: 'restart', value: 'always' },
      ],
    },
    volumes: [{ containerPath: '/data', external: { name: 'shared-data', provider: 'csi', options: { pluginName: 'nfs', capability: { accessMode: 'MULTI_NODE_MULTI_WRITER', accessType: 'mount' } } }, mode: 'RW' }],
  },
  constraints: [['hostname', 'MAX_PER', '2']],
};

describe('translated objects of apps Marathon ran and the operator used to refuse, against the real apiserver', () => {
  const client = kubeClient();
  let ns: string;

  beforeAll(async () => {
    ns = await createTestNamespace(client, 'map-dry');
  });
  afterAll(() => deleteNamespace(client, ns));

  /** A dry-run apply that must keep every field sent: nothing refused, nothing dropped. */
  async function dryRunKeepsEverything(obj: KubeObjectLike): Promise<void> {
    const stored = await client.apply(obj, { dryRun: true });
    // Quantities come back canonical (1000m is 1) and zero delays are omitted: compare in the apiserver's form.
    const sent = JSON.parse(JSON.stringify(obj), (key, value: unknown) => (key === 'cpu' && value === '1000m' ? '1' : key === 'initialDelaySeconds' && value === 0 ? undefined : value)) as object;
    expect(stored).toMatchObject(sent);
  }

  it('a persistent app with three instances: its StatefulSet is valid as translated', async () => {
    const r = translated(ns, 'mysql', stateful);
    expect(r.workload.kind).toBe('StatefulSet');
    await dryRunKeepsEverything(r.workload as unknown as KubeObjectLike);
    if (r.service) await dryRunKeepsEverything(r.service as unknown as KubeObjectLike);
  });

  it('an app with many docker parameters, an external volume and MAX_PER 2: its Deployment and claim are valid as translated', async () => {
    const r = translated(ns, 'flags', manyFlags);
    expect(r.workload.kind).toBe('Deployment');
    await dryRunKeepsEverything(r.workload as unknown as KubeObjectLike);
    for (const claim of r.persistentVolumeClaims ?? []) await dryRunKeepsEverything(claim as unknown as KubeObjectLike);
    expect(r.persistentVolumeClaims?.map((c) => c.metadata.name)).toEqual(['shared-data']);
  });

  it('MAX_PER 2 on hostname is an exact cap: nine instances on four nodes run two per node, the ninth stays pending', async () => {
    type Node = KubeObjectLike & { spec?: { unschedulable?: boolean } };
    const nodes = (await client.list<Node>('v1', 'Node')).items.filter((n) => !n.spec?.unschedulable).length;
    const instances = nodes * 2 + 1;
    const r = translated(ns, 'capped', { instances, cmd: 'sleep 1d', container: { type: 'DOCKER', docker: { image: 'busybox:1.36' } }, constraints: [['hostname', 'MAX_PER', '2']] });
    const { ownerReferences: _o, ...metadata } = r.workload.metadata;
    await client.apply({ ...r.workload, metadata } as unknown as KubeObjectLike);
    type Pod = KubeObjectLike & { spec: { nodeName?: string }; status?: { phase?: string } };
    const pods = await eventually(async () => {
      const list = (await client.list<Pod>('v1', 'Pod', { namespace: ns, labelSelector: 'dcos.dev/service=capped' })).items;
      const placed = list.filter((p) => p.spec.nodeName);
      if (list.length < instances || placed.length < nodes * 2) throw new Error(`${placed.length} of ${list.length} pods placed`);
      return list;
    }, 60_000);
    const perNode = new Map<string, number>();
    for (const p of pods) if (p.spec.nodeName) perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1);
    expect(Math.max(...perNode.values())).toBe(2);
    expect(perNode.size).toBe(nodes);
    expect(pods.filter((p) => !p.spec.nodeName)).toHaveLength(1);
  });
});
