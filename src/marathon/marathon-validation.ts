import type { DcosServiceSpec } from '../resources/dcos-service.ts';
import type { FieldError, Notice } from './field-errors.ts';
import { MARATHON_FIELDS, visitFields } from './marathon-field-mapping.ts';
import { hasPersistentVolumes } from './marathon-defaults.ts';
import { resolveAppId } from './app-id.ts';

/*
 * Rules of a Marathon app that are not about one Kubernetes object: Marathon's own rules on ids,
 * dependencies and persistent volumes, and the fate of every field (mapped, ignored, refused,
 * unknown). translateService runs them in its one pass.
 */

const ID_SEGMENT = /^(([a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])\.)*([a-z0-9]|[a-z0-9][a-z0-9-]*[a-z0-9])$/;
/** Marathon refuses these as id segments: they are REST sub-resources of /v2/apps/<id>. */
const RESERVED_SEGMENTS = new Set(['restart', 'tasks', 'versions']);

/** Errors of an app id, absolute or relative; `path` names the field. */
export function appIdErrors(id: string, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const segments = id.split('/').filter((s) => s !== '');
  if (segments.length === 0) return [{ path, message: `expected an app id like /group/app, got ${JSON.stringify(id)}` }];
  if (id.endsWith('/')) errors.push({ path, message: `expected an id that does not end with "/", got ${JSON.stringify(id)}` });
  let depth = id.startsWith('/') ? 0 : 1;
  let climbed = false;
  // One error per kind of mistake, naming the first few segments: an id of 60,000 bad segments
  // gave 60,000 errors, more than the webhook could spread into its answer.
  const bad: string[] = [];
  const reserved: string[] = [];
  for (const s of segments) {
    if (s === '..') {
      depth--;
      climbed ||= depth < 0;
    } else if (s !== '.') {
      depth++;
      if (!ID_SEGMENT.test(s)) bad.push(s);
      else if (RESERVED_SEGMENTS.has(s)) reserved.push(s);
    }
  }
  if (climbed) errors.push({ path, message: `expected ".." not to climb above the root group, got ${JSON.stringify(id)}` });
  if (bad.length > 0) errors.push({ path, message: `expected segments of lowercase letters, digits, '-' and '.' (not starting or ending with '-'), got ${someOf(bad)}` });
  if (reserved.length > 0) errors.push({ path, message: `expected a segment other than the reserved ${[...RESERVED_SEGMENTS].join(', ')}, got ${someOf(reserved)}` });
  return errors;
}

/** `"a"`, `"a", "b"`, or `"a", "b", "c" and 7 more`: the first distinct few of many. */
function someOf(values: readonly string[]): string {
  const distinct = [...new Set(values)];
  const shown = distinct.slice(0, 3).map((v) => JSON.stringify(v.length > 64 ? `${v.slice(0, 64)}...` : v));
  return distinct.length > 3 ? `${shown.join(', ')} and ${distinct.length - 3} more` : shown.join(', ');
}

function isEmpty(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length === 0;
  return false;
}

/** The Marathon fields beside `key` (siblings in the table), to suggest for a typo. */
function siblingsOf(parentKey: string | undefined): string[] {
  const prefix = parentKey === undefined ? '' : `${parentKey}.`;
  return Object.keys(MARATHON_FIELDS)
    .filter((k) => k.startsWith(prefix) && !k.slice(prefix.length).includes('.') && !k.slice(prefix.length).includes('['))
    .map((k) => k.slice(prefix.length))
    .filter((k) => k !== '*');
}

/** Edit distance, for "did you mean": small strings only. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

function unknownFieldMessage(name: string, parentKey: string | undefined): string {
  const near = siblingsOf(parentKey).filter((k) => distance(k, name) <= Math.max(1, Math.floor(k.length / 4)));
  const hint = near.length > 0 ? ` (did you mean ${near.map((k) => JSON.stringify(k)).join(' or ')}?)` : '';
  return `ignored: not a Marathon app field this operator knows${hint}; kept as written, as Marathon ignored fields it did not know`;
}

/**
 * What becomes of each field that is set: errors for refused ones, warnings for ignored ones set to
 * something other than Marathon's default, and for fields that are not in the table at all.
 */
export function fieldFates(spec: DcosServiceSpec): { errors: FieldError[]; notices: Notice[] } {
  const errors: FieldError[] = [];
  const notices: Notice[] = [];
  const reported: string[] = [];
  visitFields(spec, ({ path, key, mapping, value, parentKey }) => {
    if (reported.some((r) => path.startsWith(`${r}.`) || path.startsWith(`${r}[`))) return;
    if (key === undefined) {
      reported.push(path);
      notices.push({ path: `spec.${path}`, message: unknownFieldMessage(path.split('.').pop()!.replace(/\[\d+\]$/, ''), parentKey) });
      return;
    }
    if (!mapping || value === undefined || isEmpty(value)) return;
    if (mapping.fate !== 'mapped') reported.push(path);
    if (mapping.fate === 'rejected') errors.push({ path: `spec.${path}`, message: `expected no ${path.split('.').pop()}: ${mapping.what}` });
    else if (mapping.fate === 'ignored' && JSON.stringify(value) !== JSON.stringify(mapping.quietWhen)) notices.push({ path: `spec.${path}`, message: `ignored: ${mapping.what}` });
  });
  return { errors, notices };
}

/** Marathon's own rules on ids, dependencies and persistent volumes, for a defaulted app whose id is `appId`. */
export function marathonAppRules(spec: DcosServiceSpec, appId: string): FieldError[] {
  const errors: FieldError[] = [];
  if (spec.id !== undefined) errors.push(...appIdErrors(spec.id, 'spec.id'));
  (spec.dependencies ?? []).forEach((d, i) => {
    const path = `spec.dependencies[${i}]`;
    const idErrors = appIdErrors(d, path);
    errors.push(...idErrors);
    if (idErrors.length === 0 && resolveAppId(d, appId) === appId) errors.push({ path, message: `expected another app, got the app itself (${appId})` });
  });
  if (hasPersistentVolumes(spec) && (spec.upgradeStrategy?.maximumOverCapacity ?? 0) > 0) {
    errors.push({
      path: 'spec.upgradeStrategy.maximumOverCapacity',
      message: `expected 0 with a persistent volume (a second task cannot mount it), got ${spec.upgradeStrategy?.maximumOverCapacity}`,
    });
  }
  return errors;
}
