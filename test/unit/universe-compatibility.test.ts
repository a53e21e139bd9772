import { describe, expect, it } from 'vitest';
import { defaultOperatorConfig } from '../../src/operator/operator-config.ts';
import { defaultsFromConfig } from '../../src/universe/package-options.ts';
import { universeCompatibilityFigures, universeCompatibilityRows, universeCompatibilityTable } from '../../src/universe/universe-compatibility.ts';
import { readUniverseTree } from '../../src/universe/universe-tree.ts';
import { corpusPath, describeCorpus } from '../support/corpora.ts';
import { optionsAUserMustGive } from '../support/universe-required-options.ts';
import { testPackage } from './universe-test-packages.ts';

const config = { type: 'object', properties: { svc: { type: 'object', properties: { name: { type: 'string', default: 'app' } } } } };

describe('universeCompatibilityRows', () => {
  it.each([
    ['a plain app installs', testPackage({ template: '{"id": "{{svc.name}}", "cmd": "sleep 1"}', config }), 'installs', '1 service'],
    ['a Mesos scheduler is flagged, with the API it needs', testPackage({ template: '{"id": "k", "cmd": "x", "labels": {"DCOS_COMMONS_API_VERSION": "v1"}}' }), 'framework needing Mesos', 'needs Mesos master'],
    ['a CLI-only package has no service', testPackage({}), 'no service (CLI only)', 'CLI'],
    ['a template that is not JSON is refused with the reason', testPackage({ template: '{"id": ' }), 'refused', 'TemplateNotJson'],
  ])('%s', (_name, pkg, result, detail) => {
    const [row] = universeCompatibilityRows([pkg]);
    expect(row).toMatchObject({ package: 'demo', version: '1.0.0', result });
    expect(row!.detail).toContain(detail);
  });

  it('says which options a user must give, and what happens once given', () => {
    const pkg = testPackage({
      template: '{"id": "a", "cmd": "x"}',
      config: { type: 'object', properties: { eula: { type: 'string', pattern: '^yes$', default: 'no' } } },
    });
    expect(universeCompatibilityRows([pkg])[0]).toMatchObject({ result: 'needs user options', detail: 'eula: must match pattern "^yes$"' });
    expect(universeCompatibilityRows([pkg], { userOptions: () => ({ eula: 'yes' }) })[0]).toMatchObject({
      result: 'needs user options',
      detail: 'eula: must match pattern "^yes$"; once given: installs',
    });
  });

  it('counts each outcome and prints a Markdown table with pipes escaped', () => {
    const rows = universeCompatibilityRows([testPackage({ template: '{"id": "a", "cmd": "echo a|b"}' }), testPackage({})]);
    expect(universeCompatibilityFigures(rows)).toMatchObject({ installs: 1, 'no service (CLI only)': 1, refused: 0 });
    const table = universeCompatibilityTable([{ package: 'p', version: '1', result: 'refused', detail: 'a|b' }]);
    expect(table.split('\n')).toEqual(['| package | version | result | detail |', '|---|---|---|---|', '| p | 1 | refused | a\\|b |']);
  });
});

describeCorpus('universe', 'the Universe section of docs/compatibility.md, on the visible corpus', () => {
  it('gives every package one row, and names a field for every refusal', async () => {
    const tree = await readUniverseTree(corpusPath('universe', 'repo', 'packages'));
    if (!tree.ok) throw new Error(tree.error.message);
    const rows = universeCompatibilityRows(tree.value.packages, {
      defaultImage: defaultOperatorConfig().defaultImage,
      userOptions: (pkg) => optionsAUserMustGive(pkg.config ?? {}, defaultsFromConfig(pkg.config)),
    });
    expect(rows).toHaveLength(tree.value.packages.length);
    const figures = universeCompatibilityFigures(rows);
    expect(Object.values(figures).reduce((a, b) => a + b, 0)).toBe(rows.length);
    expect(figures['no service (CLI only)']).toBe(5);
    expect(figures['framework needing Mesos']).toBeGreaterThanOrEqual(20);
    for (const row of rows.filter((r) => r.result === 'refused')) expect(row.detail, row.package).toMatch(/spec\.[\w.[\]]+: /);
  });
});
