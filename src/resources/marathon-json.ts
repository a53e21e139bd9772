import { z } from 'zod';

/*
 * Marathon's own JSON, as `GET /v2/apps` printed it and as users saved it: `null` for every optional
 * field that is not set (`"cmd": null`, `"container": null`), and fields this operator does not know
 * (obsolete ones, those of other Marathon versions, typos), which Marathon ignored. The app schema is
 * written once, plainly; this derives the schema the CRD and the admission webhook use from it: every
 * optional field also takes null (the CRD says `nullable: true`), and every object keeps unknown
 * fields (the CRD says `x-kubernetes-preserve-unknown-fields: true`, with the known ones still
 * declared for `kubectl explain`). The translation drops the nulls and warns about unknown fields.
 */

/** The same schema object with a new definition, keeping its checks and its description. */
function withDef<T extends z.ZodType>(schema: T, def: Record<string, unknown>): T {
  const copy = schema.clone(def as unknown as T["_zod"]["def"]);
  const meta = z.globalRegistry.get(schema);
  if (meta) z.globalRegistry.add(copy, meta);
  return copy;
}

/** `schema` accepting Marathon's JSON: nulls for optional fields, unknown fields kept. */
export function acceptMarathonJson<T extends z.ZodType>(schema: T): T {
  if (schema instanceof z.ZodOptional) {
    const inner = acceptMarathonJson(schema.unwrap() as z.ZodType);
    return withDef(schema, { ...schema._zod.def, innerType: inner.nullable() }) as unknown as T;
  }
  if (schema instanceof z.ZodNullable) {
    return withDef(schema, { ...schema._zod.def, innerType: acceptMarathonJson(schema.unwrap() as z.ZodType) }) as unknown as T;
  }
  if (schema instanceof z.ZodObject) {
    const shape = Object.fromEntries(Object.entries(schema.shape as Record<string, z.ZodType>).map(([k, v]) => [k, acceptMarathonJson(v)]));
    return withDef(schema, { ...schema._zod.def, shape, catchall: z.unknown() }) as unknown as T;
  }
  if (schema instanceof z.ZodArray) {
    return withDef(schema, { ...schema._zod.def, element: acceptMarathonJson(schema.element as z.ZodType) }) as unknown as T;
  }
  if (schema instanceof z.ZodRecord) {
    return withDef(schema, { ...schema._zod.def, valueType: acceptMarathonJson(schema.valueType as z.ZodType) }) as unknown as T;
  }
  return schema;
}

/** A JSON value with every null member of an object removed: Marathon's "not set". Array items stay. */
export function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutNulls) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (item !== null) out[key] = withoutNulls(item);
  return out as T;
}
