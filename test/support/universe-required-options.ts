import { isJsonObject, type JsonObject, type JsonValue } from '../../src/universe/universe-result.ts';

/**
 * Some packages cannot install with defaults alone (a licence to accept, a password of at least
 * N characters, a required address): in DC/OS the user had to give options. This fills such
 * string options from their own schema (a literal pattern, or enough characters), nothing else.
 */
export function optionsAUserMustGive(schema: JsonValue, defaults: JsonValue): JsonObject {
  const out: JsonObject = {};
  if (!isJsonObject(schema) || !isJsonObject(schema.properties)) return out;
  const required = Array.isArray(schema.required) ? schema.required : [];
  const branches = (Array.isArray(schema.allOf) ? schema.allOf : []).filter(isJsonObject).map((b) => b.properties).filter(isJsonObject);
  for (const [name, own] of Object.entries(schema.properties)) {
    if (!isJsonObject(own)) continue;
    const property: JsonObject = Object.assign({}, own, ...branches.map((b) => (isJsonObject(b[name]) ? b[name] : {})));
    const current = isJsonObject(defaults) ? defaults[name] : undefined;
    if (isJsonObject(property.properties)) {
      const nested = optionsAUserMustGive(property, current ?? {});
      if (Object.keys(nested).length > 0) out[name] = nested;
      continue;
    }
    if (property.type !== 'string') continue;
    const pattern = typeof property.pattern === 'string' ? new RegExp(property.pattern) : undefined;
    const minLength = typeof property.minLength === 'number' ? property.minLength : 0;
    const missing = current === undefined && required.includes(name);
    const unfit = typeof current === 'string' && (current.length < minLength || (pattern !== undefined && !pattern.test(current)));
    if (!missing && !unfit) continue;
    const literal = typeof property.pattern === 'string' ? /^\^([\w-]+)\$$/.exec(property.pattern)?.[1] : undefined;
    out[name] = literal ?? 'a'.repeat(Math.max(minLength, 8));
  }
  return out;
}
