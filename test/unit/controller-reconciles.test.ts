import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AllocationLedger } from '../../src/accounting/index.ts';
import { reconcileDcosCluster } from '../../src/controllers/dcos-cluster-controller.ts';
import { reconcileDcosPackage, type DcosPackageReconciler } from '../../src/controllers/dcos-package-controller.ts';
import { reconcileDcosPackageRepository, type DcosPackageRepositoryReconciler } from '../../src/controllers/dcos-package-repository-controller.ts';
import { RepositoryCatalog } from '../../src/controllers/repository-catalog.ts';
import type { KubeObjectLike } from '../../src/kube/kube-client.ts';
import { createLogger } from '../../src/operator/logger.ts';
import type { Condition } from '../../src/resources/conditions.ts';
import type { DcosCluster } from '../../src/resources/dcos-cluster.ts';
import type { DcosPackage } from '../../src/resources/dcos-package.ts';
import type { DcosPackageRepository } from '../../src/resources/dcos-package-repository.ts';
import type { DcosService } from '../../src/resources/dcos-service.ts';
import { cache, FakeEvents, FakeKubeClient } from './support/fake-kube-client.ts';
import { simpleConfig, testIndex, testPackage } from './universe-test-packages.ts';

const log = createLogger('silent');
const NOW = new Date('2026-01-01T00:00:00Z');
type Pkg = DcosPackage & KubeObjectLike;
type Svc = DcosService & KubeObjectLike;
type Repo = DcosPackageRepository & KubeObjectLike;
const ready = (status: { conditions?: Condition[] } | undefined) => status?.conditions?.find((c) => c.type === 'Ready');

describe('reconcileDcosPackage', () => {
  const web = testPackage({ name: 'web', version: '2.1.0', template: '{"id": "/{{svc.name}}", "cmd": "serve", "instances": 1}', config: simpleConfig({ name: 'web' }) });
  const pkg: Pkg = { apiVersion: 'dcos.dev/v1alpha1', kind: 'DcosPackage', metadata: { name: 'web', namespace: 'team-a', uid: 'p1', generation: 2 }, spec: { packageName: 'web' } };
  const ownedService = (status?: DcosService['status']): Svc => ({
    apiVersion: 'dcos.dev/v1alpha1',
    kind: 'DcosService',
    metadata: { name: 'web', namespace: 'team-a', labels: { 'dcos.dev/package': 'web' }, ownerReferences: [{ apiVersion: 'dcos.dev/v1alpha1', kind: 'DcosPackage', name: 'web', uid: 'p1', controller: true }] },
    spec: { id: '/web', cmd: 'serve' },
    ...(status ? { status } : {}),
  });

  function setUp(services: Svc[] = []) {
    const client = new FakeKubeClient();
    const events = new FakeEvents();
    const catalog = new RepositoryCatalog();
    catalog.recordSuccess('main', 1, 0, testIndex([web]), NOW.toISOString());
    const r: DcosPackageReconciler = {
      client: client as unknown as DcosPackageReconciler['client'],
      events,
      packages: cache(pkg),
      services: cache(...services),
      repositories: cache({ apiVersion: 'dcos.dev/v1alpha1', kind: 'DcosPackageRepository', metadata: { name: 'main' }, spec: { url: 'https://repo.example/index.json' } } as Repo),
      catalog,
      log,
      now: () => NOW,
    };
    const status = () => client.lastBody<{ status: DcosPackage['status'] }>('DcosPackage', 'status')?.status;
    return { client, events, status, run: () => reconcileDcosPackage(r, 'team-a/web') };
  }

  it('dry-runs, applies the rendered DcosService and reports the package installed', async () => {
    const t = setUp();
    await t.run();
    expect(t.client.actions()).toEqual(['get DcosService team-a/web', 'apply (dry run) DcosService team-a/web', 'apply DcosService team-a/web', 'apply DcosPackage/status team-a/web']);
    expect(t.status()).toMatchObject({ observedGeneration: 2, resolvedVersion: '2.1.0', repository: 'main' });
    expect(ready(t.status())).toMatchObject({ status: 'True', reason: 'Installed' });
    expect(t.events.reasons()).toEqual(['Installed']);
  });

  it('reports a refused DcosService in status and as a Warning, changing nothing', async () => {
    const t = setUp();
    t.client.refuse('apply', 'DcosService', 403, 'dcosservices.dcos.dev "web" is forbidden: exceeded quota');
    await t.run();
    expect(t.client.actions()).toEqual(['get DcosService team-a/web', 'apply (dry run) DcosService team-a/web', 'apply DcosPackage/status team-a/web']);
    expect(ready(t.status())).toMatchObject({ status: 'False', reason: 'DcosServiceRefused', message: expect.stringMatching(/^the apiserver refused DcosService web: .*exceeded quota/) });
    expect(t.events.reasons('Warning')).toEqual(['DcosServiceRefused']);
  });

  it('is not installed while one of its DcosServices cannot write its own children', async () => {
    const refused: Condition = { type: 'Ready', status: 'False', reason: 'DeploymentRefused', message: 'the apiserver refused Deployment web: exceeded quota', lastTransitionTime: NOW.toISOString() };
    const t = setUp([ownedService({ conditions: [refused] })]);
    await t.run();
    expect(ready(t.status())).toMatchObject({ status: 'False', reason: 'DeploymentRefused', message: expect.stringMatching(/^DcosService web: the apiserver refused Deployment web/) });
    expect(t.events.reasons('Warning')).toEqual(['DeploymentRefused']);
  });
});

describe('reconcileDcosCluster', () => {
  const node = { metadata: { name: 'agent-1' }, status: { allocatable: { cpu: '8', memory: '32Gi', 'ephemeral-storage': '100Gi' }, conditions: [{ type: 'Ready', status: 'True' }] } };

  it('creates the DcosCluster `default` when missing and writes its figures', async () => {
    const client = new FakeKubeClient();
    const ledger = new AllocationLedger();
    ledger.applyNode('ADDED', node);
    await reconcileDcosCluster({ client: client as never, clusters: cache(), ledger, log, now: () => NOW.getTime() });
    expect(client.actions()).toEqual(['create DcosCluster default', 'apply DcosCluster/status default']);
    expect(client.lastBody<{ status: DcosCluster['status'] }>('DcosCluster', 'status')?.status).toMatchObject({ observedGeneration: 1, nodes: { summary: '1/1' } });
  });

  it('writes nothing when no figure it shows changed', async () => {
    const first = new FakeKubeClient();
    const ledger = new AllocationLedger();
    ledger.applyNode('ADDED', node);
    await reconcileDcosCluster({ client: first as never, clusters: cache(), ledger, log, now: () => NOW.getTime() });
    const shown = first.lastBody<{ status: DcosCluster['status'] }>('DcosCluster', 'status')!.status;
    const cluster = { apiVersion: 'dcos.dev/v1alpha1', kind: 'DcosCluster', metadata: { name: 'default', generation: 1 }, spec: {}, status: shown } as DcosCluster & KubeObjectLike;
    const client = new FakeKubeClient();
    await reconcileDcosCluster({ client: client as never, clusters: cache(cluster), ledger, log, now: () => NOW.getTime() + 5_000 });
    expect(client.actions()).toEqual([]);
  });

  it('goes back to the hour-long failure window when spec.taskFailureWindowSeconds is taken out', async () => {
    const ledger = new AllocationLedger();
    ledger.applyNode('ADDED', node);
    const cluster = (spec: DcosCluster['spec']) => ({ apiVersion: 'dcos.dev/v1alpha1', kind: 'DcosCluster', metadata: { name: 'default', generation: 1 }, spec }) as DcosCluster & KubeObjectLike;
    const windowAfter = async (spec: DcosCluster['spec']) => {
      const client = new FakeKubeClient();
      await reconcileDcosCluster({ client: client as never, clusters: cache(cluster(spec)), ledger, log, now: () => NOW.getTime() });
      return client.lastBody<{ status: DcosCluster['status'] }>('DcosCluster', 'status')?.status?.taskFailureRate?.windowSeconds;
    };
    expect(await windowAfter({ taskFailureWindowSeconds: 20 })).toBe(20);
    expect(await windowAfter({})).toBe(3600);
  });
});

describe('reconcileDcosPackageRepository', () => {
  function setUp(spec: DcosPackageRepository['spec']) {
    const client = new FakeKubeClient();
    const events = new FakeEvents();
    const catalog = new RepositoryCatalog();
    const repo = { apiVersion: 'dcos.dev/v1alpha1', kind: 'DcosPackageRepository', metadata: { name: 'main', generation: 1 }, spec } as Repo;
    const r: DcosPackageRepositoryReconciler = { client: client as never, events, repositories: cache(repo), catalog, log, syncIntervalMs: 600_000, retryIntervalMs: 30_000, fetchTimeoutMs: 1_000, now: () => NOW };
    const status = () => client.lastBody<{ status: DcosPackageRepository['status'] }>('DcosPackageRepository', 'status')?.status;
    return { client, events, catalog, status, run: () => reconcileDcosPackageRepository(r, 'main') };
  }

  it('reads a repository into the catalog, reports what it serves and reads it again later', async () => {
    const t = setUp({ directory: fileURLToPath(new URL('../../packages', import.meta.url)) });
    expect(await t.run()).toEqual({ requeueAfterMs: 600_000 });
    // A new generation says Reading first (GitOps tools wait), then what the read found.
    expect(t.client.actions()).toEqual(['apply DcosPackageRepository/status main', 'apply DcosPackageRepository/status main']);
    expect(ready(t.status())).toMatchObject({ status: 'True', reason: 'Synced' });
    expect(t.catalog.get('main')?.index?.packages.length).toBeGreaterThan(0);
    expect(t.events.reasons()).toEqual(['Synced']);
  });

  it('says why a read failed, as a condition and a Warning, and tries again soon', async () => {
    const t = setUp({ configMap: { name: 'index', namespace: 'dcos-system', key: 'repo.json' } });
    expect(await t.run()).toEqual({ requeueAfterMs: 30_000 });
    expect(t.client.actions()).toEqual(['apply DcosPackageRepository/status main', 'get ConfigMap dcos-system/index', 'apply DcosPackageRepository/status main']);
    expect(ready(t.status())).toMatchObject({ status: 'False' });
    expect(t.events.reasons('Warning')).toEqual([ready(t.status())!.reason]);
  });
});
