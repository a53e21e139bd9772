import { describe, expect, it } from 'vitest';
import { orderRepositories, resolvePackage, type NamedRepository } from '../../src/universe/package-resolve.ts';
import { testIndex, testPackage } from './universe-test-packages.ts';

const repo = (name: string, priority: number | undefined, versions: Array<[string, string, number]>): NamedRepository => ({
  name,
  ...(priority !== undefined && { priority }),
  index: testIndex(versions.map(([pkgName, version, releaseVersion]) => testPackage({ name: pkgName, version, releaseVersion })), `https://${name}.example`),
});

const repositories = [
  repo('community', 10, [['redis', '9.0.0', 9], ['kafka', '3.0.0', 3]]),
  repo('company', 1, [['redis', '7.0.0', 1], ['redis', '7.2.0', 4], ['redis', '6.0.0', 0]]),
  repo('unranked', undefined, [['zk', '1.0.0', 0]]),
];

describe('resolvePackage', () => {
  it.each([
    ['the newest release of the first repository that has the package', 'redis', undefined, undefined, 'company', '7.2.0'],
    ['a version only a later repository has', 'redis', '9.0.0', undefined, 'community', '9.0.0'],
    ['an older version of the first repository', 'redis', '6.0.0', undefined, 'company', '6.0.0'],
    ['a package only a later repository has', 'kafka', undefined, undefined, 'community', '3.0.0'],
    ['a pinned repository', 'redis', undefined, 'community', 'community', '9.0.0'],
    ['a repository without priority, searched last', 'zk', undefined, undefined, 'unranked', '1.0.0'],
  ])('finds %s', (_name, pkgName, version, pinned, repository, resolvedVersion) => {
    const result = resolvePackage(repositories, pkgName, version, pinned);
    expect(result.ok && [result.value.repository.name, result.value.pkg.version]).toEqual([repository, resolvedVersion]);
  });

  it('prefers the highest releaseVersion when one version was released twice', () => {
    const twice = [repo('r', 0, [['a', '1.0', 2], ['a', '1.0', 5], ['a', '1.0', 3]])];
    const result = resolvePackage(twice, 'a', '1.0');
    expect(result.ok && result.value.pkg.releaseVersion).toBe(5);
  });

  it.each([
    ['an unknown package', 'nope', undefined, undefined, 'PackageNotFound', 'package "nope" not found in repositories company, community, unranked'],
    ['an unknown version', 'redis', '1.0.0', undefined, 'VersionNotFound', 'package "redis" has no version "1.0.0" in company, community, unranked; available: 7.0.0, 7.2.0, 6.0.0, 9.0.0'],
    ['an unknown pinned repository', 'redis', undefined, 'gone', 'RepositoryNotFound', 'DcosPackageRepository "gone" does not exist or has not been read yet'],
    ['a package outside the pinned repository', 'kafka', undefined, 'company', 'PackageNotFound', 'package "kafka" not found in repositories company'],
  ])('explains %s', (_name, pkgName, version, pinned, reason, message) => {
    expect(resolvePackage(repositories, pkgName, version, pinned)).toEqual({ ok: false, error: { reason, message } });
  });

  it('says when there are no repositories at all', () => {
    const result = resolvePackage([], 'redis');
    expect(!result.ok && result.error.message).toContain('there are no package repositories');
  });
});

describe('orderRepositories', () => {
  it('orders by priority, then name, unranked last', () => {
    const order = orderRepositories([repo('b', 5, []), repo('z', undefined, []), repo('a', 5, []), repo('c', -1, []), repo('y', undefined, [])]);
    expect(order.map((r) => r.name)).toEqual(['c', 'a', 'b', 'y', 'z']);
  });
});
