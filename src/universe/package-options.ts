export type { OptionProblem } from './options-schema.ts';
import { optionsValidator, type OptionProblem, type OptionsValidator } from './options-schema.ts';
import { fail, isJsonObject, ok, type JsonObject, type Result } from './universe-result.ts';

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

const validators = new WeakMap<JsonObject, OptionsValidator | Error>();

function validatorFor(config: JsonObject): OptionsValidator | Error {
  let validator = validators.get(config);
  if (!validator) {
    validator = optionsValidator(config);
    validators.set(config, validator);
  }
  return validator;
}

const unusable = (error: Error) => fail<never>('InvalidPackage', `the package's config.json is not a usable JSON Schema: ${error.message}`);

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

/** The problems of merged options one by one, for callers that report each field (the admission webhook). */
export function optionProblems(config: JsonObject | undefined, options: JsonObject): Result<OptionProblem[]> {
  if (!config) return ok([]);
  const validate = validatorFor(config);
  if (validate instanceof Error) return unusable(validate);
  try {
    return ok(validate(options));
  } catch (error) {
    // A schema the checks up front let through but the validator cannot follow (an unresolvable $ref).
    return unusable(error instanceof Error ? error : new Error(String(error)));
  }
}

/** Defaults, then the user's options over them, then validation: the options a template sees. */
export function resolveOptions(config: JsonObject | undefined, userOptions: JsonObject = {}): Result<JsonObject> {
  return validateOptions(config, mergeOptions(defaultsFromConfig(config), userOptions));
}
