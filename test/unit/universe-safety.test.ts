import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderPackage } from '../../src/universe/package-render.ts';
import type { JsonObject, JsonValue } from '../../src/universe/universe-result.ts';
import { testPackage } from './universe-test-packages.ts';

// The option lands in every kind of place a template puts a string: plain and triple mustaches,
// alone and inside longer strings, in keys' values of nested objects, in arrays, and as a section.
const pkg = testPackage({
  name: 'victim',
  template: `{
  "id": "/victim",
  "cmd": "echo {{svc.text}} && run",
  "instances": {{svc.instances}},
  "env": { "TEXT": "{{svc.text}}", "RAW": "{{{svc.text}}}", "BOTH": "{{svc.text}}{{{svc.text}}}" },
  "args": ["--text", "pre-{{svc.text}}-post"],
  {{#svc.text}}"labels": { "HAS_TEXT": "{{svc.text}}" },{{/svc.text}}
  "container": { "docker": { "image": "{{resource.assets.container.docker.app-image}}" } }
}`,
  config: { type: 'object', properties: { svc: { type: 'object', properties: { text: { type: 'string', default: 'x' }, instances: { type: 'integer', default: 1 } } } } },
  resource: { assets: { container: { docker: { 'app-image': 'busybox:1' } } } },
});

const benign = 'BENIGN-VALUE';

function render(text: string) {
  return renderPackage({ pkg, source: 'test', namespace: 'tenant', options: { svc: { text } } });
}

/** Same shape, and every string equals the benign render's with the benign value swapped for `text`. */
function expectOnlyTheValueChanged(actual: JsonValue, reference: JsonValue, text: string, path = 'spec'): void {
  if (typeof reference === 'string') {
    expect(actual, path).toBe(reference.split(benign).join(text));
    return;
  }
  if (Array.isArray(reference)) {
    expect(Array.isArray(actual), path).toBe(true);
    expect((actual as JsonValue[]).length, path).toBe(reference.length);
    reference.forEach((item, i) => expectOnlyTheValueChanged((actual as JsonValue[])[i]!, item, text, `${path}[${i}]`));
    return;
  }
  if (reference !== null && typeof reference === 'object') {
    expect(Object.keys(actual as JsonObject), path).toEqual(Object.keys(reference));
    for (const [key, item] of Object.entries(reference)) expectOnlyTheValueChanged((actual as JsonObject)[key]!, item, text, `${path}.${key}`);
    return;
  }
  expect(actual, path).toBe(reference);
}

function withoutPackageOptionsLabel(spec: unknown): JsonObject {
  // DCOS_PACKAGE_OPTIONS carries the value in base64; every other field must match exactly.
  const copy = structuredClone(spec) as JsonObject & { labels: JsonObject };
  delete copy.labels.DCOS_PACKAGE_OPTIONS;
  return copy;
}

const reference = render(benign);
if (!reference.ok) throw new Error(reference.error.message);
const referenceSpec = withoutPackageOptionsLabel(reference.value.services[0]!.spec);

describe('hostile option values', () => {
  it.each([
    ['a double quote', '"'],
    ['an attempt to close the string and add a field', '", "user": "root", "x": "'],
    ['braces and brackets', '}]}, {"id": "/other"}, [{'],
    ['a mustache tag', '{{resource}}'],
    ['a triple mustache tag', '{{{resource.assets.container.docker.app-image}}}'],
    ['a section that would close the template', '{{/svc.text}}{{#svc}}'],
    ['newlines and tabs', 'line1\nline2\r\n\tend'],
    ['backslashes', '\\", \\\\ \\u0022 \\'],
    ['unicode and line separators', 'héllo 😀 \u2028\u2029 \u0000 \u001f'],
    ['HTML', '<script>alert("x")</script> &amp; \'single\''],
    ['a guess at the marker for embedded values', '@@dcos-value-00000000-0000-0000-0000-000000000000-0@@'],
    ['a 100 KB string', '"}'.repeat(25_000) + 'x'.repeat(50_000)],
  ])('%s stays inside its own string values', (_name, text) => {
    const result = render(text);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.services).toHaveLength(1);
    const service = result.value.services[0]!;
    expect(service.kind).toBe('DcosService');
    expect(service.metadata).toMatchObject({ name: 'victim', namespace: 'tenant' });
    expectOnlyTheValueChanged(withoutPackageOptionsLabel(service.spec), referenceSpec, text);
    const labels = (service.spec as { labels: Record<string, string> }).labels;
    expect(JSON.parse(Buffer.from(labels.DCOS_PACKAGE_OPTIONS!, 'base64').toString('utf8'))).toEqual({ svc: { text } });
  });

  it('holds for any non-empty string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }), (text) => {
        const result = render(text);
        if (!result.ok) throw new Error(result.error.message);
        expectOnlyTheValueChanged(withoutPackageOptionsLabel(result.value.services[0]!.spec), referenceSpec, text);
      }),
      { numRuns: 300 },
    );
  });

  it('cannot move a service out of the package namespace, nor rename its kind', () => {
    const sneaky = testPackage({
      template: '{"id": "{{svc.name}}", "cmd": "x", "kind": "Deployment", "apiVersion": "apps/v1", "metadata": {"namespace": "kube-system"}}',
      config: { type: 'object', properties: { svc: { type: 'object', properties: { name: { type: 'string', default: 'a' } } } } },
    });
    const result = renderPackage({ pkg: sneaky, source: 'test', namespace: 'tenant', options: { svc: { name: '../../kube-system/evil' } } });
    expect(result.ok && result.value.services.map((s) => [s.apiVersion, s.kind, s.metadata.namespace, s.metadata.name])).toEqual([
      ['dcos.dev/v1alpha1', 'DcosService', 'tenant', 'kube-system-evil'],
    ]);
  });

  it('cannot inject structure through a string placed where the template expects a number', () => {
    const result = render('1, "cmd": "evil"');
    // Still valid options (text is a string); here the string is quoted, so it changes nothing.
    expect(result.ok).toBe(true);
    const loose = testPackage({ template: '{"id": "a", "instances": {{n}}}', config: { type: 'object', properties: { n: { default: 1 } } } });
    const injected = renderPackage({ pkg: loose, source: 'test', namespace: 'tenant', options: { n: '1, "cmd": "evil"' } });
    expect(!injected.ok && injected.error.reason).toBe('TemplateNotJson');
  });
});
