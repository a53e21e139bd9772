import { readFileSync } from 'node:fs';
import { resolveAppId } from '../../src/marathon/app-id.ts';
import { corpusPath } from './corpus-location.ts';

/*
 * The real Marathon apps of the marathon corpus (see corpus-location.ts), read in place (never copied into the
 * project): the classic example apps, the apps of the example groups, and the REST API examples
 * that are whole apps, for the unit and the integration tests alike. Ids relative
 * to a group resolve inside it (`service-a` of group `department-a` is `/department-a/service-a`).
 */

const read = (path: string): unknown => JSON.parse(readFileSync(corpusPath('marathon', path), 'utf8'));
const EXAMPLES = 'master/docs/docs/rest-api/public/api/v2/examples/';

export type Json = Record<string, unknown>;

export interface FixtureApp {
  /** The fixture file, relative to the fixtures directory. */
  source: string;
  /** The app definition, ids made absolute as Marathon does for apps of a group. */
  app: Json;
}

/** An id relative to a group (`service-a` in group `/department-a`) made absolute, as Marathon does. */
const inGroup = (id: string, group: string): string => (id.startsWith('/') ? resolveAppId(id) : resolveAppId(`${group}/${id}`));

/** Apps of a group and its subgroups, with ids made absolute. */
function groupApps(group: Json, parent = '/'): Json[] {
  const gid = inGroup(String(group.id ?? ''), parent);
  return [
    ...((group.apps as Json[] | undefined) ?? []).map((a) => ({ ...a, id: inGroup(String(a.id), gid) })),
    ...((group.groups as Json[] | undefined) ?? []).flatMap((g) => groupApps(g, gid)),
  ];
}

/** The apiserver prunes nulls of non-nullable fields before storing; Marathon's responses have them. */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
  return value;
}

export function marathonFixtureApps(): FixtureApp[] {
  return [
    ...['Play', 'PythonSimpleHTTPServer', 'Rails', 'Tomcat-Docker', 'Tomcat', 'bridge', 'labels'].map((n) => ({ source: `v1.4.13/examples/${n}.json`, app: read(`v1.4.13/examples/${n}.json`) as Json })),
    ...groupApps(read('v1.4.13/examples/Group.json') as Json).map((app) => ({ source: 'v1.4.13/examples/Group.json', app })),
    { source: 'master/docs/articles/examples/requests/app-simple.json', app: read('master/docs/articles/examples/requests/app-simple.json') as Json },
    { source: `${EXAMPLES}app.json`, app: read(`${EXAMPLES}app.json`) as Json },
    { source: `${EXAMPLES}app-check-http-example.json`, app: read(`${EXAMPLES}app-check-http-example.json`) as Json },
    ...(read(`${EXAMPLES}apps_create.json`) as Json[]).map((app) => ({ source: `${EXAMPLES}apps_create.json`, app })),
    ...groupApps(read(`${EXAMPLES}group.json`) as Json).map((app) => ({ source: `${EXAMPLES}group.json`, app })),
    ...((read(`${EXAMPLES}app_list.json`) as Json).apps as Json[]).map((app) => ({ source: `${EXAMPLES}app_list.json`, app: withoutNulls(app) as Json })),
  ];
}
