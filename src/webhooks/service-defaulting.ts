import { applyMarathonDefaults } from '../marathon/index.ts';
import { dcosServiceSpecSchema, type DcosServiceSpec } from '../resources/dcos-service.ts';
import { withoutNulls } from '../resources/marathon-json.ts';

/**
 * The JSON Patch that fills Marathon's defaults into a DcosService, so `kubectl get -o yaml` shows
 * what will run. Nulls (Marathon's "not set", as `GET /v2/apps` printed them) are dropped, so what is
 * stored says each field once; unknown fields are kept as written (validation warns about them). Empty when nothing changes (the object is then admitted untouched), and empty for a
 * spec without the schema's shape: mutation runs before schema validation, so such a spec reaches
 * this webhook, and validation then refuses it naming the field (defaults would only garble it).
 */
export function serviceDefaultsPatch(obj: { spec?: unknown }): unknown[] {
  if (!dcosServiceSpecSchema.safeParse(obj.spec).success) return [];
  const defaulted = applyMarathonDefaults(withoutNulls(obj.spec as DcosServiceSpec));
  if (JSON.stringify(defaulted) === JSON.stringify(obj.spec)) return [];
  return [{ op: 'replace', path: '/spec', value: defaulted }];
}
