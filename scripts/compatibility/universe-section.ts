import { defaultsFromConfig } from '../../src/universe/package-options.ts';
import { universeCompatibilityRows, type UniverseOutcome } from '../../src/universe/universe-compatibility.ts';
import { readUniverseTree } from '../../src/universe/universe-tree.ts';
import { corpusPath } from '../../test/support/corpus-location.ts';
import { optionsAUserMustGive } from '../../test/support/universe-required-options.ts';
import type { Outcome, Row, Section } from './compatibility-report.ts';

/** The Universe's words for what happened, in the report's three outcomes. */
const OUTCOME: Record<UniverseOutcome, Outcome> = {
  installs: 'converged',
  'installs with warnings': 'converged with warnings',
  // It installs and runs; what cannot work without Mesos is said in its status (MesosFrameworkUnsupported).
  'framework needing Mesos': 'converged with warnings',
  'needs user options': 'needs user options',
  'no service (CLI only)': 'no service (CLI only)',
  refused: 'refused',
};

/** Every package version of the universe corpus, installed with default options (and, where DC/OS asked for them, the options a user had to give). */
export async function universeSection(): Promise<Section> {
  const tree = await readUniverseTree(corpusPath('universe', 'repo', 'packages'));
  if (!tree.ok) throw new Error(tree.error.message);
  const rows = universeCompatibilityRows(tree.value.packages, { userOptions: (pkg) => optionsAUserMustGive(pkg.config ?? {}, defaultsFromConfig(pkg.config)) });
  return {
    title: 'Universe packages (universe)',
    intro:
      'Every package version of the universe corpus (read in place), rendered with its default options and judged as admission judges each DcosService it renders. The detail starts with what DC/OS users would call it: installs, installs with warnings, framework needing Mesos (installs; its status says which API it lacks), needs user options (as in DC/OS; what happens once given follows), no service (CLI only), refused.',
    rows: rows.map(
      (r): Row => ({ source: `${r.package}/${r.version}`, subject: r.package, outcome: OUTCOME[r.result], details: [`${r.result}: ${r.detail}`] }),
    ),
  };
}
