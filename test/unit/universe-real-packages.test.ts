// Every upstream package with a Marathon template, rendered with default options, read in place.
// DCOS_FIXTURES_DIR points the same test at another corpus (universe/repo/packages/ a full upstream checkout).
import { expect, it } from 'vitest';
import { dcosServiceSpecSchema } from '../../src/resources/dcos-service.ts';
import { defaultsFromConfig } from '../../src/universe/package-options.ts';
import { renderPackage } from '../../src/universe/package-render.ts';
import { buildRepositoryIndex, parseRepositoryIndex } from '../../src/universe/universe-index.ts';
import type { UniversePackage } from '../../src/universe/universe-package.ts';
import { isJsonObject, type JsonObject, type JsonValue } from '../../src/universe/universe-result.ts';
import { readUniverseTree } from '../../src/universe/universe-tree.ts';
import { upstreamSchema } from './universe-test-packages.ts';
import { corpusPath, corpusPresent, describeCorpus } from '../support/corpora.ts';
import { optionsAUserMustGive } from '../support/universe-required-options.ts';

const treeDir = corpusPath('universe', 'repo', 'packages');

function expectServices(pkg: UniversePackage, options: JsonObject | undefined, source: string) {
  const result = renderPackage({ pkg, source, namespace: 'universe', ...(options && { options }) });
  if (!result.ok) throw new Error(`${pkg.name}: ${result.error.reason}: ${result.error.message}`);
  expect(result.value.services.length, pkg.name).toBeGreaterThanOrEqual(1);
  for (const service of result.value.services) {
    expect(service.kind).toBe('DcosService');
    expect(service.metadata.namespace).toBe('universe');
    expect(typeof service.spec.id === 'string' && service.spec.id.length > 1, `${pkg.name} app id`).toBe(true);
    const parsed = dcosServiceSpecSchema.safeParse(service.spec);
    expect(parsed.success, `${pkg.name}: ${parsed.error?.message}`).toBe(true);
  }
  return result.value.services;
}

const present = corpusPresent('universe');
const tree = present ? await readUniverseTree(treeDir) : { ok: true as const, value: { source: '', packages: [], problems: [] } };
if (!tree.ok) throw new Error(tree.error.message);
const packages = tree.value.packages;
const validateV5 = present ? await upstreamSchema('v5-repo-schema.json') : () => [];
const withTemplate = packages.filter((p) => p.marathonTemplate !== undefined);

describeCorpus('universe', `Universe packages in ${treeDir}`, () => {
  it('are all readable', () => {
    expect(tree.value.problems).toEqual([]);
    expect(withTemplate.length).toBeGreaterThan(0);
  });

  it('each render to DcosServices, with defaults or with the options the package demands', () => {
    const report = { defaults: [] as string[], userOptions: [] as string[] };
    for (const pkg of withTemplate) {
      const withDefaults = renderPackage({ pkg, source: tree.value.source, namespace: 'universe' });
      if (withDefaults.ok) {
        expectServices(pkg, undefined, tree.value.source);
        report.defaults.push(pkg.name);
        continue;
      }
      // Only option validation may stop a package here; a template or app problem is a bug.
      expect(withDefaults.error.reason, `${pkg.name}: ${withDefaults.error.message}`).toBe('OptionsInvalid');
      const options = optionsAUserMustGive(pkg.config ?? {}, defaultsFromConfig(pkg.config));
      expect(Object.keys(options).length, `${pkg.name} needs options but none could be derived: ${withDefaults.error.message}`).toBeGreaterThan(0);
      expectServices(pkg, options, tree.value.source);
      report.userOptions.push(`${pkg.name} (${withDefaults.error.message.replace(/^options invalid for [^:]+: /, '')})`);
    }
    console.info(
      `rendered ${report.defaults.length} of ${withTemplate.length} packages with defaults; ` +
        `${report.userOptions.length} need user options:\n  ${report.userOptions.join('\n  ')}`,
    );
    expect(report.defaults.length + report.userOptions.length).toBe(withTemplate.length);
    expect(report.defaults.length).toBeGreaterThan(report.userOptions.length);
  });

  it('without a Marathon template say there is nothing to run', () => {
    for (const pkg of packages.filter((p) => p.marathonTemplate === undefined)) {
      const result = renderPackage({ pkg, source: tree.value.source, namespace: 'universe' });
      expect(!result.ok && result.error.reason, pkg.name).toBe('NoMarathonTemplate');
    }
  });

  it('read from a v4/v5 repository index built from the tree, render exactly as from the tree', () => {
    const built = buildRepositoryIndex(packages);
    expect(validateV5(built)).toEqual([]);
    const text = JSON.stringify(built);
    const index = parseRepositoryIndex(text, tree.value.source);
    if (!index.ok) throw new Error(index.error.message);
    expect(index.value.problems).toEqual([]);
    expect(index.value.packages.map((p) => `${p.name}@${p.releaseVersion}`)).toEqual(packages.map((p) => `${p.name}@${p.releaseVersion}`));
    for (const [i, pkg] of index.value.packages.entries()) {
      const fromIndex = renderPackage({ pkg, source: index.value.source, namespace: 'universe' });
      const fromTree = renderPackage({ pkg: packages[i]!, source: tree.value.source, namespace: 'universe' });
      expect(fromIndex, pkg.name).toEqual(fromTree);
    }
  });
});
