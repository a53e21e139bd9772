import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { MARATHON_FIELDS } from '../../src/marathon/marathon-field-mapping.ts';
import { dcosServiceSpecSchema, dcosServiceStatusSchema } from '../../src/resources/dcos-service.ts';
import { jsonSchemaOf, toStructural } from '../../src/resources/crd.ts';

const doc = readFileSync(new URL('../../docs/marathon-mapping.md', import.meta.url), 'utf8');

describe('docs/marathon-mapping.md', () => {
  test.each(Object.entries(MARATHON_FIELDS))('%s is in the table with its fate', (key, m) => {
    expect(doc).toContain(`| \`${key}\` | ${m.fate} |`);
  });
});

type Node = Record<string, unknown>;
function nodes(schema: unknown, path = '', out: Array<[string, Node]> = []): Array<[string, Node]> {
  if (typeof schema !== 'object' || schema === null) return out;
  const n = schema as Node;
  out.push([path, n]);
  for (const [k, v] of Object.entries((n.properties as Node | undefined) ?? {})) nodes(v, `${path}.${k}`, out);
  if (typeof n.items === 'object') nodes(n.items, `${path}[]`, out);
  if (typeof n.additionalProperties === 'object') nodes(n.additionalProperties, `${path}.*`, out);
  return out;
}

describe('the DcosService schema, as the CRD generator sees it', () => {
  const all = [...nodes(toStructural(jsonSchemaOf(dcosServiceSpecSchema)), 'spec'), ...nodes(toStructural(jsonSchemaOf(dcosServiceStatusSchema)), 'status')];

  test('every property is described (kubectl explain)', () => {
    const missing = all.filter(([path, n]) => !path.endsWith('*') && !path.endsWith('[]') && typeof n.description !== 'string').map(([p]) => p);
    expect(missing).toEqual([]);
  });

  test('is structural: no unions, a type, int-or-string or preserve-unknown-fields on every node, no defaults', () => {
    const typeless = (n: Node) => n.type === undefined && n['x-kubernetes-preserve-unknown-fields'] !== true && n['x-kubernetes-int-or-string'] !== true;
    const bad = all.filter(([, n]) => 'anyOf' in n || 'oneOf' in n || 'default' in n || typeless(n)).map(([p]) => p);
    expect(bad).toEqual([]);
  });
});
