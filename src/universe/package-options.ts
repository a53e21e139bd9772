import AjvDraft04 from 'ajv-draft-04';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { formatJsonPath } from './json-location.ts';
import { fail, isJsonObject, ok, type JsonObject, type JsonValue, type Result } from './universe-result.ts';

/**
 * Every `properties.*.default` of a config.json, recursively, as Cosmos computed them: a property
 * with a default takes it whole; one without a default but with properties becomes the object of
 * its own defaults (possibly empty); anything else is left out.
 */
export function defaultsFromConfig(config: JsonObject | undefined): JsonObject {
  const out: JsonObject = {};
  const properties = config?.properties;
  if (!isJsonObject(properties)) return out;
  for (const [name, property] of Object.entries(properties)) {
    if (!isJsonObject(property)) continue;
    if (property.default !== undefined) out[name] = structuredClone(property.default);
    else if (property.properties !== undefined) out[name] = defaultsFromConfig(property);
  }
  return out;
}

/** Deep merge as Cosmos did: objects merge key by key, any other value (arrays too) replaces. */
export function mergeOptions(base: JsonObject, overrides: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = out[key];
    out[key] = isJsonObject(current) && isJsonObject(value) ? mergeOptions(current, value) : value;
  }
  return out;
}

// ajv-draft-04 is CommonJS: Node's ESM loader hands over module.exports, whose .default is the class.
const ajv = new AjvDraft04.default({
  allErrors: true,
  strict: false,
  // Upstream config.json files use formats (uri, ...) Cosmos never enforced; ignoring them matches it.
  validateFormats: false,
  logger: false,
  code: { optimize: false },
});
const compiled = new WeakMap<JsonObject, ValidateFunction | Error>();

const schemaMaps = ['properties', 'patternProperties', 'definitions', 'dependencies'];
const schemaLists = ['allOf', 'anyOf', 'oneOf', 'items'];
const schemaValues = ['additionalProperties', 'additionalItems', 'items', 'not'];

/**
 * Upstream config.json files use `id` for documentation links and `$schema` with assorted draft
 * URIs; ajv would treat both as schema identifiers (and reject duplicates). Neither means anything
 * for validating options, so they are dropped from every schema node (not from property names).
 */
function withoutIdentifiers(node: JsonValue): JsonValue {
  if (!isJsonObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if ((key === 'id' || key === '$schema') && typeof value === 'string') continue;
    if (schemaMaps.includes(key) && isJsonObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, withoutIdentifiers(sub)]));
    } else if (schemaLists.includes(key) && Array.isArray(value)) {
      out[key] = value.map(withoutIdentifiers);
    } else if (schemaValues.includes(key)) {
      out[key] = withoutIdentifiers(value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

function compile(config: JsonObject): ValidateFunction | Error {
  const cached = compiled.get(config);
  if (cached) return cached;
  let validate: ValidateFunction | Error;
  const schema = withoutIdentifiers(config) as JsonObject;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    validate = error as Error;
  }
  compiled.set(config, validate);
  return validate;
}

function optionPath(error: ErrorObject): string {
  const segments: Array<string | number> = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  if (error.keyword === 'required') segments.push((error.params as { missingProperty: string }).missingProperty);
  if (error.keyword === 'additionalProperties') segments.push((error.params as { additionalProperty: string }).additionalProperty);
  return formatJsonPath(segments) || 'options';
}

function describeError(error: ErrorObject): string {
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not an option of this package';
    case 'enum':
      return `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return error.message ?? error.keyword;
  }
}

/**
 * Validates merged options against the package's config.json (JSON Schema draft-04). Each
 * message names the option path: `service.cpus: must be >= 0.1`.
 */
export function validateOptions(config: JsonObject | undefined, options: JsonObject): Result<JsonObject> {
  const problems = optionProblems(config, options);
  if (!problems.ok) return problems;
  if (problems.value.length === 0) return ok(options);
  return fail('OptionsInvalid', problems.value.map((p) => `${p.path}: ${p.message}`).join('; '));
}

/** An option that breaks config.json: its path (`nginx.cpus`, or `options` for the root) and why. */
export interface OptionProblem {
  path: string;
  message: string;
}

/** The problems of merged options one by one, for callers that report each field (the admission webhook). */
export function optionProblems(config: JsonObject | undefined, options: JsonObject): Result<OptionProblem[]> {
  if (!config) return ok([]);
  const validate = compile(config);
  if (validate instanceof Error) return fail('InvalidPackage', `the package's config.json is not a usable JSON Schema: ${validate.message}`);
  if (validate(options)) return ok([]);
  const seen = new Set<string>();
  const problems: OptionProblem[] = [];
  for (const error of validate.errors ?? []) {
    const problem = { path: optionPath(error), message: describeError(error) };
    const key = `${problem.path}: ${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return ok(problems);
}

/** Defaults, then the user's options over them, then validation: the options a template sees. */
export function resolveOptions(config: JsonObject | undefined, userOptions: JsonObject = {}): Result<JsonObject> {
  return validateOptions(config, mergeOptions(defaultsFromConfig(config), userOptions));
}
