import type { DcosServiceSpec } from '../resources/dcos-service.ts';
import type { FieldError } from './field-errors.ts';
import { describeValue } from './field-errors.ts';
import { isDns1123Subdomain, isSecretKey } from './kube-names.ts';

/*
 * Marathon `secrets: {local: {source}}` name a secret of the DC/OS secret store by path. Here a source
 * names a Kubernetes Secret in the app's namespace and one of its keys, by one convention
 * (docs/marathon-mapping.md, "Secrets"), so an app runs unchanged once that Secret exists:
 * - the last path segment is the key, the segments before it (joined with ".") the Secret's name:
 *   `/prod/db/password` is key `password` of Secret `prod.db`; `db-creds/password` of `db-creds`;
 * - a source of one segment (`reports-db-password`, `/tls`) is the Secret of that name, and its value
 *   is the key `value` (DEFAULT_SECRET_KEY): `kubectl create secret generic reports-db-password --from-literal=value=...`;
 * - names are lowercased and characters a name cannot hold become "-" (`/Prod/DB_1/pw` -> `prod.db-1`).
 * Pull secrets (container.docker.pullConfig) take the whole Secret and ignore the key.
 */

/** The key that holds the value of a DC/OS secret named by a path of one segment. */
export const DEFAULT_SECRET_KEY = 'value';

export interface SecretRef {
  name: string;
  /** Undefined: the source named no key (one segment); readers of one value use DEFAULT_SECRET_KEY. */
  key?: string;
}

/** A path segment as a DNS-1123 subdomain part. */
function nameSegment(segment: string): string {
  return segment
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
}

export function parseSecretSource(source: string): SecretRef | string {
  const parts = source.replace(/^\//, '').split('/');
  if (parts.some((p) => p === '')) return `expected a secret path like NAME, NAME/KEY or /GROUP/NAME/KEY without empty segments, got ${JSON.stringify(source)}`;
  const key = parts.length > 1 ? parts[parts.length - 1]! : undefined;
  const name = (parts.length > 1 ? parts.slice(0, -1) : parts).map(nameSegment).join('.');
  if (!isDns1123Subdomain(name)) return `expected a path whose segments make a Secret name (letters, digits, '-', '.'), got ${JSON.stringify(source)}`;
  if (key !== undefined && !isSecretKey(key)) return `expected the last segment to be a Secret key (letters, digits, '-', '_', '.'), got ${JSON.stringify(key)}`;
  return key === undefined ? { name } : { name, key };
}

/** The Secret a local secret name (as env and volumes use it) points at. */
export function resolveSecret(spec: DcosServiceSpec, local: unknown, path: string, errors: FieldError[]): SecretRef | undefined {
  if (typeof local !== 'string' || local === '') {
    errors.push({ path, message: `expected the name of an entry of secrets, got ${describeValue(local)}` });
    return undefined;
  }
  // Own entries only: `"secret": "__proto__"` (or "toString") must be an unknown name, not Object.prototype.
  const declared = spec.secrets !== undefined && Object.hasOwn(spec.secrets, local) ? spec.secrets[local] : undefined;
  if (!declared) {
    const names = Object.keys(spec.secrets ?? {});
    errors.push({ path, message: `expected the name of an entry of secrets (${names.length > 0 ? names.join(', ') : 'none declared'}), got ${JSON.stringify(local)}` });
    return undefined;
  }
  const parsed = parseSecretSource(declared.source);
  if (typeof parsed === 'string') {
    errors.push({ path: `spec.secrets.${local}.source`, message: parsed });
    return undefined;
  }
  return parsed;
}
