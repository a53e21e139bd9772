import fc from 'fast-check';

type JsonSchema = { [key: string]: unknown };

/**
 * Strings an app definition holds in real life, and ones that break naive code: ids, images,
 * operators, ports, paths, empty, long, unicode. Mixed with random strings for every string field.
 */
const interestingStrings = [
  '', ' ', '/', '//', '.', '..', '/prod/web', 'prod/db/pg', '/a/b/c/d/e/f', 'web', 'Web_Server', '-x-', 'x'.repeat(64), 'a'.repeat(300),
  'nginx:1.27-alpine', 'registry.example.com:5000/team/app@sha256:' + '0'.repeat(64), 'hostname', 'rack', '@hostname', '@region', '@zone',
  'UNIQUE', 'CLUSTER', 'GROUP_BY', 'LIKE', 'UNLIKE', 'MAX_PER', 'IS', 'rack-[1-3]', '.*', '(', '[', '\\', '2', '0', '-1', '1e9',
  'HTTP', 'HTTPS', 'TCP', 'COMMAND', 'MESOS_HTTP', 'MESOS_TCP', 'tcp', 'udp', '$PORT0', '$PORT_HTTP', '$HOST', 'http', 'secret1', 'ns/name/key',
  '/mnt/data', 'data', 'RW', 'RO', 'root', '1000', 'unlimited', 'disabled', 'VIP_0', '/web:80', '10.0.0.1:80', 'héllo 😀', '\u0000', 'line\nbreak',
];

export const interestingString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...interestingStrings) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,14}$/) },
);

function numberArb(schema: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = typeof schema.minimum === 'number' && schema.minimum > -Number.MAX_SAFE_INTEGER ? schema.minimum : undefined;
  const max = typeof schema.maximum === 'number' && schema.maximum < Number.MAX_SAFE_INTEGER ? schema.maximum : undefined;
  const lo = min ?? -1_000_000;
  const hi = max ?? 1_000_000;
  const edges = [lo, hi, 0, 1, 2, 65535, 1e9].filter((n) => n >= lo && n <= hi && (!integer || Number.isInteger(n)));
  const ranged = integer
    ? fc.integer({ min: Math.ceil(Math.max(lo, -(2 ** 31))), max: Math.floor(Math.min(hi, 2 ** 31)) })
    : fc.double({ min: lo, max: hi, noNaN: true, noDefaultInfinity: true });
  return edges.length > 0 ? fc.oneof(ranged, fc.constantFrom(...edges)) : ranged;
}

/** Anything JSON, weighted towards the shapes Marathon's "string or object" fields take. */
export function looseValue(depth = 2): fc.Arbitrary<unknown> {
  return fc.oneof(
    interestingString,
    fc.integer({ min: -10, max: 100_000 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.record({ secret: interestingString }, { requiredKeys: [] }),
    fc.record({ inactiveAfterSeconds: fc.integer({ min: -1, max: 1000 }), expungeAfterSeconds: fc.integer({ min: -1, max: 1000 }) }, { requiredKeys: [] }),
    fc.jsonValue({ maxDepth: depth }),
  );
}

/**
 * Values that satisfy a JSON Schema (as zod's toJSONSchema writes it for our kinds): objects with a
 * random subset of their properties, strings from `interestingString`, numbers in range with their
 * edges, schemaless nodes as `looseValue`. What the apiserver's structural validation lets through.
 */
export function arbitraryFor(schema: JsonSchema, maxItems = 3): fc.Arbitrary<unknown> {
  if (schema['x-kubernetes-preserve-unknown-fields'] === true && schema.type === undefined) return looseValue();
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  switch (schema.type) {
    case 'string': {
      const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
      return min > 0 ? interestingString.filter((s) => s.length >= min) : interestingString;
    }
    case 'integer':
      return numberArb(schema, true);
    case 'number':
      return numberArb(schema, false);
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const items = arbitraryFor((schema.items ?? {}) as JsonSchema, maxItems);
      const minLength = typeof schema.minItems === 'number' ? schema.minItems : 0;
      const maxLength = typeof schema.maxItems === 'number' ? schema.maxItems : Math.max(minLength, maxItems);
      return fc.array(items, { minLength, maxLength });
    }
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      if (Object.keys(properties).length > 0) {
        const required = Array.isArray(schema.required) ? (schema.required as string[]) : [];
        const record = Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, arbitraryFor(s, maxItems)]));
        return fc.record(record, { requiredKeys: required });
      }
      const values = typeof schema.additionalProperties === 'object' && schema.additionalProperties !== null ? arbitraryFor(schema.additionalProperties as JsonSchema, maxItems) : looseValue();
      return fc.dictionary(interestingString, values, { maxKeys: maxItems });
    }
    default:
      return looseValue();
  }
}
