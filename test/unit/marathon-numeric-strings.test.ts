import { describe, expect, test } from 'vitest';
import { translateService } from '../../src/marathon/translate-service.ts';
import { numbersFromStrings } from '../../src/marathon/marathon-numeric-strings.ts';
import { crdFor } from '../../src/resources/crd.ts';
import { dcosServiceKind, type DcosServiceSpec } from '../../src/resources/dcos-service.ts';
import { numberInString } from '../../src/resources/marathon-json.ts';
import { kindValidators } from '../../src/webhooks/kind-validators.ts';
import { serviceDefaults } from '../../src/webhooks/service-defaulting.ts';
import { image, service } from './marathon-builders.ts';

/* Numbers written as strings, as Marathon 0.x (Jackson) read them: accepted, stored as numbers, warned about. */

const judge = (spec: Record<string, unknown>) => kindValidators({}, { defaultImage: 'debian:12-slim' }).get('DcosService')!.judge({ metadata: { name: 'web', namespace: 'ns' }, spec });
const asWritten = { ...image('redis'), id: 'redis', instances: '2', cpus: '0.1', mem: '512', disk: ' 64 ', gpus: '0' };

describe('numberInString reads what Jackson read', () => {
  test.each([
    ['0.1', false, 0.1],
    ['512', false, 512],
    [' 64 ', false, 64],
    ['1e2', false, 100],
    ['.5', false, 0.5],
    ['1', true, 1],
    ['+3', true, 3],
  ])('%j (integer %s) is %d', (text, integer, n) => expect(numberInString(text, integer)).toBe(n));

  test.each([['', false], ['one', false], ['0x10', false], ['1.5', true], ['Infinity', false], ['1,5', false]])('%j (integer %s) is no number', (text, integer) => {
    expect(numberInString(text, integer)).toBeUndefined();
  });
});

describe('an app with string numbers', () => {
  test('admission admits it, warning about each field it reads as a number', async () => {
    const verdict = await judge(asWritten);
    expect(verdict.problems).toEqual([]);
    expect(verdict.warnings.map((w) => w.path)).toEqual(expect.arrayContaining(['spec.instances', 'spec.cpus', 'spec.mem', 'spec.disk', 'spec.gpus']));
    expect(verdict.warnings.find((w) => w.path === 'spec.cpus')!.message).toMatch(/"0\.1" is read as the number 0\.1/);
  });

  test('the defaulting webhook stores the numbers and says so', () => {
    const { patch, warnings } = serviceDefaults({ spec: asWritten });
    const stored = (patch[0] as { value: DcosServiceSpec }).value;
    expect(stored).toMatchObject({ instances: 2, cpus: 0.1, mem: 512, disk: 64, gpus: 0 });
    expect(warnings.filter((w) => w.startsWith('spec.mem: '))).toHaveLength(1);
  });

  test('the translation runs the numbers (an object stored without the webhook)', () => {
    const r = translateService(service(asWritten as unknown as DcosServiceSpec), { defaultImage: 'debian:12-slim' });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.workload.spec.replicas).toBe(2);
    expect(r.workload.spec.template.spec.containers[0]!.resources?.requests).toMatchObject({ cpu: '100m', memory: '512Mi' });
  });

  test('numbers stay as they are, and nothing is warned', () => {
    const spec = { cpus: 1, mem: 128, instances: 1 };
    expect(numbersFromStrings(spec)).toEqual({ spec, notices: [] });
  });
});

describe('what Marathon 0.x refused too is refused, naming the field', () => {
  test.each([
    [{ cpus: 'lots' }, 'spec.cpus', /expected a number \(or a string holding one\), got the string "lots"/],
    [{ instances: '1.5' }, 'spec.instances', /expected an integer/],
    [{ instances: '-1' }, 'spec.instances', />=0/],
    [{ cpus: '0' }, 'spec.cpus', />=0\.001/],
    [{ mem: true }, 'spec.mem', /got boolean true/],
    [{ mem: { value: 1 } }, 'spec.mem', /got an object/],
  ])('%j', async (fields, path, message) => {
    const verdict = await judge({ ...image(), ...fields });
    const problem = verdict.problems.find((p) => p.path === path);
    expect(problem?.message).toMatch(message);
  });
});

describe('the CRD takes a number or a string for these fields, and still documents them', () => {
  const props = (crdFor(dcosServiceKind) as any).spec.versions[0].schema.openAPIV3Schema.properties.spec.properties;
  test('integers are int-or-string, fractions untyped, all nullable and described', () => {
    expect(props.instances).toMatchObject({ 'x-kubernetes-int-or-string': true, nullable: true });
    expect(props.gpus).toMatchObject({ 'x-kubernetes-int-or-string': true });
    expect(props.cpus).toMatchObject({ 'x-kubernetes-preserve-unknown-fields': true, nullable: true });
    expect(props.cpus.type).toBeUndefined();
    expect(props.cpus.description).toMatch(/CPU shares.*string holding the number/);
    expect(props.mem.description).toMatch(/MiB/);
  });
});

describe('a spec the schema refuses elsewhere', () => {
  test('the defaulting webhook still stores its numeric strings as numbers (the scale subresource reads instances first), and nothing else', () => {
    const { patch, warnings } = serviceDefaults({ spec: { ...image(), instances: '2', cpus: 'lots' } });
    expect(patch).toEqual([{ op: 'replace', path: '/spec/instances', value: 2 }]);
    expect(warnings).toEqual([expect.stringMatching(/^spec\.instances: mapped/)]);
  });
});
