import type { DcosServiceSpec } from '../resources/dcos-service.ts';
import type { EnvVar } from './kube-objects.ts';
import type { FieldError } from './field-errors.ts';
import { describeValue } from './field-errors.ts';
import { resolveSecret } from './marathon-secrets.ts';

/** The app's own env: strings as values, `{secret: local}` as secretKeyRef to the Secret its source names. */
export function translateEnv(spec: DcosServiceSpec): { env: EnvVar[]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const env: EnvVar[] = [];
  for (const [name, value] of Object.entries(spec.env ?? {})) {
    const path = `spec.env.${name}`;
    if (name === '' || name.includes('=')) {
      errors.push({ path, message: `expected a variable name without "=", got ${JSON.stringify(name)}` });
      continue;
    }
    if (typeof value === 'string') {
      env.push({ name, value });
      continue;
    }
    const v = value as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && 'secret' in v) {
      const ref = resolveSecret(spec, (v as { secret: unknown }).secret, `${path}.secret`, errors);
      if (!ref) continue;
      if (ref.key === undefined) {
        errors.push({ path: `${path}.secret`, message: `expected the secret's source to name a key (NAME/KEY) for an environment variable, got the whole Secret ${JSON.stringify(ref.name)}` });
        continue;
      }
      env.push({ name, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } });
      continue;
    }
    errors.push({ path, message: `expected a string or {"secret": NAME}, got ${describeValue(v)}` });
  }
  return { env, errors };
}
