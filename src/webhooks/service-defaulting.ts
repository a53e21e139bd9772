import { applyMarathonDefaults } from '../marathon/index.ts';
import { numbersFromStrings } from '../marathon/marathon-numeric-strings.ts';
import { dcosServiceSpecSchema, type DcosServiceSpec } from '../resources/dcos-service.ts';
import { withoutNulls } from '../resources/marathon-json.ts';

/** What the defaulting webhook answers: the JSON Patch, and a warning per field it rewrote. */
export interface ServiceDefaults {
  patch: unknown[];
  warnings: string[];
}

/**
 * The JSON Patch that fills Marathon's defaults into a DcosService, so `kubectl get -o yaml` shows
 * what will run. Nulls (Marathon's "not set", as `GET /v2/apps` printed them) are dropped, so what is
 * stored says each field once; numbers written as strings (Marathon 0.x) are stored as numbers, with a
 * warning naming the field (validation then sees the numbers, so this is where the user hears of it);
 * unknown fields are kept as written (validation warns about them). Empty when nothing changes (the
 * object is then admitted untouched), and empty for a spec without the schema's shape: mutation runs
 * before schema validation, so such a spec reaches this webhook, and validation then refuses it
 * naming the field (defaults would only garble it); only its numeric strings become numbers.
 */
export function serviceDefaults(obj: { spec?: unknown }): ServiceDefaults {
  if (typeof obj.spec !== 'object' || obj.spec === null || Array.isArray(obj.spec)) return { patch: [], warnings: [] };
  if (!dcosServiceSpecSchema.safeParse(obj.spec).success) {
    // Still store numbers for numeric strings: the apiserver's scale subresource reads spec.instances
    // as an integer before validation runs, and would otherwise hide the real problem behind its own.
    const { spec, notices } = numbersFromStrings(obj.spec as Record<string, unknown>);
    const patch = notices.map((n) => {
      const field = n.path.slice('spec.'.length);
      return { op: 'replace', path: `/spec/${field}`, value: spec[field] };
    });
    return { patch, warnings: notices.map((n) => `${n.path}: ${n.message}`) };
  }
  const numeric = numbersFromStrings(withoutNulls(obj.spec as DcosServiceSpec));
  const defaulted = applyMarathonDefaults(numeric.spec);
  const warnings = numeric.notices.map((n) => `${n.path}: ${n.message}`);
  if (JSON.stringify(defaulted) === JSON.stringify(obj.spec)) return { patch: [], warnings };
  return { patch: [{ op: 'replace', path: '/spec', value: defaulted }], warnings };
}

/** The JSON Patch of serviceDefaults alone. */
export function serviceDefaultsPatch(obj: { spec?: unknown }): unknown[] {
  return serviceDefaults(obj).patch;
}
