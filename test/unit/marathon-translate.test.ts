import { describe, expect, test } from 'vitest';
import { translateService } from '../../src/marathon/translate-service.ts';
import type { DcosServiceSpec } from '../../src/resources/dcos-service.ts';
import type { Deployment } from '../../src/marathon/kube-objects.ts';
import { image, service } from './marathon-builders.ts';

const ok = (spec: DcosServiceSpec, opts = {}, name = 'web', meta = {}) => {
  const r = translateService(service(spec, name, meta), opts);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r;
};
const container = (spec: DcosServiceSpec, opts = {}) => ok(spec, opts).workload.spec.template.spec.containers[0]!;
const env = (spec: DcosServiceSpec, opts = {}) => Object.fromEntries((container(spec, opts).env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));

describe('translateService: the objects', () => {
  test('Deployment and Service are owned by the DcosService, labelled, and select pods by name only', () => {
    const r = ok({ id: '/prod/db/web', ...image(), labels: { tier: 'front', note: 'a long note' } });
    expect(r.workload.metadata).toMatchObject({
      name: 'web',
      namespace: 'ns',
      labels: { 'app.kubernetes.io/managed-by': 'dcos-operator', 'dcos.dev/service': 'web', 'dcos.dev/group': 'prod.db', tier: 'front' },
      annotations: { 'dcos.dev/app-id': '/prod/db/web', note: 'a long note' },
      ownerReferences: [{ apiVersion: 'dcos.dev/v1alpha1', kind: 'DcosService', name: 'web', uid: 'uid-1', controller: true, blockOwnerDeletion: true }],
    });
    expect(r.workload.spec.selector).toEqual({ matchLabels: { 'dcos.dev/service': 'web' } });
    expect(r.service?.spec.selector).toEqual({ 'dcos.dev/service': 'web' });
    expect(r.service?.metadata.ownerReferences?.[0]?.uid).toBe('uid-1');
  });

  test('the selector stays the same across spec changes', () => {
    const a = ok({ ...image(), instances: 1, labels: { a: '1' } });
    const b = ok({ ...image('nginx:2'), instances: 5, labels: { b: '2' }, id: '/other' });
    expect(a.workload.spec.selector).toEqual(b.workload.spec.selector);
  });

  test.each([
    ['cmd runs in a shell', { cmd: 'echo hi', ...image() }, { command: ['/bin/sh', '-c', 'echo hi'] }],
    ['args keep the image entrypoint', { args: ['--port', '80'], ...image() }, { args: ['--port', '80'] }],
    ['numeric user', { user: '1000', ...image() }, { securityContext: { runAsUser: 1000 } }],
    ['root is uid 0', { user: 'root', ...image() }, { securityContext: { runAsUser: 0 } }],
    ['nobody is uid 65534, as in every Linux image', { user: 'nobody', ...image() }, { securityContext: { runAsUser: 65534 } }],
    ['privileged and forced pull', { container: { docker: { image: 'x', privileged: true, forcePullImage: true } } }, { imagePullPolicy: 'Always', securityContext: { privileged: true } }],
    ['tty', { tty: true, ...image() }, { tty: true, stdin: true }],
    [
      'resources: requests = limits, disk and gpus included',
      { cpus: 0.25, mem: 512, disk: 1024, gpus: 1, ...image() },
      {
        resources: {
          requests: { cpu: '250m', memory: '512Mi', 'ephemeral-storage': '1024Mi', 'nvidia.com/gpu': '1' },
          limits: { cpu: '250m', memory: '512Mi', 'ephemeral-storage': '1024Mi', 'nvidia.com/gpu': '1' },
        },
      },
    ],
    ['resourceLimits unlimited cpu drops the cpu limit', { cpus: 1, mem: 64, resourceLimits: { cpus: 'unlimited', mem: 128 }, ...image() }, { resources: { requests: { cpu: '1000m', memory: '64Mi' }, limits: { memory: '128Mi' } } }],
    ['an app without an image runs the default image in the sandbox', { cmd: 'ls' }, { image: 'debian:12', workingDir: '/mnt/mesos/sandbox' }],
  ])('%s', (_name, spec, expected) => {
    expect(container(spec as DcosServiceSpec, { defaultImage: 'debian:12' })).toMatchObject(expected);
  });

  test('env: strings, secrets through `secrets`, and Marathon\'s own variables', () => {
    const e = env({ ...image(), env: { A: 'x', PW: { secret: 'db' } }, secrets: { db: { source: '/db-creds/password' } }, portDefinitions: [{ port: 0, name: 'http' }, { port: 8081 }] });
    expect(e).toMatchObject({ A: 'x', PW: { secretKeyRef: { name: 'db-creds', key: 'password' } }, PORT0: '10000', PORT1: '8081', PORT: '10000', PORTS: '10000,8081', PORT_HTTP: '10000', MARATHON_APP_ID: '/web', HOST: { fieldRef: { fieldPath: 'status.podIP' } } });
  });

  test.each([
    ['instances', { instances: 3 }, {}, (d: Deployment) => d.spec.replicas, 3],
    ['dependencies hold replicas at 0', { instances: 3 }, { holdForDependencies: true }, (d: Deployment) => d.spec.replicas, 0],
    ['taskKillGracePeriodSeconds', { taskKillGracePeriodSeconds: 45 }, {}, (d: Deployment) => d.spec.template.spec.terminationGracePeriodSeconds, 45],
    ['default upgrade strategy keeps all healthy and doubles', { instances: 4 }, {}, (d: Deployment) => d.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 4 } }],
    [
      'minimumHealthCapacity 0.7 of 3 keeps 3 (ceil), overcapacity 0.5 of 3 adds 1 (floor)',
      { instances: 3, upgradeStrategy: { minimumHealthCapacity: 0.7, maximumOverCapacity: 0.5 } },
      {},
      (d: Deployment) => d.spec.strategy,
      { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
    ],
    [
      'no room either way still replaces one at a time',
      { instances: 1, upgradeStrategy: { minimumHealthCapacity: 1, maximumOverCapacity: 0 } },
      {},
      (d: Deployment) => d.spec.strategy,
      { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
    ],
    [
      'unreachableStrategy: inactiveAfterSeconds tolerates unreachable nodes that long',
      { unreachableStrategy: { inactiveAfterSeconds: 60, expungeAfterSeconds: 120 } },
      {},
      (d: Deployment) => d.spec.template.spec.tolerations?.map((t) => `${t.key}=${t.tolerationSeconds}`),
      ['node.kubernetes.io/unreachable=60', 'node.kubernetes.io/not-ready=60'],
    ],
  ])('%s', (_name, spec, opts, pick, expected) => {
    expect(pick(ok({ ...image(), ...spec } as DcosServiceSpec, opts).workload as Deployment)).toEqual(expected);
  });

  test('the restart annotation rolls the pods', () => {
    const before = ok(image()).workload.spec.template.metadata.annotations;
    const after = ok(image(), {}, 'web', { annotations: { 'dcos.dev/restart': '2025-01-01T00:00:00Z' } }).workload.spec.template.metadata.annotations;
    expect(before?.['dcos.dev/restarted-at']).toBeUndefined();
    expect(after?.['dcos.dev/restarted-at']).toBe('2025-01-01T00:00:00Z');
  });
});

describe('translateService: ports and the Service', () => {
  test.each([
    [
      'host networking: requirePorts pins host ports',
      { portDefinitions: [{ port: 8080, name: 'http' }], requirePorts: true },
      [{ name: 'http', containerPort: 8080, hostPort: 8080, protocol: 'TCP' }],
      [{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }],
    ],
    [
      'bridge: servicePort is the Service port, a dynamic hostPort is none',
      { networks: [{ mode: 'container/bridge' as const }], container: { docker: { image: 'x' }, portMappings: [{ containerPort: 80, hostPort: 0, servicePort: 10019, name: 'web' }] } },
      [{ name: 'web', containerPort: 80, protocol: 'TCP' }],
      [{ name: 'web', port: 10019, targetPort: 80, protocol: 'TCP' }],
    ],
    [
      'a VIP label sets the Service port; "udp,tcp" gives both protocols',
      { portDefinitions: [{ port: 5353, protocol: 'udp,tcp' as const, labels: { VIP_0: '/dns:53' } }] },
      [
        { name: 'port0', containerPort: 5353, protocol: 'TCP' },
        { name: 'port0-udp', containerPort: 5353, protocol: 'UDP' },
      ],
      [
        { name: 'port0', port: 53, targetPort: 5353, protocol: 'TCP' },
        { name: 'port0-udp', port: 53, targetPort: 5353, protocol: 'UDP' },
      ],
    ],
  ])('%s', (_name, spec, containerPorts, servicePorts) => {
    const r = ok({ ...image(), ...spec } as DcosServiceSpec);
    expect(r.workload.spec.template.spec.containers[0]!.ports).toEqual(containerPorts);
    expect(r.service?.spec.ports).toEqual(servicePorts);
  });

  test('no ports, no Service', () => {
    expect(ok({ ...image(), portDefinitions: [] }).service).toBeUndefined();
  });
});

describe('translateService: volumes', () => {
  test('host and secret volumes', () => {
    const spec: DcosServiceSpec = {
      container: { docker: { image: 'x' }, volumes: [{ containerPath: '/data', hostPath: '/srv/data', mode: 'RO' }, { containerPath: '/etc/tls.key', secret: 'tls' }] },
      secrets: { tls: { source: 'web-tls/tls.key' } },
    };
    const pod = ok(spec).workload.spec.template.spec;
    expect(pod.volumes).toEqual(expect.arrayContaining([{ name: 'vol-0', hostPath: { path: '/srv/data' } }, { name: 'vol-1', secret: { secretName: 'web-tls', items: [{ key: 'tls.key', path: 'tls.key' }] } }]));
    expect(pod.containers[0]!.volumeMounts).toEqual(expect.arrayContaining([{ name: 'vol-0', mountPath: '/data', readOnly: true }, { name: 'vol-1', mountPath: '/etc/tls.key', subPath: 'tls.key', readOnly: true }]));
  });

  test('fetch downloads and extracts into the sandbox before the task starts', () => {
    const init = ok({ cmd: './run', fetch: [{ uri: 'https://x.test/app.tgz' }, { uri: 'https://x.test/run?x=1', executable: true, extract: false, destPath: 'run' }] }, { defaultImage: 'debian:12' }).workload.spec.template.spec.initContainers?.[0];
    expect(init?.command?.[2]).toBe("set -e\nwget -q -O 'app.tgz' 'https://x.test/app.tgz'\ntar -xf 'app.tgz'\nwget -q -O 'run' 'https://x.test/run?x=1'\nchmod +x 'run'");
    expect(init?.volumeMounts).toEqual([{ name: 'sandbox', mountPath: '/mnt/mesos/sandbox' }]);
  });
});

describe('translateService: warnings for ignored fields', () => {
  test('fields set away from Marathon defaults are reported, defaults are quiet', () => {
    const r = ok({ ...image(), backoffSeconds: 1, maxLaunchDelaySeconds: 3600, acceptedResourceRoles: ['slave_public'], killSelection: 'OLDEST_FIRST' });
    expect(r.warnings.map((n) => n.path).sort()).toEqual(['spec.acceptedResourceRoles', 'spec.killSelection', 'spec.maxLaunchDelaySeconds']);
  });

  test('a user name no image agrees on runs as the image\'s own user, and says so', () => {
    const r = ok({ ...image(), user: 'kafka' });
    expect(r.workload.spec.template.spec.containers[0]!.securityContext?.runAsUser).toBeUndefined();
    expect(r.warnings).toContainEqual({ path: 'spec.user', message: expect.stringMatching(/ignored: "kafka" is a name/) });
  });
});
