import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { dcosServiceSpecSchema, type DcosServiceSpec } from '../../src/resources/dcos-service.ts';
import { translateService } from '../../src/marathon/translate-service.ts';
import { visitFields } from '../../src/marathon/marathon-field-mapping.ts';
import { resolveAppId, objectNameForAppId } from '../../src/marathon/app-id.ts';
import { service } from './marathon-builders.ts';

// The real Marathon apps, read in place from the shared fixtures beside the project.
const fixtures = new URL('../../../shared/fixtures/marathon/', import.meta.url);
const read = (path: string): unknown => JSON.parse(readFileSync(new URL(path, fixtures), 'utf8'));
const EXAMPLES = 'master/docs/docs/rest-api/public/api/v2/examples/';

type Json = Record<string, unknown>;

/** Apps of a group, with ids made absolute as Marathon does. */
function groupApps(group: Json, parent = '/'): Json[] {
  const gid = resolveAppId(String(group.id ?? ''), parent.endsWith('/') ? parent : `${parent}/`);
  const base = gid === '/' ? '/' : `${gid}/`;
  return [
    ...((group.apps as Json[] | undefined) ?? []).map((a) => ({ ...a, id: resolveAppId(String(a.id), base) })),
    ...((group.groups as Json[] | undefined) ?? []).flatMap((g) => groupApps(g, base)),
  ];
}

/** The apiserver prunes nulls of non-nullable fields before storing; Marathon's responses have them. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
  return value;
}

const apps: Array<{ source: string; app: Json }> = [
  ...['Play', 'PythonSimpleHTTPServer', 'Rails', 'Tomcat-Docker', 'Tomcat', 'bridge', 'labels'].map((n) => ({ source: `v1.4.13/examples/${n}.json`, app: read(`v1.4.13/examples/${n}.json`) as Json })),
  ...groupApps(read('v1.4.13/examples/Group.json') as Json).map((app) => ({ source: 'v1.4.13/examples/Group.json', app })),
  { source: 'master/docs/articles/examples/requests/app-simple.json', app: read('master/docs/articles/examples/requests/app-simple.json') as Json },
  { source: `${EXAMPLES}app.json`, app: read(`${EXAMPLES}app.json`) as Json },
  { source: `${EXAMPLES}app-check-http-example.json`, app: read(`${EXAMPLES}app-check-http-example.json`) as Json },
  ...(read(`${EXAMPLES}apps_create.json`) as Json[]).map((app) => ({ source: `${EXAMPLES}apps_create.json`, app })),
  ...groupApps(read(`${EXAMPLES}group.json`) as Json).map((app) => ({ source: `${EXAMPLES}group.json`, app })),
  ...((read(`${EXAMPLES}app_list.json`) as Json).apps as Json[]).map((app) => ({ source: `${EXAMPLES}app_list.json`, app: withoutNulls(app) as Json })),
];

/** The apps that cannot run as they are, and the fields the rejection names. */
const REJECTED: Record<string, string[]> = {
  '/bridged-webapp': ['spec.healthChecks[1]'],
  '/foo': ['spec.args', 'spec.ipAddress', 'spec.container.docker.parameters', 'spec.constraints[0][2]', 'spec.env.PASSWORD.secret'],
};

describe('the Marathon example apps', () => {
  test('the fixtures hold the apps this test expects', () => {
    expect(apps.length).toBeGreaterThanOrEqual(19);
  });

  test.each(apps.map(({ source, app }) => [String(app.id), source, app] as const))('%s (%s): every field is mapped, ignored or rejected', (_id, _source, app) => {
    const unknown: string[] = [];
    visitFields(app, (v) => {
      if (!v.mapping) unknown.push(v.path);
    });
    expect(unknown).toEqual([]);
  });

  test.each(apps.map(({ source, app }) => [String(app.id), source, app] as const))('%s (%s) translates, or is rejected naming the field', (id, _source, app) => {
    const spec: DcosServiceSpec = dcosServiceSpecSchema.parse(app);
    const result = translateService(service(spec, objectNameForAppId(id)), { defaultImage: 'debian:12' });
    const expected = REJECTED[resolveAppId(id)];
    if (expected) {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.errors.map((e) => e.path)).toEqual(expect.arrayContaining(expected));
      return;
    }
    if (!result.ok) throw new Error(`${id}: ${JSON.stringify(result.errors)}`);
    const container = result.deployment.spec.template.spec.containers[0]!;
    expect(result.deployment.spec.replicas).toBe(spec.instances ?? 1);
    expect(result.deployment.metadata.annotations?.['dcos.dev/app-id']).toBe(resolveAppId(id));
    expect(container.image).toBe(spec.container?.docker?.image ?? 'debian:12');
    if (spec.cmd) expect(container.command).toEqual(['/bin/sh', '-c', spec.cmd]);
    // Every app with a port gets a Service; $PORT0 names the first port the Service targets.
    const port0 = container.env?.find((e) => e.name === 'PORT0')?.value;
    if (result.service) expect(String(result.service.spec.ports[0]!.targetPort)).toBe(port0);
  });
});
