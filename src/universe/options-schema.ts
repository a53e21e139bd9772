import { Validator, type OutputUnit, type Schema } from '@cfworker/json-schema';
import { javaPatternToEcma } from './java-pattern.ts';
import { formatJsonPath } from './json-location.ts';
import { isJsonObject, type JsonObject, type JsonValue } from './universe-result.ts';

/** An option that breaks config.json: its path (`nginx.cpus`, or `options` for the root) and why. */
export interface OptionProblem {
  path: string;
  message: string;
}

/**
 * A package's config.json as a validator of options. An interpreting validator, not a compiling
 * one: each package's schema is used for one install (or a handful of admissions), and compiling
 * a large config.json to code costs more than walking it once (issue 4's render benchmark).
 */
export type OptionsValidator = (options: JsonObject) => OptionProblem[];

const TYPES = new Set(['array', 'boolean', 'integer', 'null', 'number', 'object', 'string']);
const SCHEMA_MAPS = ['properties', 'patternProperties', 'definitions', 'dependencies'];
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'items'];
const SCHEMA_VALUES = ['additionalProperties', 'additionalItems', 'items', 'not'];

class UnusableSchema extends Error {}

/**
 * A copy of a schema node fit for validating options, checked on the way so a broken config.json
 * is reported as such rather than failing on some user's options later:
 * - `id` and `$schema` are dropped: upstream config.json files use `id` for documentation links
 *   and `$schema` with assorted draft URIs; neither means anything for validating options.
 * - `format` is dropped: upstream files use formats (uri, ...) that Cosmos never enforced.
 */
function prepare(node: JsonValue, at: Array<string | number>): JsonValue {
  if (!isJsonObject(node)) return node;
  const where = formatJsonPath(at) || 'the root';
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if ((key === 'id' || key === '$schema' || key === 'format') && typeof value === 'string') continue;
    if (key === 'type') {
      for (const type of Array.isArray(value) ? value : [value]) {
        if (typeof type !== 'string' || !TYPES.has(type)) throw new UnusableSchema(`${where}: type ${JSON.stringify(type)} is not a JSON Schema type`);
      }
    }
    if ((key === 'required' || key === 'enum') && !Array.isArray(value)) throw new UnusableSchema(`${where}: ${key} must be an array`);
    if (key === 'pattern') {
      out[key] = compilePattern(value, where);
    } else if (key === 'patternProperties' && isJsonObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([pattern, sub]) => [compilePattern(pattern, where), prepare(sub, [...at, key, pattern])]));
    } else if (SCHEMA_MAPS.includes(key) && isJsonObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, prepare(sub, [...at, key, name])]));
    } else if (SCHEMA_LISTS.includes(key) && Array.isArray(value)) {
      out[key] = value.map((sub, i) => prepare(sub, [...at, key, i]));
    } else if (SCHEMA_VALUES.includes(key)) {
      out[key] = prepare(value, [...at, key]);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** A pattern as the validator compiles it (`u` mode): Java forms translated (see java-pattern.ts). */
function compilePattern(pattern: unknown, where: string): string {
  if (typeof pattern !== 'string') throw new UnusableSchema(`${where}: pattern ${JSON.stringify(pattern)} is not a string`);
  const ecma = javaPatternToEcma(pattern);
  if (ecma instanceof Error) throw new UnusableSchema(`${where}: pattern ${JSON.stringify(pattern)} is not a regular expression: ${ecma.message}`);
  return ecma.source;
}

/** A JSON pointer (as the validator writes locations: `#/a/b~1c`, URI-encoded) as its segments. */
function pointerSegments(location: string): string[] {
  const pointer = decodeURI(location.replace(/^#/, '')).replaceAll('%23', '#');
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function at(root: unknown, segments: string[]): unknown {
  let node = root;
  for (const s of segments) node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[s] : undefined;
  return node;
}

const own = (o: unknown, key: string) => isJsonObject(o) && Object.hasOwn(o, key);

/** Errors that only say "something below failed": the failure below is reported on its own. */
const WRAPPERS = new Set(['properties', 'patternProperties', 'additionalProperties', 'items', 'additionalItems', 'allOf', '$ref']);

/** Length, item and property counts: one wording, "must NOT have fewer/more than N <things>". */
const COUNT_LIMITS: Record<string, { than: 'fewer' | 'more'; of: string } | undefined> = {
  minLength: { than: 'fewer', of: 'characters' },
  maxLength: { than: 'more', of: 'characters' },
  minItems: { than: 'fewer', of: 'items' },
  maxItems: { than: 'more', of: 'items' },
  minProperties: { than: 'fewer', of: 'properties' },
  maxProperties: { than: 'more', of: 'properties' },
};

/** The problems one validator error stands for, worded as the webhook and status show them. */
function problemsOf(error: OutputUnit, schema: JsonObject, config: JsonObject, options: JsonObject): Array<{ segments: string[]; message: string }> {
  if (WRAPPERS.has(error.keyword)) return [];
  const segments = pointerSegments(error.instanceLocation);
  const instance = at(options, segments);
  const keywordPath = pointerSegments(error.keywordLocation);
  const value = at(schema, keywordPath) as JsonValue | undefined;
  const parent = at(schema, keywordPath.slice(0, -1));
  const one = (message: string) => [{ segments, message }];
  const limit = COUNT_LIMITS[error.keyword];
  if (limit) return one(`must NOT have ${limit.than} than ${String(value)} ${limit.of}`);
  switch (error.keyword) {
    // `additionalProperties: false` fails each unknown property as a `false` schema at its own location.
    case 'false':
      return one('is not an option of this package');
    case 'required':
      return (Array.isArray(value) ? value : [])
        .filter((name): name is string => typeof name === 'string' && !own(instance, name))
        .map((name) => ({ segments: [...segments, name], message: 'is required' }));
    case 'dependencies':
      return Object.entries(isJsonObject(value) ? value : {})
        .filter(([key, needs]) => own(instance, key) && Array.isArray(needs))
        .flatMap(([key, needs]) => (needs as JsonValue[]).filter((n) => typeof n === 'string' && !own(instance, n)).map((n) => ({ segments, message: `must have property ${String(n)} when property ${key} is present` })));
    case 'enum':
      return one(`must be one of ${(Array.isArray(value) ? value : []).map((v) => JSON.stringify(v)).join(', ')}`);
    case 'type':
      return one(`must be ${Array.isArray(value) ? value.join(',') : String(value)}`);
    case 'minimum':
      return one(`must be ${isJsonObject(parent) && parent.exclusiveMinimum === true ? '>' : '>='} ${String(value)}`);
    case 'maximum':
      return one(`must be ${isJsonObject(parent) && parent.exclusiveMaximum === true ? '<' : '<='} ${String(value)}`);
    case 'multipleOf':
      return one(`must be multiple of ${String(value)}`);
    case 'pattern':
      // As the package wrote it, not as translated for JavaScript.
      return one(`must match pattern "${String(at(config, keywordPath) ?? value)}"`);
    case 'uniqueItems':
      return one('must NOT have duplicate items');
    case 'anyOf':
      return one('must match a schema in anyOf');
    case 'oneOf':
      return one('must match exactly one schema in oneOf');
    case 'not':
      return one('must NOT be valid');
    default:
      return one(error.error);
  }
}

const pathOf = (segments: string[]) => formatJsonPath(segments.map((s) => (/^\d+$/.test(s) ? Number(s) : s))) || 'options';

/**
 * config.json (JSON Schema draft-04) as a validator of options, or why it cannot be one. Problems
 * come one per path and message, ordered by path.
 */
export function optionsValidator(config: JsonObject): OptionsValidator | Error {
  let schema: JsonObject;
  let validator: Validator;
  try {
    schema = prepare(config, []) as JsonObject;
    validator = new Validator(schema as Schema, '4', false);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
  return (options) => {
    const result = validator.validate(options);
    if (result.valid) return [];
    const problems = new Map<string, OptionProblem>();
    for (const error of result.errors) {
      for (const { segments, message } of problemsOf(error, schema, config, options)) {
        const problem = { path: pathOf(segments), message };
        problems.set(`${problem.path}: ${message}`, problem);
      }
    }
    return [...problems.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  };
}
