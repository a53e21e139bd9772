import { expect, test } from 'vitest';
import { dcosServiceSpecSchema, type DcosServiceSpec } from '../../src/resources/dcos-service.ts';
import { translateService } from '../../src/marathon/translate-service.ts';
import { visitFields } from '../../src/marathon/marathon-field-mapping.ts';
import { resolveAppId, objectNameForAppId } from '../../src/marathon/app-id.ts';
import { service } from './marathon-builders.ts';
import { marathonFixtureApps, type Json } from '../support/marathon-fixtures.ts';
import { corpusPresent, describeCorpus } from '../support/corpora.ts';

const apps = corpusPresent('marathon') ? marathonFixtureApps() : [];

/** The apps that cannot run as they are, and the fields the rejection names. */
const REJECTED: Record<string, string[]> = {
  // Marathon refused these too: cmd and args together, and an env secret naming no declared secret.
  // (/bridged-webapp, with two health checks, now runs: one liveness probe, the other as readiness.)
  '/foo': ['spec.args', 'spec.env.PASSWORD.secret'],
};

describeCorpus('marathon', 'the Marathon example apps', () => {
  test('the fixtures hold the apps this test expects', () => {
    expect(apps.length).toBeGreaterThanOrEqual(19);
  });

  test.each(apps.map(({ source, app }) => [String(app.id), source, app] as const))('%s (%s): every field is mapped, ignored or rejected', (_id, _source, app) => {
    const unknown: string[] = [];
    visitFields(app, (v) => {
      if (!v.mapping) unknown.push(v.path);
    });
    expect(unknown).toEqual([]);
  });

  test.each(apps.map(({ source, app }) => [String(app.id), source, app] as const))('%s (%s) translates, or is rejected naming the field', (id, _source, app) => {
    const spec: DcosServiceSpec = dcosServiceSpecSchema.parse(app);
    const result = translateService(service(spec, objectNameForAppId(id)), { defaultImage: 'debian:12' });
    const expected = REJECTED[resolveAppId(id)];
    if (expected) {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.errors.map((e) => e.path)).toEqual(expect.arrayContaining(expected));
      return;
    }
    if (!result.ok) throw new Error(`${id}: ${JSON.stringify(result.errors)}`);
    const container = result.workload.spec.template.spec.containers[0]!;
    expect(result.workload.spec.replicas).toBe(spec.instances ?? 1);
    expect(result.workload.metadata.annotations?.['dcos.dev/app-id']).toBe(resolveAppId(id));
    expect(container.image).toBe(spec.container?.docker?.image ?? 'debian:12');
    if (spec.cmd) expect(container.command).toEqual(['/bin/sh', '-c', spec.cmd]);
    // Every app with a port gets a Service; $PORT0 names the first port the Service targets.
    const port0 = container.env?.find((e) => e.name === 'PORT0')?.value;
    if (result.service) expect(String(result.service.spec.ports[0]!.targetPort)).toBe(port0);
  });
});
