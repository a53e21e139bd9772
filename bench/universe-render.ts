/**
 * Universe packages on paper: every package of a Universe source tree rendered with default options
 * (as `dcos package install` would, options validated against config.json, template rendered,
 * parsed as Marathon apps) and each resulting DcosService translated to its Deployment and Service.
 * Timed per package, twice in one process: cold (the first pass reads each package's config.json
 * into a validator and warms the JIT) and warm. Goal from issue 4: 180 packages in <= 1 s.
 *
 *   node bench/universe-render.ts
 *   DCOS_FIXTURES_DIR=/path/to/fixtures node bench/universe-render.ts   (reads universe/repo/packages/ there)
 *
 * Packages whose config.json demands an option DC/OS made the user give (a licence to accept, a
 * password of N characters) get it filled generically from their own schema, by the same rule as
 * the real-packages tests; no package is named here. Reading the tree from disk is not timed.
 */
import { translateService } from '../src/marathon/index.ts';
import { defaultOperatorConfig } from '../src/operator/operator-config.ts';
import { defaultsFromConfig } from '../src/universe/package-options.ts';
import { renderPackage } from '../src/universe/package-render.ts';
import type { UniversePackage } from '../src/universe/universe-package.ts';
import type { JsonObject } from '../src/universe/universe-result.ts';
import { readUniverseTree } from '../src/universe/universe-tree.ts';
import { optionsAUserMustGive } from '../test/support/universe-required-options.ts';
import { corpusPath } from '../test/support/corpus-location.ts';

const GOAL_PACKAGES = 180;
const GOAL_MS = 1000;
const SLOWEST = 5;
/** As the operator translates: apps that name no image (Mesos containerizer `cmd`s) get its default one. */
const DEFAULT_IMAGE = defaultOperatorConfig().defaultImage;

interface PackageRun {
  name: string;
  ms: number;
  services: number;
  /** Why the package did not render, or which services did not translate. */
  problem?: string;
}

interface Prepared {
  pkg: UniversePackage;
  options: JsonObject | undefined;
}

function renderAndTranslate(p: Prepared, source: string): Omit<PackageRun, 'ms' | 'name'> {
  const rendered = renderPackage({ pkg: p.pkg, source, namespace: 'universe', ...(p.options && { options: p.options }) });
  if (!rendered.ok) return { services: 0, problem: `${rendered.error.reason}: ${rendered.error.message}` };
  const refused: string[] = [];
  for (const service of rendered.value.services) {
    const result = translateService(service, { defaultImage: DEFAULT_IMAGE });
    if (!result.ok) refused.push(`${service.metadata.name} (${result.errors.map((e) => e.path).join(', ')})`);
  }
  return { services: rendered.value.services.length, ...(refused.length > 0 && { problem: `translate refused ${refused.join(' | ')}` }) };
}

function pass(prepared: Prepared[], source: string): { totalMs: number; runs: PackageRun[] } {
  const runs: PackageRun[] = [];
  const started = performance.now();
  for (const p of prepared) {
    const t = performance.now();
    const outcome = renderAndTranslate(p, source);
    runs.push({ name: `${p.pkg.name}@${p.pkg.version}`, ms: performance.now() - t, ...outcome });
  }
  return { totalMs: performance.now() - started, runs };
}

const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(2));

export async function run(): Promise<void> {
  const dir = corpusPath('universe', 'repo', 'packages');
  console.log(`\n== Universe render + translate: every package of ${dir} ==`);
  const readStarted = performance.now();
  const tree = await readUniverseTree(dir);
  if (!tree.ok) throw new Error(tree.error.message);
  const readMs = performance.now() - readStarted;
  const all = tree.value.packages;
  const withTemplate = all.filter((p) => p.marathonTemplate !== undefined);
  if (withTemplate.length === 0) throw new Error(`no package with a marathon.json.mustache under ${dir}`);
  // The options a user would have given (only where the defaults cannot pass config.json): worked
  // out from the schema alone, before timing, as a user writes them before installing.
  const prepared: Prepared[] = withTemplate.map((pkg) => {
    const options = optionsAUserMustGive(pkg.config ?? {}, defaultsFromConfig(pkg.config));
    return { pkg, options: Object.keys(options).length > 0 ? options : undefined };
  });

  const cold = pass(prepared, tree.value.source);
  const warm = pass(prepared, tree.value.source);
  const count = prepared.length;
  const services = cold.runs.reduce((n, r) => n + r.services, 0);
  const problems = cold.runs.filter((r) => r.problem !== undefined);

  console.log(
    `${all.length} package versions read in ${readMs.toFixed(0)} ms (not timed); ${count} have a Marathon template ` +
      `(${all.length - count} ship only a CLI); ${prepared.filter((p) => p.options).length} need options a user must give; ` +
      `${services} DcosServices rendered; tree problems: ${tree.value.problems.length}`,
  );
  // Refusals are the operator's answer for fields Kubernetes cannot run (reasons in docs/marathon-mapping.md); the time still counts.
  if (problems.length > 0) console.log(`${problems.length} packages rendered but a service was refused by translateService (a field with no Kubernetes equivalent):\n  ${problems.map((p) => `${p.name}: ${p.problem}`).join('\n  ')}`);

  const summary = (label: string, r: { totalMs: number; runs: PackageRun[] }) => {
    const sorted = [...r.runs].sort((a, b) => b.ms - a.ms);
    const mean = r.totalMs / count;
    const projected = mean * GOAL_PACKAGES;
    return {
      label,
      row: `| ${label} | ${fmt(r.totalMs)} ms | ${fmt(mean)} ms | ${fmt(sorted[0]!.ms)} ms (${sorted[0]!.name}) | ${projected.toFixed(0)} ms | <= ${GOAL_MS} ms | ${(projected / GOAL_MS).toFixed(2)} |`,
      slowest: sorted.slice(0, SLOWEST).map((x) => `${x.name} ${fmt(x.ms)} ms`).join(', '),
    };
  };
  const rows = [summary('cold (first pass)', cold), summary('warm (second pass)', warm)];
  console.log(`| pass (${count} packages, ${services} services) | total render+translate | per package, mean | per package, max | projected for ${GOAL_PACKAGES} packages | goal | ratio to goal |`);
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r.row);
  for (const r of rows) console.log(`slowest, ${r.label}: ${r.slowest}`);
}

if (import.meta.main) await run();
