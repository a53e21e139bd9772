import type { FieldError } from './field-errors.ts';
import { isLabelValue, isQualifiedName } from './kube-names.ts';
import { OPERATOR_PREFIX, OVERFLOW_LABELS_ANNOTATION } from './operator-labels.ts';

/*
 * Marathon labels are free text (HAPROXY_0_VHOST, notes with spaces). Those that are valid Kubernetes
 * labels become labels (selectable with -l); the rest become annotations under the same key, and keys
 * that are not even valid annotation keys are kept together in one JSON annotation.
 */

export function splitMarathonLabels(labels: Record<string, string> | undefined): {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  errors: FieldError[];
} {
  const out = { labels: {} as Record<string, string>, annotations: {} as Record<string, string>, errors: [] as FieldError[] };
  const overflow: Record<string, string> = {};
  for (const [key, value] of Object.entries(labels ?? {})) {
    if (key.startsWith(OPERATOR_PREFIX)) {
      out.errors.push({ path: `spec.labels.${key}`, message: `expected a key outside ${OPERATOR_PREFIX} (the operator's own labels select the app's pods)` });
    } else if (isQualifiedName(key) && isLabelValue(value)) {
      out.labels[key] = value;
    } else if (isQualifiedName(key)) {
      out.annotations[key] = value;
    } else {
      overflow[key] = value;
    }
  }
  if (Object.keys(overflow).length > 0) out.annotations[OVERFLOW_LABELS_ANNOTATION] = JSON.stringify(overflow);
  return out;
}
