import type { Notice } from './field-errors.ts';
import { NUMERIC_STRING_FIELDS, numberInString } from '../resources/marathon-json.ts';

/*
 * Numbers written as strings (`"cpus": "0.1"`, `"instances": "1"`). Marathon up to 0.7 read app JSON
 * with Jackson, whose default scalar coercion turns a numeric string into the number; app files of
 * that era say so (the marathon-wild corpus has two). Marathon 0.8+ (Play JSON; the v1.7 JSON Schema
 * and the 1.8+ RAML type them `number`) refused them. The operator accepts what any Marathon ran, so
 * these top-level fields take a number or a string holding one; the defaulting webhook stores the
 * number and warns naming the field. Nested numbers (ports, health check seconds) stay numbers only:
 * no file of any era writes them as strings.
 */

/** `spec` with each numeric string of NUMERIC_STRING_FIELDS turned into its number, and a notice per field. */
export function numbersFromStrings<T extends object>(spec: T): { spec: T; notices: Notice[] } {
  const notices: Notice[] = [];
  let out: Record<string, unknown> | undefined;
  for (const [field, integer] of Object.entries(NUMERIC_STRING_FIELDS)) {
    const value = (spec as Record<string, unknown>)[field];
    if (typeof value !== 'string') continue;
    const n = numberInString(value, integer);
    // Not a number at all: the schema refuses it (naming the field); leave it for that message.
    if (n === undefined) continue;
    out ??= { ...(spec as Record<string, unknown>) };
    out[field] = n;
    notices.push({ path: `spec.${field}`, message: `mapped: the string ${JSON.stringify(value)} is read as the number ${n}, as Marathon 0.x (Jackson) read it; Marathon 0.8+ refused strings here, write ${n}` });
  }
  return { spec: (out ?? spec) as T, notices };
}
