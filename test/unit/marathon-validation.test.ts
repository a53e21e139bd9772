import { describe, expect, test } from 'vitest';
import { appIdErrors } from '../../src/marathon/marathon-validation.ts';
import { translateService, type TranslateOptions } from '../../src/marathon/translate-service.ts';
import type { DcosServiceSpec } from '../../src/resources/dcos-service.ts';
import { service } from './marathon-builders.ts';

const img = { container: { docker: { image: 'x' } } };

/** The errors of the one judgement the webhook, the controller and `npm run render` share. */
const validateMarathonApp = (spec: DcosServiceSpec, opts: TranslateOptions = {}) => translateService(service(spec), opts).errors;

describe('the errors of translateService', () => {
  test('a plain app is valid', () => {
    expect(validateMarathonApp({ id: '/prod/web', cmd: 'serve', ...img })).toEqual([]);
  });

  test.each([
    ['cmd and args together', { cmd: 'a', args: ['b'], ...img }, 'spec.args', /either cmd or args/],
    ['no image and no default image', { cmd: 'a' }, 'spec.container.docker.image', /expected an image/],
    ['an id with capitals', { id: '/Prod/web', ...img }, 'spec.id', /lowercase/],
    ['a reserved id segment', { id: '/prod/tasks', ...img }, 'spec.id', /reserved/],
    ['a dependency on itself', { id: '/a/b', dependencies: ['b'], ...img }, 'spec.dependencies[0]', /the app itself/],
    ['an env value that is a number', { env: { A: 1 as unknown as string }, ...img }, 'spec.env.A', /string or \{"secret": NAME\}, got number 1/],
    ['an undeclared secret', { env: { A: { secret: 's' } }, ...img }, 'spec.env.A.secret', /none declared/],
    ['a secret source with an empty segment', { env: { A: { secret: 's' } }, secrets: { s: { source: 'a//c' } }, ...img }, 'spec.secrets.s.source', /empty segments/],
    ['a docker flag Docker would refuse', { container: { docker: { image: 'x', parameters: [{ key: 'shm-size', value: 'lots' }] } } }, 'spec.container.docker.parameters[0].value', /64m/],
    ['a DVDI external volume with 2 instances (Marathon\'s rule)', { instances: 2, container: { docker: { image: 'x' }, volumes: [{ containerPath: '/d', external: { name: 'v', provider: 'dvdi' } }] } }, 'spec.instances', /DVDI/],
    ['an external volume without a name', { container: { docker: { image: 'x' }, volumes: [{ containerPath: '/d', external: { provider: 'dvdi' } }] } }, 'spec.container.volumes[0].external.name', /name of the external volume/],
    ['a relative hostPath that climbs out of the sandbox', { container: { docker: { image: 'x' }, volumes: [{ containerPath: '/d', hostPath: '../etc' }] } }, 'spec.container.volumes[0].hostPath', /inside the task's sandbox/],
    ['a custom executor', { executor: '/opt/exec', ...img }, 'spec.executor', /custom executors/],
    ['a persistent app with overcapacity', { container: { docker: { image: 'x' }, volumes: [{ containerPath: 'd', persistent: { size: 1 } }] }, upgradeStrategy: { maximumOverCapacity: 1 } }, 'spec.upgradeStrategy.maximumOverCapacity', /expected 0/],
    ['portMappings on host networking', { networks: [{ mode: 'host' as const }], container: { docker: { image: 'x' }, portMappings: [{ containerPort: 80 }] } }, 'spec.container.portMappings', /host networking/],
    ['duplicate port names', { portDefinitions: [{ name: 'a' }, { name: 'a' }], ...img }, 'spec.portDefinitions[1].name', /unique/],
    ['a resource limit below the request', { cpus: 2, resourceLimits: { cpus: 1 }, ...img }, 'spec.resourceLimits.cpus', /at least the request/],
    ['an unreachableStrategy of the wrong shape', { unreachableStrategy: 'sometimes' as never, ...img }, 'spec.unreachableStrategy', /disabled/],
    ['a label in the operator\'s prefix', { labels: { 'dcos.dev/service': 'x' }, ...img }, 'spec.labels.dcos.dev/service', /operator/],
    ['docker network NONE', { container: { docker: { image: 'x', network: 'NONE' as const } } }, 'spec.container.docker.network', /NONE/],
  ])('rejects %s', (_name, spec, path, message) => {
    expect(validateMarathonApp(spec as DcosServiceSpec)).toContainEqual({ path, message: expect.stringMatching(message) });
  });

  test('an app without an image is fine when the operator has a default image', () => {
    expect(validateMarathonApp({ cmd: 'a' }, { defaultImage: 'debian:12' })).toEqual([]);
  });
});

describe('app ids', () => {
  test.each([
    ['/prod/db/postgres', []],
    ['../cache', []],
    ['a.b-c', []],
    ['/', [/like \/group\/app/]],
    ['/a/', [/end with/]],
    ['/-a', [/lowercase/]],
    ['/../x', [/climb/]],
    ['/a/versions', [/reserved/]],
  ])('%s', (id, messages) => {
    expect(appIdErrors(id, 'spec.id').map((e) => e.message)).toEqual(messages.map((m) => expect.stringMatching(m)));
  });

  test('says once what is wrong with many segments, naming the first few (the fuzz found 60,000 bad ones broke the webhook)', () => {
    expect(appIdErrors(`/prod/X${'/ '.repeat(60_000)}/Y_/Z!/..`, 'spec.id')).toEqual([
      { path: 'spec.id', message: `expected segments of lowercase letters, digits, '-' and '.' (not starting or ending with '-'), got "X", " ", "Y_" and 1 more` },
    ]);
    expect(appIdErrors('/../../a', 'spec.id').map((e) => e.message)).toEqual([expect.stringMatching(/climb/)]);
  });
});
