import type { DcosServiceSpec } from '../resources/dcos-service.ts';
import type { FieldError, Notice } from './field-errors.ts';
import { uniqueErrors } from './field-errors.ts';
import { visitFields } from './marathon-field-mapping.ts';
import { translatePod, type PodOptions } from './marathon-pod.ts';
import { applyMarathonDefaults, hasPersistentVolumes } from './marathon-defaults.ts';
import { resolveAppId } from './app-id.ts';
import { splitMarathonLabels } from './marathon-labels.ts';

/*
 * What the schema cannot say, for the validating webhook: every rule the translation enforces
 * (validation runs the same translation), plus Marathon's own rules on ids and dependencies.
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
  for (const s of segments) {
    if (s === '..') {
      depth--;
      if (depth < 0) errors.push({ path, message: `expected ".." not to climb above the root group, got ${JSON.stringify(id)}` });
    } else if (s !== '.') {
      depth++;
      if (!ID_SEGMENT.test(s)) errors.push({ path, message: `expected segments of lowercase letters, digits, '-' and '.' (not starting or ending with '-'), got ${JSON.stringify(s)}` });
      else if (RESERVED_SEGMENTS.has(s)) errors.push({ path, message: `expected a segment other than the reserved ${[...RESERVED_SEGMENTS].join(', ')}, got ${JSON.stringify(s)}` });
    }
  }
  return errors;
}

function isEmpty(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length === 0;
  return false;
}

/** Rejected fields that are set, and notices for ignored fields set to something other than Marathon's default. */
export function fieldFates(spec: DcosServiceSpec): { errors: FieldError[]; notices: Notice[] } {
  const errors: FieldError[] = [];
  const notices: Notice[] = [];
  const reported: string[] = [];
  visitFields(spec, ({ path, mapping, value }) => {
    if (!mapping || value === undefined || isEmpty(value)) return;
    if (reported.some((r) => path.startsWith(`${r}.`) || path.startsWith(`${r}[`))) return;
    if (mapping.fate !== 'mapped') reported.push(path);
    if (mapping.fate === 'rejected') errors.push({ path: `spec.${path}`, message: `expected no ${path.split('.').pop()}: ${mapping.what}` });
    else if (mapping.fate === 'ignored' && JSON.stringify(value) !== JSON.stringify(mapping.quietWhen)) notices.push({ path: `spec.${path}`, message: `ignored: ${mapping.what}` });
  });
  return { errors, notices };
}

/** The field errors of an app definition (defaults applied first, as Marathon validates). Empty: it translates. */
export function validateMarathonApp(input: DcosServiceSpec, opts: PodOptions & { name?: string } = {}): FieldError[] {
  const spec = applyMarathonDefaults(input);
  const errors: FieldError[] = [];
  const appId = resolveAppId(spec.id ?? opts.name ?? 'app');
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
  errors.push(...fieldFates(spec).errors);
  errors.push(...splitMarathonLabels(spec.labels).errors);
  const pod = translatePod(spec, {
    ...opts,
    appId,
    selector: { 'dcos.dev/service': 'validation' },
    claimMeta: (containerPath) => ({ name: containerPath }),
  });
  errors.push(...pod.errors);
  return uniqueErrors(errors);
}
