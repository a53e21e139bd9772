import { describe, expect, test } from 'vitest';
import { parseSecretSource } from '../../src/marathon/marathon-secrets.ts';
import { translateService } from '../../src/marathon/translate-service.ts';
import type { DcosServiceSpec } from '../../src/resources/dcos-service.ts';
import { image, service } from './marathon-builders.ts';

const ok = (spec: DcosServiceSpec) => {
  const r = translateService(service(spec));
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r;
};

describe('DC/OS secret paths onto Kubernetes Secrets (docs/marathon-mapping.md, Secrets)', () => {
  test.each([
    ['reports-db-password', { name: 'reports-db-password' }],
    ['/reports-db-password', { name: 'reports-db-password' }],
    ['db-creds/password', { name: 'db-creds', key: 'password' }],
    ['/prod/db/password', { name: 'prod.db', key: 'password' }],
    ['/Prod/DB_1/pw', { name: 'prod.db-1', key: 'pw' }],
  ])('%s', (source, ref) => {
    expect(parseSecretSource(source)).toEqual(ref);
  });

  test('an env secret whose source names no key reads the key "value": the app runs once that Secret exists', () => {
    const c = ok({ ...image(), env: { PW: { secret: 'pw' }, TOKEN: { secret: 'tok' } }, secrets: { pw: { source: 'reports-db-password' }, tok: { source: '/prod/api/token' } } }).workload.spec.template.spec.containers[0]!;
    expect(c.env).toContainEqual({ name: 'PW', valueFrom: { secretKeyRef: { name: 'reports-db-password', key: 'value' } } });
    expect(c.env).toContainEqual({ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'prod.api', key: 'token' } } });
  });

  test('a secret volume is one file at containerPath, as on DC/OS, also without a key', () => {
    const pod = ok({ container: { docker: { image: 'x' }, volumes: [{ containerPath: '/run/secrets/pw', secret: 'pw' }] }, secrets: { pw: { source: '/reports-db-password' } } }).workload.spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'vol-0', secret: { secretName: 'reports-db-password', items: [{ key: 'value', path: 'value' }] } });
    expect(pod.containers[0]!.volumeMounts).toContainEqual({ name: 'vol-0', mountPath: '/run/secrets/pw', subPath: 'value', readOnly: true });
  });
});

describe('environment', () => {
  test('a variable the app sets itself wins over the operator\'s: PORT appears once, with the app\'s value', () => {
    const env = ok({ ...image(), portDefinitions: [{ port: 8080 }], env: { PORT: '3000', HOST: '0.0.0.0' } }).workload.spec.template.spec.containers[0]!.env!;
    expect(env.filter((e) => e.name === 'PORT')).toEqual([{ name: 'PORT', value: '3000' }]);
    expect(env.filter((e) => e.name === 'HOST')).toEqual([{ name: 'HOST', value: '0.0.0.0' }]);
    expect(env).toContainEqual({ name: 'PORT0', value: '8080' });
    expect(new Set(env.map((e) => e.name)).size).toBe(env.length);
  });
});
