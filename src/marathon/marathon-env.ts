import type { DcosServiceSpec } from '../resources/dcos-service.ts';
import type { EnvVar } from './kube-objects.ts';
import type { FieldError } from './field-errors.ts';
import { describeValue } from './field-errors.ts';
import { DEFAULT_SECRET_KEY, resolveSecret } from './marathon-secrets.ts';

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
      env.push({ name, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key ?? DEFAULT_SECRET_KEY } } });
      continue;
    }
    errors.push({ path, message: `expected a string or {"secret": NAME}, got ${describeValue(v)}` });
  }
  return { env, errors };
}

/**
 * The container env: the operator's variables (Marathon's task variables, ports) then the app's own.
 * A name the app sets itself wins, as the app's env did on Marathon; the apiserver refuses a
 * Deployment whose container lists one name twice.
 */
export function mergeEnv(operatorEnv: EnvVar[], appEnv: EnvVar[]): EnvVar[] {
  const own = new Set(appEnv.map((e) => e.name));
  return [...operatorEnv.filter((e) => !own.has(e.name)), ...appEnv];
}
