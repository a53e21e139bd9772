import type { RepositoryIndex } from './universe-index.ts';
import type { UniversePackage } from './universe-package.ts';
import { fail, ok, type Result } from './universe-result.ts';

/** A repository as DcosPackageRepository names it, with what was last read from it. */
export interface NamedRepository {
  name: string;
  priority?: number;
  index: RepositoryIndex;
}

export interface ResolvedPackage {
  repository: NamedRepository;
  pkg: UniversePackage;
}

/** Search order: lower priority first, repositories without one last, ties by name. */
export function orderRepositories(repositories: readonly NamedRepository[]): NamedRepository[] {
  return [...repositories].sort((a, b) => {
    const pa = a.priority ?? Number.POSITIVE_INFINITY;
    const pb = b.priority ?? Number.POSITIVE_INFINITY;
    if (pa !== pb) return pa < pb ? -1 : 1;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
}

function newest(candidates: UniversePackage[]): UniversePackage | undefined {
  return candidates.reduce<UniversePackage | undefined>((best, p) => (!best || p.releaseVersion > best.releaseVersion ? p : best), undefined);
}

/**
 * Finds a package as `dcos package install` did: the first repository (in priority order) that
 * has it wins; within it the requested version, or the highest releaseVersion when none is asked.
 * `pinned` limits the search to one repository.
 */
export function resolvePackage(
  repositories: readonly NamedRepository[],
  packageName: string,
  packageVersion?: string,
  pinned?: string,
): Result<ResolvedPackage> {
  let searched = orderRepositories(repositories);
  if (pinned !== undefined) {
    searched = searched.filter((r) => r.name === pinned);
    if (searched.length === 0) return fail('RepositoryNotFound', `DcosPackageRepository ${JSON.stringify(pinned)} does not exist or has not been read yet`);
  }
  if (searched.length === 0) return fail('PackageNotFound', `package ${JSON.stringify(packageName)} not found: there are no package repositories`);
  const versionsSeen = new Set<string>();
  for (const repository of searched) {
    const named = repository.index.packages.filter((p) => p.name === packageName);
    if (named.length === 0) continue;
    if (packageVersion === undefined) return ok({ repository, pkg: newest(named)! });
    const match = newest(named.filter((p) => p.version === packageVersion));
    if (match) return ok({ repository, pkg: match });
    for (const p of named) versionsSeen.add(p.version);
  }
  const where = searched.map((r) => r.name).join(', ');
  if (versionsSeen.size > 0) {
    return fail('VersionNotFound', `package ${JSON.stringify(packageName)} has no version ${JSON.stringify(packageVersion)} in ${where}; available: ${[...versionsSeen].join(', ')}`);
  }
  return fail('PackageNotFound', `package ${JSON.stringify(packageName)} not found in repositories ${where}`);
}
