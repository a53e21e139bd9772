import fc from 'fast-check';
import { jsonSchemaOf } from '../../../src/resources/crd.ts';
import { dcosServiceSpecSchema, type DcosService } from '../../../src/resources/dcos-service.ts';
import { MANAGED_BY, MANAGED_BY_LABEL } from '../../../src/marathon/operator-labels.ts';
import { translateService } from '../../../src/marathon/translate-service.ts';
import { arbitraryFor, interestingString } from './json-schema-arbitrary.ts';

/*
 * The Marathon translation as a property: for any DcosService the apiserver could store (its spec
 * passes the CRD's schema, the webhook may be off), translateService returns instead of throwing;
 * a refusal names the field (`spec.…`) and says what is wrong; a translation owns every object it
 * makes, in the DcosService's namespace, and selects its own pods.
 */

const specJsonSchema = jsonSchemaOf(dcosServiceSpecSchema) as { properties: Record<string, Record<string, unknown>> };
const fieldArbs = Object.fromEntries(Object.entries(specJsonSchema.properties).map(([key, schema]) => [key, arbitraryFor(schema)]));

/** An app that runs as written: the starting point most generated apps change a few fields of. */
const baseAppArb = fc.record(
  {
    id: fc.constantFrom('/web', '/prod/web', 'db', '/team-a/api/v2'),
    cmd: fc.constantFrom('nginx -g "daemon off;"', 'python3 -m http.server $PORT0'),
    instances: fc.integer({ min: 0, max: 5 }),
    cpus: fc.constantFrom(0.1, 0.5, 1, 2),
    mem: fc.constantFrom(32, 128, 1024),
    container: fc.record({
      type: fc.constantFrom('DOCKER', 'MESOS'),
      docker: fc.constant({ image: 'nginx:1.27' }),
      portMappings: fc.array(fc.record({ containerPort: fc.integer({ min: 1, max: 65535 }), name: fc.constantFrom('http', 'admin', 'metrics') }), { maxLength: 2 }),
    }),
    networks: fc.constant([{ mode: 'container/bridge' }]),
    labels: fc.dictionary(interestingString, interestingString, { maxKeys: 2 }),
  },
  { requiredKeys: ['cmd', 'container'] },
);

/** A few of the schema's fields, each with any value its schema allows. */
const overridesArb = fc
  .uniqueArray(fc.constantFrom(...Object.keys(fieldArbs)), { maxLength: 4 })
  .chain((keys) => fc.record(Object.fromEntries(keys.map((k) => [k, fieldArbs[k]!]))));

const specArb = fc.oneof(
  { weight: 9, arbitrary: fc.tuple(baseAppArb, overridesArb).map(([base, overrides]) => ({ ...base, ...overrides }) as Record<string, unknown>) },
  // Every field at once, each present or not: almost always refused, but it reaches every rule.
  { weight: 1, arbitrary: arbitraryFor(specJsonSchema) as fc.Arbitrary<Record<string, unknown>> },
);

const nameArb = fc.oneof(fc.constantFrom('web', 'db-0', 'a', 'x'.repeat(63), 'prod.web'), fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/));

export const dcosServiceArb: fc.Arbitrary<DcosService> = fc
  .record({
    name: nameArb,
    namespace: fc.constantFrom('default', 'team-a'),
    spec: specArb,
    restart: fc.option(interestingString, { nil: undefined }),
  })
  .filter(({ spec }) => dcosServiceSpecSchema.safeParse(spec).success)
  .map(({ name, namespace, spec, restart }) => ({
    apiVersion: 'dcos.dev/v1alpha1',
    kind: 'DcosService',
    metadata: { name, namespace, uid: `uid-${name}`, ...(restart !== undefined ? { annotations: { 'dcos.dev/restart': restart } } : {}) },
    spec: spec as DcosService['spec'],
  }));

export const translateOptionsArb = fc.record({ holdForDependencies: fc.boolean(), defaultImage: fc.option(fc.constantFrom('debian:12-slim', 'busybox'), { nil: undefined }) }, { requiredKeys: [] });

/** Counts of what the property saw, for the run's report (a property that only ever refuses proves little). */
export interface TranslationTally {
  translated: number;
  refused: number;
}

function fail(what: string, svc: DcosService): never {
  throw new Error(`${what}\nDcosService spec: ${JSON.stringify(svc.spec).slice(0, 2_000)}`);
}

/** Throws (with the input) when one translation breaks a promise; returns what happened. */
export function checkTranslation(svc: DcosService, opts: Parameters<typeof translateService>[1], tally?: TranslationTally): void {
  let result: ReturnType<typeof translateService>;
  try {
    result = translateService(svc, opts);
  } catch (err) {
    fail(`translateService threw: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`, svc);
  }
  if (!result.ok) {
    if (result.errors.length === 0) fail('refused without saying why', svc);
    for (const e of result.errors) {
      if (!/^spec(\.|\[|$)/.test(e.path)) fail(`refusal does not name a spec field: ${JSON.stringify(e)}`, svc);
      if (typeof e.message !== 'string' || e.message.trim() === '') fail(`refusal of ${e.path} has no message`, svc);
    }
    if (tally) tally.refused++;
    return;
  }
  const { name, namespace, uid } = svc.metadata;
  const objects = [result.workload, ...(result.service ? [result.service] : []), ...(result.persistentVolumeClaims ?? [])];
  for (const o of objects) {
    const what = `${o.kind} ${o.metadata.name}`;
    if (o.metadata.namespace !== namespace) fail(`${what} is in namespace ${o.metadata.namespace}, not ${namespace}`, svc);
    const owners = o.metadata.ownerReferences ?? [];
    if (owners.length !== 1 || owners[0]!.uid !== uid || owners[0]!.kind !== 'DcosService' || owners[0]!.name !== name || owners[0]!.controller !== true) {
      fail(`${what} is not controlled by the DcosService: ${JSON.stringify(owners)}`, svc);
    }
    if (o.metadata.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY) fail(`${what} lacks ${MANAGED_BY_LABEL}=${MANAGED_BY}`, svc);
  }
  const workload = result.workload;
  if (workload.metadata.name !== name) fail(`the ${workload.kind} is named ${workload.metadata.name}, not ${name}`, svc);
  const selector = workload.spec.selector.matchLabels as Record<string, string>;
  const podLabels = (workload.spec.template.metadata?.labels ?? {}) as Record<string, string>;
  for (const [k, v] of Object.entries(selector)) if (podLabels[k] !== v) fail(`the pod template does not carry its selector's ${k}=${v}`, svc);
  if (result.service) {
    for (const [k, v] of Object.entries(result.service.spec.selector ?? {})) if (podLabels[k] !== v) fail(`the Service selects ${k}=${v}, which the pods do not carry`, svc);
  }
  const replicas = workload.spec.replicas;
  // Old Marathon's Jackson took numbers as strings ("instances": "3"): the translation reads them as numbers.
  const expected = opts?.holdForDependencies ? 0 : Number(svc.spec.instances ?? 1);
  if (replicas !== expected) fail(`replicas ${replicas}, expected ${expected}`, svc);
  if (tally) tally.translated++;
}

/** The property, for fc.assert in a test or in the long run of `npm run chaos -- fuzz`. */
export function translationProperty(tally?: TranslationTally) {
  return fc.property(dcosServiceArb, translateOptionsArb, (svc, opts) => checkTranslation(svc, opts, tally));
}
