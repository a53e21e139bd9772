import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../src/universe/package-template.ts';
import type { JsonObject } from '../../src/universe/universe-result.ts';

function render(template: string, context: JsonObject) {
  return renderTemplate(template, context);
}

describe('renderTemplate', () => {
  it('does no HTML escaping', () => {
    const result = render('{"cmd": "{{c}}"}', { c: `a && b < c > d ' = &amp;` });
    expect(result).toEqual({ ok: true, value: { cmd: `a && b < c > d ' = &amp;` } });
  });

  it('reads keys with dashes, as resource.json image aliases have', () => {
    const result = render('{"image": "{{resource.assets.container.docker.nginx-docker}}"}', {
      resource: { assets: { container: { docker: { 'nginx-docker': 'nginx:1.27' } } } },
    });
    expect(result.ok && result.value.image).toBe('nginx:1.27');
  });

  it.each([
    ['numbers as JSON numbers', '{"n": {{v}}}', 0.5, 0.5],
    ['booleans as JSON booleans', '{"b": {{v}}}', false, false],
    ['arrays where the template leaves a JSON value', '{"constraints": {{v}}}', [['hostname', 'UNIQUE']], [['hostname', 'UNIQUE']]],
    ['objects where the template leaves a JSON value', '{"env": {{v}}}', { A: '"1"' }, { A: '"1"' }],
    ['strings with quotes inside triple mustaches', '{"p": "{{{v}}}"}', '[["hostname", "MAX_PER", "1"]]', '[["hostname", "MAX_PER", "1"]]'],
  ])('renders %s', (_name, template, value, expected) => {
    const result = render(template, { v: value } as JsonObject);
    expect(result.ok && Object.values(result.value)[0]).toEqual(expected);
  });

  it('drops a missing value and follows sections as mustache does', () => {
    const template = '{"a": "{{missing}}"{{#on}}, "on": true{{/on}}{{^off}}, "off": false{{/off}}}';
    expect(render(template, { on: 'yes', off: '' })).toEqual({ ok: true, value: { a: '', on: true, off: false } });
  });

  it('iterates arrays in sections with escaped items', () => {
    const result = render('{"uris": [{{#uris}}"{{.}}",{{/uris}}"last"]}', { uris: ['a"b', 'c'] });
    expect(result.ok && result.value.uris).toEqual(['a"b', 'c', 'last']);
  });

  it('says on which line the output stopped being JSON', () => {
    const template = '{\n  "id": "x",\n  "instances": {{n}},\n  "cpus": 1\n}';
    const result = render(template, {});
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.reason).toBe('TemplateNotJson');
    expect(!result.ok && result.error.message).toMatch(/^template did not render to JSON at line 3 column \d+: expected a value/);
  });

  it('refuses an array or object option placed inside a JSON string rather than splice it', () => {
    const result = render('{"cmd": "run {{v}}"}', { v: ['a', 'b'] });
    expect(!result.ok && result.error.reason).toBe('TemplateNotJson');
    expect(!result.ok && result.error.message).toContain('<array or object option>');
  });

  it('reports a broken mustache template', () => {
    const result = render('{"a": "{{#open}}"}', {});
    expect(!result.ok && result.error.reason).toBe('TemplateInvalid');
  });

  it('requires one JSON object', () => {
    expect(!render('[1, 2]', {}).ok).toBe(true);
  });
});

describe('renderTemplate: values as Cosmos (mustache.java) wrote them', () => {
  it.each([
    [1, '1'],
    [0.5, '0.5'],
    [3000000000, '3.0E9'],
    [0.0001, '1.0E-4'],
    [12345678.5, '1.23456785E7'],
  ])('the number %s inside a string is %s (an Int in int range, else Double.toString)', (value, text) => {
    const result = renderTemplate('{"arg": "--x={{v}}"}', { v: value });
    expect(result.ok && result.value.arg).toBe(`--x=${text}`);
  });

  it('takes 0 as a true section value, as mustache.java did (mustache.js takes it as false)', () => {
    const result = renderTemplate('{"a": "{{#n}}set {{.}}{{/n}}{{^n}}unset{{/n}}"}', { n: 0 });
    expect(result.ok && result.value.a).toBe('set 0');
  });

  it('does no HTML escaping in {{x}} nor {{{x}}}, and JSON-escapes both', () => {
    const result = renderTemplate('{"a": "{{v}}", "b": "{{{v}}}"}', { v: '<a href="x">&amp;</a>\\' });
    expect(result.ok && result.value).toEqual({ a: '<a href="x">&amp;</a>\\', b: '<a href="x">&amp;</a>\\' });
  });
});
