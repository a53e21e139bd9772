import { translateService } from '../marathon/index.ts';
import { dcosServiceSpecSchema } from '../resources/dcos-service.ts';
import { defaultOperatorConfig } from '../operator/operator-config.ts';
import { mesosDependencies, neededApis } from './mesos-dependencies.ts';
import { renderPackage } from './package-render.ts';
import type { UniversePackage } from './universe-package.ts';
import type { JsonObject } from './universe-result.ts';

/**
 * The Universe section of docs/compatibility.md: what happens to each package of a corpus when a
 * user installs it with default options, as the operator would do it (render, admission of each
 * DcosService, translation to Kubernetes objects), with no cluster. Pure apart from the clock-free
 * work it calls; the generator (scripts/) reads the tree and prints the rows.
 */
export type UniverseOutcome =
  | 'installs'
  | 'installs with warnings'
  | 'framework needing Mesos'
  | 'needs user options'
  | 'no service (CLI only)'
  | 'refused';

export interface UniverseCompatibilityRow {
  package: string;
  version: string;
  result: UniverseOutcome;
  /** Why: the warnings, the API a framework needs, the options to give, or the refusal (field: message). */
  detail: string;
}

export interface UniverseCompatibilityOptions {
  /** The image the operator gives apps that name none; the operator's default when left out. */
  defaultImage?: string;
  /**
   * Options a user would give where the defaults alone do not validate (a licence to accept, a
   * password); the package is then reported as `needs user options`, with what happens once given.
   */
  userOptions?: (pkg: UniversePackage) => JsonObject | undefined;
}

const short = (text: string, max = 240) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function installOutcome(pkg: UniversePackage, options: JsonObject | undefined, opts: UniverseCompatibilityOptions): { result: UniverseOutcome; detail: string } {
  const rendered = renderPackage({ pkg, source: 'compatibility', namespace: 'universe', ...(options && { options }) });
  if (!rendered.ok) {
    if (rendered.error.reason === 'NoMarathonTemplate') return { result: 'no service (CLI only)', detail: 'ships only a CLI: there is no service to run' };
    return { result: 'refused', detail: `${rendered.error.reason}: ${short(rendered.error.message)}` };
  }
  const refusals: string[] = [];
  const warnings: string[] = [];
  for (const service of rendered.value.services) {
    // Admission's judgement: the schema, then the one pass of the Marathon core.
    const parsed = dcosServiceSpecSchema.safeParse(service.spec);
    const schemaErrors = parsed.success ? [] : parsed.error.issues.map((i) => ({ path: ['spec', ...i.path.map(String)].join('.'), message: i.message }));
    const translated = translateService(service, { ...(opts.defaultImage && { defaultImage: opts.defaultImage }) });
    const errors = [...schemaErrors, ...translated.errors];
    const seen = new Set<string>();
    for (const e of errors) {
      const line = `${service.metadata.name}: ${e.path}: ${e.message}`;
      if (!seen.has(line)) refusals.push(line);
      seen.add(line);
    }
    for (const n of translated.warnings) warnings.push(`${service.metadata.name}: ${n.path}: ${n.message}`);
  }
  if (refusals.length > 0) return { result: 'refused', detail: short(refusals.join('; '), 600) };
  const needs = mesosDependencies(rendered.value.services.map((s) => s.spec as unknown as JsonObject));
  if (needs.length > 0) {
    return { result: 'framework needing Mesos', detail: `needs ${neededApis(needs)}: ${needs.map((d) => `${d.appId} is ${d.what}`).join('; ')}` };
  }
  if (warnings.length > 0) return { result: 'installs with warnings', detail: short([...new Set(warnings)].join('; '), 600) };
  return { result: 'installs', detail: `${rendered.value.services.length} service${rendered.value.services.length === 1 ? '' : 's'}` };
}

/** One row per package version, in the order given. */
export function universeCompatibilityRows(packages: readonly UniversePackage[], given: UniverseCompatibilityOptions = {}): UniverseCompatibilityRow[] {
  const opts = { ...given, defaultImage: given.defaultImage ?? defaultOperatorConfig().defaultImage };
  return packages.map((pkg) => {
    const row = { package: pkg.name, version: pkg.version };
    const withDefaults = installOutcome(pkg, undefined, opts);
    if (withDefaults.result === 'refused' && withDefaults.detail.startsWith('OptionsInvalid')) {
      const given = opts.userOptions?.(pkg);
      const problems = withDefaults.detail.replace(/^OptionsInvalid: options invalid for [^:]+: /, '');
      if (given === undefined || Object.keys(given).length === 0) return { ...row, result: 'needs user options', detail: problems };
      const then = installOutcome(pkg, given, opts);
      return { ...row, result: 'needs user options', detail: `${problems}; once given: ${then.result}${then.result === 'installs' ? '' : ` (${then.detail})`}` };
    }
    return { ...row, ...withDefaults };
  });
}

/** How many rows of each outcome, in a fixed order (the figures of the section's summary line). */
export function universeCompatibilityFigures(rows: readonly UniverseCompatibilityRow[]): Record<UniverseOutcome, number> {
  const figures: Record<UniverseOutcome, number> = {
    installs: 0,
    'installs with warnings': 0,
    'framework needing Mesos': 0,
    'needs user options': 0,
    'no service (CLI only)': 0,
    refused: 0,
  };
  for (const row of rows) figures[row.result]++;
  return figures;
}

/** The rows as a Markdown table (package, version, result, detail), pipes in text escaped. */
export function universeCompatibilityTable(rows: readonly UniverseCompatibilityRow[]): string {
  const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
  return ['| package | version | result | detail |', '|---|---|---|---|', ...rows.map((r) => `| ${cell(r.package)} | ${cell(r.version)} | ${r.result} | ${cell(r.detail)} |`)].join('\n');
}
