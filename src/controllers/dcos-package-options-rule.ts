import type { ExtraRules } from '../webhooks/kind-validators.ts';
import type { FieldProblem } from '../webhooks/admission-review.ts';
import type { DcosPackageSpec } from '../resources/dcos-package.ts';
import { mergeOptions, defaultsFromConfig, optionProblems } from '../universe/package-options.ts';
import { resolvePackage, type NamedRepository } from '../universe/package-resolve.ts';
import { isJsonObject, type JsonObject } from '../universe/universe-result.ts';
import { RepositoryCatalog } from './repository-catalog.ts';

/** Where the admission rule finds packages: the leader's catalog, or a replica's own loading. */
export type RepositoriesSource = RepositoryCatalog | (() => readonly NamedRepository[] | Promise<readonly NamedRepository[]>);

/**
 * Refuses DcosPackage options that break the package's config.json at admission, each problem
 * named `spec.options.<path>`. A package no repository knows (yet) passes: the controller reports
 * it in the status, where a repository added later can still fix it.
 */
export function packageOptionsRule(source: RepositoriesSource): ExtraRules {
  return async (spec) => {
    const { packageName, packageVersion, repository, options } = spec as DcosPackageSpec;
    const repositories = source instanceof RepositoryCatalog ? source.repositories() : await source();
    const resolved = resolvePackage(repositories, packageName, packageVersion, repository);
    if (!resolved.ok) return [];
    const config = resolved.value.pkg.config;
    const user = JSON.parse(JSON.stringify(options ?? {})) as unknown;
    if (!isJsonObject(user)) return [];
    const problems = optionProblems(config, mergeOptions(defaultsFromConfig(config), user as JsonObject));
    if (!problems.ok) return [];
    return problems.value.map((p): FieldProblem => ({ path: p.path === 'options' ? 'spec.options' : `spec.options.${p.path}`, message: p.message }));
  };
}
