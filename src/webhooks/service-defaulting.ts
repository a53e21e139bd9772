import { applyMarathonDefaults } from '../marathon/index.ts';
import type { DcosServiceSpec } from '../resources/dcos-service.ts';

/**
 * The JSON Patch that fills Marathon's defaults into a DcosService, so `kubectl get -o yaml` shows
 * what will run. Empty when nothing changes (the object is then admitted untouched).
 */
export function serviceDefaultsPatch(obj: { spec?: unknown }): unknown[] {
  if (typeof obj.spec !== 'object' || obj.spec === null || Array.isArray(obj.spec)) return [];
  const defaulted = applyMarathonDefaults(obj.spec as DcosServiceSpec);
  if (JSON.stringify(defaulted) === JSON.stringify(obj.spec)) return [];
  return [{ op: 'replace', path: '/spec', value: defaulted }];
}
