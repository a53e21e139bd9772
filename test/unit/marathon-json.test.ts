import { describe, expect, test } from 'vitest';
import { translateService } from '../../src/marathon/translate-service.ts';
import { crdFor } from '../../src/resources/crd.ts';
import { dcosServiceKind, type DcosServiceSpec } from '../../src/resources/dcos-service.ts';
import { kindValidators } from '../../src/webhooks/kind-validators.ts';
import { serviceDefaultsPatch } from '../../src/webhooks/service-defaulting.ts';
import { image, service } from './marathon-builders.ts';

/* Marathon's own JSON (nulls, unknown and obsolete fields, legacy forms) is accepted as Marathon accepted it. */

const judge = (spec: Record<string, unknown>) => kindValidators({}, { defaultImage: 'debian:12-slim' }).get('DcosService')!.judge({ metadata: { name: 'web', namespace: 'ns' }, spec });
const ok = (spec: Record<string, unknown>) => {
  const r = translateService(service(spec as DcosServiceSpec), { defaultImage: 'debian:12-slim' });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r;
};

describe('null means "not set"', () => {
  const asMarathonPrintsIt = { id: '/web', cmd: null, args: null, container: { type: 'DOCKER', docker: { image: 'nginx', parameters: null }, portMappings: null, volumes: null }, healthChecks: null, constraints: null, labels: null, user: null };

  test('admission admits it without warnings, and the translation runs it', async () => {
    expect(await judge(asMarathonPrintsIt)).toEqual({ problems: [], warnings: [] });
    expect(ok(asMarathonPrintsIt).workload.spec.template.spec.containers[0]!.image).toBe('nginx');
  });

  test('the defaulting webhook drops the nulls, so what is stored says each field once', () => {
    const patch = serviceDefaultsPatch({ spec: asMarathonPrintsIt }) as Array<{ value: Record<string, unknown> }>;
    expect(JSON.stringify(patch[0]!.value)).not.toContain('null');
  });

  test('the CRD declares optional fields nullable and keeps unknown fields, with the known ones documented', () => {
    const spec = (crdFor(dcosServiceKind) as any).spec.versions[0].schema.openAPIV3Schema.properties.spec;
    expect(spec['x-kubernetes-preserve-unknown-fields']).toBe(true);
    expect(spec.properties.cmd).toMatchObject({ type: 'string', nullable: true });
    expect(spec.properties.container).toMatchObject({ nullable: true, 'x-kubernetes-preserve-unknown-fields': true });
    expect(spec.properties.container.properties.docker.properties.image.description).toMatch(/image/);
    expect(spec.properties.upgradeStrategy['x-kubernetes-preserve-unknown-fields']).toBe(true);
  });
});

describe('unknown and obsolete fields are kept, ignored and warned about', () => {
  test.each([
    ['maintainer', { maintainer: 'me@example.com' }, 'spec.maintainer'],
    ['upgradeStrategy.constraints', { upgradeStrategy: { minimumHealthCapacity: 1, constraints: [] } }, 'spec.upgradeStrategy.constraints'],
    ['portDefinitions[].servicePort', { portDefinitions: [{ port: 0, servicePort: 80 }] }, 'spec.portDefinitions[0].servicePort'],
    ['readinessChecks[].interval', { portDefinitions: [{ port: 8080, name: 'http-api' }], readinessChecks: [{ interval: 3 }] }, 'spec.readinessChecks[0].interval'],
    ['healthChecks[].portType', { healthChecks: [{ protocol: 'TCP', portType: 'PORT_INDEX' }] }, 'spec.healthChecks[0].portType'],
  ])('%s', async (_name, fields, path) => {
    const verdict = await judge({ ...image(), ...fields });
    expect(verdict.problems).toEqual([]);
    expect(verdict.warnings).toContainEqual({ path, message: expect.stringMatching(/^ignored: not a Marathon app field/) });
  });

  test('a typo names the field it is close to', async () => {
    const verdict = await judge({ container: { docker: { image: 'x', paramneters: [] } } });
    expect(verdict.warnings).toContainEqual({ path: 'spec.container.docker.paramneters', message: expect.stringMatching(/did you mean "parameters"\?/) });
  });
});

describe('legacy forms map', () => {
  test('ipAddress: a container network whose discovery ports are the app\'s ports', () => {
    const r = ok({ ...image(), ipAddress: { networkName: 'calico', discovery: { ports: [{ number: 9001, name: 'http', protocol: 'tcp' }] } } });
    expect(r.workload.spec.template.spec.containers[0]!.ports).toEqual([{ name: 'http', containerPort: 9001, protocol: 'TCP' }]);
    expect(r.service?.spec.ports).toEqual([{ name: 'http', port: 9001, targetPort: 9001, protocol: 'TCP' }]);
    expect(r.warnings.map((w) => w.path)).toContain('spec.ipAddress.networkName');
  });

  test('ports beside a bridge network\'s mappings: the mappings decide, with a warning', () => {
    const r = ok({ container: { docker: { image: 'x', network: 'BRIDGE', portMappings: [{ containerPort: 3000, hostPort: 80, servicePort: 3000 }] } }, ports: [80], requirePorts: true });
    expect(r.workload.spec.template.spec.containers[0]!.ports).toEqual([{ name: 'port0', containerPort: 3000, hostPort: 80, protocol: 'TCP' }]);
    expect(r.warnings).toContainEqual({ path: 'spec.ports', message: expect.stringMatching(/ignored: on a container\/bridge network/) });
  });

  test('uris beside fetch: both are downloaded, with a warning', () => {
    const r = ok({ ...image(), fetch: [{ uri: 'https://x.test/a.tgz' }], uris: ['https://x.test/b.sh'] });
    expect(r.workload.spec.template.spec.initContainers?.[0]?.command?.[2]).toMatch(/a\.tgz[\s\S]*b\.sh/);
    expect(r.warnings.map((w) => w.path)).toContain('spec.uris');
  });

  test('docker portMappings beside container portMappings, and networks beside docker.network: the newer decides', () => {
    const mapping = { containerPort: 80, hostPort: 0, protocol: 'tcp' };
    const r = ok({ container: { portMappings: [mapping], docker: { image: 'nginx', network: 'USER', portMappings: [mapping] } }, networks: [{ mode: 'container', name: 'dcos' }] });
    expect(r.workload.spec.template.spec.containers[0]!.ports).toEqual([{ name: 'port0', containerPort: 80, protocol: 'TCP' }]);
  });
});
