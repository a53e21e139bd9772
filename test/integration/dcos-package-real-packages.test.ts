// Every upstream Universe package with a Marathon template, rendered with default options (or the
// options a user had to give) and offered to the real kube-apiserver as DcosServices (server-side
// dry-run): the CRD schema must take whatever the Universe renders. DCOS_FIXTURES_DIR points it
// at another corpus.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KubeApiError, type KubeObjectLike } from '../../src/kube/kube-client.ts';
import { defaultsFromConfig } from '../../src/universe/package-options.ts';
import { renderPackage } from '../../src/universe/package-render.ts';
import { readUniverseTree } from '../../src/universe/universe-tree.ts';
import { createTestNamespace, ensureCrds, kubeClient } from './support/cluster.ts';
import { optionsAUserMustGive } from '../support/universe-required-options.ts';
import { corpusPath, describeCorpus } from '../support/corpora.ts';

const treeDir = corpusPath('universe', 'repo', 'packages');

describeCorpus('universe', `Universe packages in ${treeDir} on the real apiserver`, () => {
  const client = kubeClient();
  let ns: string;

  beforeAll(async () => {
    await ensureCrds(client);
    ns = await createTestNamespace(client, 'universe');
  });

  afterAll(async () => {
    if (ns) await client.delete('v1', 'Namespace', ns);
  });

  it('each render to DcosServices the apiserver accepts (server-side dry-run)', async () => {
    const tree = await readUniverseTree(treeDir);
    if (!tree.ok) throw new Error(tree.error.message);
    const withTemplate = tree.value.packages.filter((p) => p.marathonTemplate !== undefined);
    expect(withTemplate.length).toBeGreaterThan(0);

    const refused: string[] = [];
    let accepted = 0;
    for (const pkg of withTemplate) {
      const input = { pkg, source: tree.value.source, namespace: ns, owner: { name: pkg.name } };
      let rendered = renderPackage(input);
      if (!rendered.ok && rendered.error.reason === 'OptionsInvalid') {
        rendered = renderPackage({ ...input, options: optionsAUserMustGive(pkg.config ?? {}, defaultsFromConfig(pkg.config)) });
      }
      if (!rendered.ok) {
        refused.push(`${pkg.name}: did not render: ${rendered.error.message}`);
        continue;
      }
      for (const service of rendered.value.services) {
        try {
          await client.create(service as unknown as KubeObjectLike, { dryRun: true });
          accepted++;
        } catch (err) {
          if (!(err instanceof KubeApiError)) throw err;
          refused.push(`${pkg.name} (${service.metadata.name}): ${err.message}`);
        }
      }
    }
    expect(refused).toEqual([]);
    console.info(`the apiserver accepted ${accepted} DcosServices from ${withTemplate.length} packages`);
  });
});
