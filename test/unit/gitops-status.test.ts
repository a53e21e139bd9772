import { describe, expect, test } from 'vitest';
import { failedStatus, installedStatus, waitingForRepositoriesStatus } from '../../src/controllers/dcos-package-status.ts';
import { readingStatus, repositoryStatus } from '../../src/controllers/dcos-package-repository-status.ts';
import type { CatalogEntry } from '../../src/controllers/repository-catalog.ts';
import type { Condition } from '../../src/resources/conditions.ts';
import type { DcosPackage } from '../../src/resources/dcos-package.ts';
import type { RenderedDcosPackage } from '../../src/universe/package-render.ts';
import type { RepositoryIndex } from '../../src/universe/universe-index.ts';

/*
 * The conditions GitOps tools (Argo CD, Flux, kapp: sigs.k8s.io/cli-utils kstatus) read: Ready False or
 * Unknown means in progress, Stalled True means failed, no Stalled and Ready True means done.
 * test/integration/kstatus.test.ts runs the library itself on the objects; these pin the conditions.
 */

const NOW = '2025-06-01T12:00:00Z';
const shown = (conditions: readonly Condition[] | undefined) => Object.fromEntries((conditions ?? []).map((c) => [c.type, `${c.status}/${c.reason}`]));

function pkg(generation: number, status?: DcosPackage['status']): DcosPackage {
  return { apiVersion: 'dcos.dev/v1alpha1', kind: 'DcosPackage', metadata: { name: 'nginx', namespace: 'shop', generation }, spec: { packageName: 'nginx' }, ...(status ? { status } : {}) } as DcosPackage;
}
const rendered = { resolved: { pkg: { name: 'nginx', version: '1.27.5' }, repository: { name: 'default' } }, services: [] } as unknown as RenderedDcosPackage;
const services = [{ name: 'nginx', appId: '/nginx' }];

describe('DcosPackage', () => {
  test('a package that cannot be installed is Stalled, with the reason and message of the failure', () => {
    const status = failedStatus(pkg(1), { reason: 'PackageNotFound', message: 'package nosuch not found in repositories default' }, [], NOW);
    expect(shown(status.conditions)).toEqual({ Ready: 'False/PackageNotFound', Failed: 'True/PackageNotFound', Stalled: 'True/PackageNotFound' });
    expect(status.conditions?.find((c) => c.type === 'Stalled')?.message).toBe('package nosuch not found in repositories default');
  });

  test('installed again after a failure: Stalled is gone', () => {
    const failed = failedStatus(pkg(1), { reason: 'PackageNotFound', message: 'x' }, [], NOW);
    const status = installedStatus(pkg(2, failed), rendered, services, NOW);
    expect(shown(status.conditions)).toEqual({ Ready: 'True/Installed', Failed: 'False/Installed', MesosFrameworkUnsupported: 'False/PlainApps' });
  });

  test('waiting for the repositories: Ready Unknown, observedGeneration not claimed for the new generation', () => {
    const installed = installedStatus(pkg(1), rendered, services, NOW);
    const status = waitingForRepositoriesStatus(pkg(2, installed), NOW);
    expect(shown(status.conditions)).toEqual({ Ready: 'Unknown/WaitingForRepositories', Failed: 'Unknown/WaitingForRepositories' });
    expect(status).toMatchObject({ observedGeneration: 1, resolvedVersion: '1.27.5', services });
  });

  test('waiting for the repositories of a new package: no observedGeneration at all', () => {
    expect(waitingForRepositoriesStatus(pkg(1), NOW).observedGeneration).toBeUndefined();
  });
});

describe('DcosPackageRepository', () => {
  const index = { source: 'https://example.test/repo.json', packages: [{}, {}], problems: [] } as unknown as RepositoryIndex;

  test.each<[string, CatalogEntry, Record<string, string>]>([
    ['read', { name: 'r', index, syncedAt: NOW }, { Ready: 'True/Synced', Degraded: 'False/AllEntriesValid' }],
    ['never read: Stalled', { name: 'r', error: { reason: 'IndexUnreachable', message: 'GET http://127.0.0.1:9/repo.json: ECONNREFUSED' } }, { Ready: 'False/IndexUnreachable', Stalled: 'True/IndexUnreachable' }],
    [
      'a good copy served, the last read failed: Stalled all the same (the spec does not read)',
      { name: 'r', index, syncedAt: NOW, error: { reason: 'IndexUnreachable', message: 'timeout' } },
      { Ready: 'False/IndexUnreachable', Stalled: 'True/IndexUnreachable', Degraded: 'False/AllEntriesValid' },
    ],
  ])('%s', (_name, entry, expected) => {
    expect(shown(repositoryStatus(entry, 1, undefined, NOW).conditions)).toEqual(expected);
  });

  test('reading a changed spec: Ready Unknown, the old failure no longer Stalled, what it served kept', () => {
    const failed = repositoryStatus({ name: 'r', index, syncedAt: NOW, error: { reason: 'IndexUnreachable', message: 'timeout' } }, 1, undefined, NOW);
    const status = readingStatus(2, failed, NOW);
    expect(shown(status.conditions)).toEqual({ Ready: 'Unknown/Reading' });
    expect(status).toMatchObject({ observedGeneration: 1, packageCount: 2, lastSyncTime: NOW });
  });
});
