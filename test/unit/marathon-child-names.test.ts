import { describe, expect, test } from 'vitest';
import { translateService } from '../../src/marathon/translate-service.ts';
import { dnsLabelName, isDns1035Label, isDns1123Label, isLabelValue } from '../../src/marathon/kube-names.ts';
import { SERVICE_LABEL, SERVICE_NAME_ANNOTATION, serviceNameOf } from '../../src/marathon/operator-labels.ts';
import { projectPod } from '../../src/controllers/pod-projection.ts';
import type { DcosServiceSpec } from '../../src/resources/dcos-service.ts';
import { image, service } from './marathon-builders.ts';

/* A DcosService may be named with dots (`postgres9.5`); its Service and StatefulSet cannot: they take a derived name. */

describe('dnsLabelName', () => {
  test.each([
    ['web', 'web'],
    ['postgres9.5', 'postgres9-5'],
    ['prod.db.pg', 'prod-db-pg'],
    ['9lives', 'svc-9lives'],
    ['1.2', 'svc-1-2'],
  ])('%s -> %s', (name, label) => expect(dnsLabelName(name)).toBe(label));

  test('a long name is cut and keeps a digest, so two long names stay apart; the same name gives the same label', () => {
    const a = `${'a'.repeat(60)}.one`;
    const b = `${'a'.repeat(60)}.two`;
    expect(dnsLabelName(a)).toHaveLength(63);
    expect(isDns1035Label(dnsLabelName(a))).toBe(true);
    expect(dnsLabelName(a)).not.toBe(dnsLabelName(b));
    expect(dnsLabelName(a)).toBe(dnsLabelName(a));
    expect(dnsLabelName('a'.repeat(60), 52)).toHaveLength(52);
  });

  test('whatever a DcosService may be named (a DNS-1123 subdomain), the result is a DNS-1035 label', () => {
    for (const name of ['a', 'a.b', '0', '0-a', 'a-.b', `${'x.'.repeat(120)}y`, 'postgres9.5']) expect(isDns1035Label(dnsLabelName(name)), name).toBe(true);
  });
});

describe('children of a dotted DcosService', () => {
  const ports = { portDefinitions: [{ port: 5432, name: 'pg' }] };

  test('the Service takes the derived name, the Deployment keeps the DcosService name, and a warning names metadata.name', () => {
    const r = translateService(service({ ...image('postgres:9.5'), ...ports } as DcosServiceSpec, 'postgres9.5'));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.service?.metadata.name).toBe('postgres9-5');
    expect(r.workload.metadata.name).toBe('postgres9.5');
    expect(r.warnings).toContainEqual({ path: 'metadata.name', message: expect.stringMatching(/the Service "postgres9-5"/) });
  });

  test('a StatefulSet (persistent volumes) takes a label name too, and names the Service as its governing Service', () => {
    const spec = { ...image('postgres:9.5'), ...ports, container: { ...image('postgres:9.5').container, volumes: [{ containerPath: 'data', mode: 'RW', persistent: { size: 100 } }] } } as DcosServiceSpec;
    const r = translateService(service(spec, 'postgres9.5'));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.workload.kind).toBe('StatefulSet');
    expect(r.workload.metadata.name).toBe('postgres9-5');
    expect(r.workload.kind === 'StatefulSet' && r.workload.spec.serviceName).toBe('postgres9-5');
    // Its pods are <name>-<ordinal>, their hostnames.
    expect(isDns1123Label(`${r.workload.metadata.name}-0`)).toBe(true);
  });

  test('an app without ports and a plain name: nothing renamed, nothing warned', () => {
    const r = translateService(service({ ...image(), cmd: 'sleep 1' } as DcosServiceSpec, 'web'));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.warnings.filter((w) => w.path === 'metadata.name')).toEqual([]);
  });
});

describe('a DcosService named past 63 characters (a long Marathon group path)', () => {
  const name = 'payments.europe-west.transaction-processing.settlement-batch-worker';

  test('its pods are selected by a shortened label value and carry the whole name, which the caches read back', () => {
    expect(name.length).toBeGreaterThan(63);
    const r = translateService(service({ ...image(), cmd: 'sleep 1', portDefinitions: [{ port: 8080 }] } as DcosServiceSpec, name));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const template = r.workload.spec.template.metadata!;
    const value = template.labels![SERVICE_LABEL]!;
    expect(isLabelValue(value)).toBe(true);
    expect(r.workload.spec.selector.matchLabels).toEqual({ [SERVICE_LABEL]: value });
    expect(r.service?.spec.selector).toEqual({ [SERVICE_LABEL]: value });
    expect(template.annotations![SERVICE_NAME_ANNOTATION]).toBe(name);
    const pod = projectPod({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', labels: template.labels!, annotations: { ...template.annotations!, other: 'dropped' } } });
    expect(serviceNameOf(pod.metadata)).toBe(name);
    expect(pod.metadata.annotations).toEqual({ [SERVICE_NAME_ANNOTATION]: name });
  });

  test('a name that fits keeps its pods exactly as before: the name is the label value, no annotation', () => {
    const r = translateService(service({ ...image(), cmd: 'sleep 1' } as DcosServiceSpec, 'web.api'));
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.workload.spec.template.metadata!.labels![SERVICE_LABEL]).toBe('web.api');
    expect(r.workload.spec.template.metadata!.annotations).not.toHaveProperty(SERVICE_NAME_ANNOTATION);
  });
});
