import { describe, expect, it } from 'vitest';
import { MANAGED_BY_LABEL, PACKAGE_LABEL, renderDcosPackage, renderPackage, type RenderPackageInput } from '../../src/universe/package-render.ts';
import type { DcosPackage } from '../../src/resources/dcos-package.ts';
import { simpleConfig, testIndex, testPackage } from './universe-test-packages.ts';

const template = `{
  "id": "/{{svc.name}}",
  "cmd": "serve",
  "instances": {{svc.instances}},
  "container": { "docker": { "image": "{{resource.assets.container.docker.web-image}}" } },
  "labels": { "DCOS_SERVICE_NAME": "{{svc.name}}", "DCOS_PACKAGE_NAME": "spoofed" }
}`;
const web = testPackage({
  name: 'web',
  version: '2.1.0',
  template,
  config: simpleConfig({ name: 'web', instances: 1 }),
  resource: { assets: { container: { docker: { 'web-image': 'nginx:1.27' } } } },
  extra: { preInstallNotes: 'before', postInstallNotes: 'after' },
});

function input(overrides: Partial<RenderPackageInput> = {}): RenderPackageInput {
  return { pkg: web, source: 'https://repo.example/index.json', namespace: 'team-a', ...overrides };
}

function decode(label: unknown): unknown {
  return JSON.parse(Buffer.from(String(label), 'base64').toString('utf8'));
}

describe('renderPackage', () => {
  it('makes one DcosService per app, in the package namespace, named after the app id', () => {
    const result = renderPackage(input({ options: { svc: { instances: 3 } } }));
    expect(result.ok).toBe(true);
    const [service, ...rest] = result.ok ? result.value.services : [];
    expect(rest).toEqual([]);
    expect(service).toMatchObject({
      apiVersion: 'dcos.dev/v1alpha1',
      kind: 'DcosService',
      metadata: { name: 'web', namespace: 'team-a', labels: { [PACKAGE_LABEL]: 'web', [MANAGED_BY_LABEL]: 'dcos-operator' } },
      spec: { id: '/web', cmd: 'serve', instances: 3, container: { docker: { image: 'nginx:1.27' } } },
    });
    expect(service!.metadata.ownerReferences).toBeUndefined();
  });

  it('forces the Cosmos package labels over whatever the template set', () => {
    const result = renderPackage(input({ options: { svc: { name: 'shop' } } }));
    const labels = (result.ok ? result.value.services[0]!.spec : {}) as { labels: Record<string, string> };
    expect(labels.labels).toMatchObject({
      DCOS_SERVICE_NAME: 'shop',
      DCOS_PACKAGE_NAME: 'web',
      DCOS_PACKAGE_VERSION: '2.1.0',
      DCOS_PACKAGE_SOURCE: 'https://repo.example/index.json',
    });
    // The user's options only, not the defaults: what `dcos package describe --options` gave back.
    expect(decode(labels.labels.DCOS_PACKAGE_OPTIONS)).toEqual({ svc: { name: 'shop' } });
    const definition = decode(labels.labels.DCOS_PACKAGE_DEFINITION) as { name: string; marathon: { v2AppMustacheTemplate: string } };
    expect(definition.name).toBe('web');
    expect(Buffer.from(definition.marathon.v2AppMustacheTemplate, 'base64').toString()).toBe(template);
  });

  it('owns its services when the DcosPackage uid is known', () => {
    const result = renderPackage(input({ owner: { name: 'my-web', uid: 'uid-1' } }));
    expect(result.ok && result.value.services[0]!.metadata.ownerReferences).toEqual([
      { apiVersion: 'dcos.dev/v1alpha1', kind: 'DcosPackage', name: 'my-web', uid: 'uid-1', controller: true, blockOwnerDeletion: true },
    ]);
  });

  it.each([
    ['an absolute id', '/prod/web', '/prod/web', 'prod-web'],
    ['a relative id', 'staging/web', '/staging/web', 'staging-web'],
  ])('installs under an explicit appId (%s)', (_name, appId, id, name) => {
    const result = renderPackage(input({ appId }));
    expect(result.ok && result.value.services[0]).toMatchObject({ metadata: { name }, spec: { id } });
  });

  it('returns the merged options and the notes for the status', () => {
    const result = renderPackage(input());
    expect(result.ok && result.value).toMatchObject({ options: { svc: { name: 'web', instances: 1 } }, preInstallNotes: 'before', postInstallNotes: 'after' });
  });

  it('flattens a group into one service per app, ids resolved against their groups', () => {
    const pkg = testPackage({
      template: `{ "id": "{{g}}", "apps": [
          { "id": "db", "cmd": "db" },
          { "id": "web", "cmd": "web", "dependencies": ["db"], "labels": { "KEEP": "1" } }
        ], "groups": [ { "id": "jobs", "apps": [ { "id": "/abs/worker", "cmd": "w" }, { "id": "cron", "cmd": "c" } ] } ] }`,
      config: { type: 'object', properties: { g: { type: 'string', default: 'shop' } } },
    });
    const result = renderPackage(input({ pkg }));
    const services = result.ok ? result.value.services : [];
    expect(services.map((s) => [s.metadata.name, s.spec.id])).toEqual([
      ['shop-db', '/shop/db'],
      ['shop-web', '/shop/web'],
      ['abs-worker', '/abs/worker'],
      ['shop-jobs-cron', '/shop/jobs/cron'],
    ]);
    expect(services[1]!.spec).toMatchObject({ dependencies: ['/shop/db'], labels: { KEEP: '1', DCOS_PACKAGE_NAME: 'demo' } });
  });

  it('drops null fields, which Marathon read as not set', () => {
    const pkg = testPackage({ template: '{"id": "a", "cmd": "x", "args": null, "env": {"A": null, "B": "b"}}' });
    const result = renderPackage(input({ pkg }));
    expect(result.ok && result.value.services[0]!.spec).toMatchObject({ env: { B: 'b' } });
    expect(result.ok && 'args' in result.value.services[0]!.spec).toBe(false);
  });

  it.each([
    ['a package that only ships a CLI', testPackage({}), {}, 'NoMarathonTemplate', /no marathon\.json\.mustache/],
    ['invalid options', web, { svc: { instances: 'two' } }, 'OptionsInvalid', /^options invalid for web 2\.1\.0 \(release 0\): svc\.instances: must be number$/],
    ['a template that renders no id', testPackage({ template: '{"cmd": "x"}' }), {}, 'RenderedAppInvalid', /no "id"/],
    ['an id Kubernetes cannot name', testPackage({ template: '{"id": "/Web_App", "cmd": "x"}' }), {}, 'InvalidAppId', /Web_App/],
    ['two apps with one name', testPackage({ template: '{"id": "/g", "apps": [{"id": "a-b"}, {"id": "/g/a/b"}]}' }), {}, 'InvalidAppId', /same object name g-a-b/],
    ['a group without apps', testPackage({ template: '{"id": "/g", "apps": []}' }), {}, 'RenderedAppInvalid', /without apps/],
    ['a rendered app the DcosService schema rejects', testPackage({ template: '{"id": "a", "instances": -1}' }), {}, 'RenderedAppInvalid', /instances/],
  ])('fails with a reason for %s', (_name, pkg, options, reason, message) => {
    const result = renderPackage(input({ pkg, options }));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.reason).toBe(reason);
    expect(!result.ok && result.error.message).toMatch(message);
  });
});

describe('renderDcosPackage', () => {
  const dcosPackage = (spec: DcosPackage['spec']): DcosPackage => ({
    apiVersion: 'dcos.dev/v1alpha1',
    kind: 'DcosPackage',
    metadata: { name: 'my-web', namespace: 'shop', uid: 'u-1' },
    spec,
  });
  const repositories = [{ name: 'main', priority: 0, index: testIndex([web, testPackage({ name: 'web', version: '1.0.0', template, config: simpleConfig({ name: 'old', instances: 1 }), resource: web.resource! })]) }];

  it('resolves, renders and owns, from the DcosPackage alone', () => {
    const result = renderDcosPackage(dcosPackage({ packageName: 'web', options: { svc: { name: 'front' } } }), repositories);
    expect(result.ok && result.value.resolved.pkg.version).toBe('2.1.0');
    expect(result.ok && result.value.services[0]!.metadata).toMatchObject({ name: 'front', namespace: 'shop', ownerReferences: [{ name: 'my-web', uid: 'u-1' }] });
  });

  it('installs the version asked for', () => {
    const result = renderDcosPackage(dcosPackage({ packageName: 'web', packageVersion: '1.0.0' }), repositories);
    expect(result.ok && result.value.services[0]!.spec.id).toBe('/old');
  });

  it('passes resolution failures through', () => {
    const result = renderDcosPackage(dcosPackage({ packageName: 'nope' }), repositories);
    expect(!result.ok && result.error.reason).toBe('PackageNotFound');
  });
});
