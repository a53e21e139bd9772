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

/**
 * The top-level app fields that also take a string holding a number, as Marathon 0.x (Jackson) read
 * them (see src/marathon/marathon-numeric-strings.ts), and whether the number must be an integer.
 */
export const NUMERIC_STRING_FIELDS = { cpus: false, mem: false, disk: false, gpus: true, instances: true } as const;

// Jackson's number syntax: optional sign, digits with an optional fraction, optional exponent.
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** The number a string holds, as Jackson read it (surrounding blanks allowed), or undefined. */
export function numberInString(text: string, integer: boolean): number | undefined {
  const t = text.trim();
  if (integer ? !/^[+-]?\d+$/.test(t) : !DECIMAL.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

function describeScalar(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/**
 * A number field that also takes a string holding one. The CRD cannot say "number or string" for a
 * fraction (x-kubernetes-int-or-string is for integers only, and a structural schema has no
 * unions), so a fraction field is an untyped preserve-unknown-fields node whose description says what
 * it takes; the webhook checks the value with `number`'s own rules.
 */
function numberOrNumericString(number: z.ZodType, integer: boolean, description: string | undefined): z.ZodType {
  const crd = { ...(integer ? { 'x-kubernetes-int-or-string': true } : { 'x-kubernetes-preserve-unknown-fields': true }), nullable: true };
  const checked = z.unknown().superRefine((value, ctx) => {
    if (value === null || value === undefined) return;
    const n = typeof value === 'string' ? numberInString(value, integer) : value;
    if (typeof n !== 'number') {
      ctx.addIssue({ code: 'custom', message: `expected ${integer ? 'an integer' : 'a number'} (or a string holding one), got ${describeScalar(value)}` });
      return;
    }
    const result = number.safeParse(n);
    if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message });
  });
  const text = `${description ?? ''} Also a string holding the number (as Marathon 0.x read it), stored as the number.`.trim();
  return checked.meta(crd).describe(text).optional();
}

/** `schema` (an app object) whose NUMERIC_STRING_FIELDS also take numeric strings; its type is unchanged. */
export function acceptNumericStrings<T extends z.ZodType>(schema: T): T {
  if (!(schema instanceof z.ZodObject)) throw new Error('acceptNumericStrings: expected an object schema');
  const shape = { ...(schema.shape as Record<string, z.ZodType>) };
  for (const [field, integer] of Object.entries(NUMERIC_STRING_FIELDS)) {
    const declared = shape[field];
    if (declared === undefined) throw new Error(`acceptNumericStrings: the app schema has no ${field}`);
    let number: z.ZodType = declared;
    while (number instanceof z.ZodOptional || number instanceof z.ZodNullable) number = number.unwrap() as z.ZodType;
    shape[field] = numberOrNumericString(number, integer, declared.description ?? number.description);
  }
  return withDef(schema, { ...schema._zod.def, shape }) as unknown as T;
}
