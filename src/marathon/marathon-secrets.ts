import type { DcosServiceSpec } from '../resources/dcos-service.ts';
import type { FieldError } from './field-errors.ts';
import { describeValue } from './field-errors.ts';
import { isDns1123Subdomain, isSecretKey } from './kube-names.ts';

/*
 * Marathon `secrets: {local: {source}}` name a secret of the DC/OS secret store by path. Here a source
 * names a Kubernetes Secret in the app's namespace and one of its keys: `name/key` (a leading `/`, as
 * DC/OS paths had, is accepted). A source without a key means the whole Secret (volumes, pull secrets).
 */

export interface SecretRef {
  name: string;
  key?: string;
}

export function parseSecretSource(source: string): SecretRef | string {
  const parts = source.replace(/^\//, '').split('/');
  const [name, key, ...rest] = parts;
  if (name === undefined || !isDns1123Subdomain(name)) return `expected NAME/KEY with NAME a Secret name (lowercase letters, digits, '-', '.'), got ${JSON.stringify(source)}`;
  if (rest.length > 0) return `expected NAME/KEY (one "/"), got ${JSON.stringify(source)}`;
  if (key !== undefined && !isSecretKey(key)) return `expected KEY to be a Secret key (letters, digits, '-', '_', '.'), got ${JSON.stringify(key)}`;
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
