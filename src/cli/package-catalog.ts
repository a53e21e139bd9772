import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { KubeClient, KubeObjectLike } from '../kube/kube-client.ts';
import { API_VERSION } from '../resources/api-group.ts';
import type { DcosPackageRepository } from '../resources/dcos-package-repository.ts';
import type { NamedRepository } from '../universe/package-resolve.ts';
import { orderRepositories } from '../universe/package-resolve.ts';
import { loadRepository } from '../universe/repository-source.ts';
import type { UniversePackage } from '../universe/universe-package.ts';

/** The packages this program ships: the operator's `default` repository points at the same tree. */
const SHIPPED_PACKAGES = fileURLToPath(new URL('../../packages/', import.meta.url));

export type RepositoryObject = DcosPackageRepository & KubeObjectLike;

export interface Catalog {
  repositories: NamedRepository[];
  /** Repositories that could not be read from here, with why. */
  unreadable: string[];
}

/**
 * Reads the cluster's DcosPackageRepositories from this machine, as `dcos package search` asked
 * Cosmos: a URL is fetched, a ConfigMap read through the API. A directory is the operator's path;
 * when it is not on this machine, the `default` repository is read from the packages this program
 * ships (the operator ships the same ones).
 */
export async function loadCatalog(client: KubeClient): Promise<Catalog> {
  const list = await client.list<RepositoryObject>(API_VERSION, 'DcosPackageRepository');
  const repositories: NamedRepository[] = [];
  const unreadable: string[] = [];
  await Promise.all(
    list.items.map(async (repo) => {
      let spec = repo.spec;
      if (spec.directory !== undefined && !existsSync(spec.directory) && repo.metadata.name === 'default') spec = { ...spec, directory: SHIPPED_PACKAGES };
      const index = await loadRepository(spec, {
        timeoutMs: 15_000,
        readConfigMap: async (ref) => {
          const cm = await client.getOrUndefined<KubeObjectLike & { data?: Record<string, string> }>('v1', 'ConfigMap', ref.name, ref.namespace);
          return cm ? (cm.data ?? {}) : undefined;
        },
      });
      if (!index.ok) {
        unreadable.push(`${repo.metadata.name}: ${index.error.message}`);
        return;
      }
      repositories.push({ name: repo.metadata.name, ...(repo.spec.priority !== undefined && { priority: repo.spec.priority }), index: index.value });
    }),
  );
  return { repositories: orderRepositories(repositories), unreadable };
}

/** Every package name the repositories hold, once. */
export function packageNames(catalog: Catalog): string[] {
  return [...new Set(catalog.repositories.flatMap((r) => r.index.packages.map((p) => p.name)))].sort();
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** "did you mean": names that contain what was typed, or are a few edits from it, closest first. */
export function similarNames(wanted: string, names: readonly string[], limit = 3): string[] {
  const scored = names
    .map((name) => ({ name, distance: name.includes(wanted) || wanted.includes(name) ? 0 : editDistance(wanted, name) }))
    .filter((s) => s.distance <= Math.max(2, Math.floor(wanted.length / 3)))
    .sort((a, b) => a.distance - b.distance || (a.name < b.name ? -1 : 1));
  return scored.slice(0, limit).map((s) => s.name);
}

export interface SearchResult {
  name: string;
  currentVersion: string;
  versions: string[];
  repository: string;
  selected: boolean;
  framework: boolean;
  description: string;
  tags: string[];
}

function tagsOf(pkg: UniversePackage): string[] {
  const tags = pkg.definition.tags;
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
}

/**
 * `dcos package search [QUERY]`: one entry per package name, from the first repository (in
 * priority order) that has it, at its newest release; QUERY matches name, description or a tag,
 * case-insensitively, with `*` as a wildcard (as Cosmos searched).
 */
export function searchPackages(catalog: Catalog, query: string | undefined): SearchResult[] {
  const pattern = query ? new RegExp(query.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*'), 'i') : undefined;
  const seen = new Map<string, SearchResult>();
  for (const repo of catalog.repositories) {
    const byName = new Map<string, UniversePackage[]>();
    for (const pkg of repo.index.packages) byName.set(pkg.name, [...(byName.get(pkg.name) ?? []), pkg]);
    for (const [name, versions] of byName) {
      if (seen.has(name)) continue;
      const newest = versions.reduce((best, p) => (p.releaseVersion > best.releaseVersion ? p : best));
      const tags = tagsOf(newest);
      if (pattern && !pattern.test(name) && !pattern.test(newest.description) && !tags.some((t) => pattern.test(t))) continue;
      seen.set(name, {
        name,
        currentVersion: newest.version,
        versions: [...versions].sort((a, b) => b.releaseVersion - a.releaseVersion).map((p) => p.version),
        repository: repo.name,
        selected: newest.definition.selected === true,
        framework: newest.framework,
        description: newest.description,
        tags,
      });
    }
  }
  return [...seen.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}
