import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageOptionsRule } from '../../src/controllers/dcos-package-options-rule.ts';
import { pollRepositories } from '../../src/controllers/dcos-package-repository-poller.ts';
import type { RepositoryCatalog } from '../../src/controllers/repository-catalog.ts';
import type { KubeObjectLike } from '../../src/kube/kube-client.ts';
import type { Operator } from '../../src/operator/operator.ts';
import type { DcosPackage } from '../../src/resources/dcos-package.ts';
import type { DcosPackageRepository } from '../../src/resources/dcos-package-repository.ts';
import type { DcosService } from '../../src/resources/dcos-service.ts';
import { createLogger } from '../../src/operator/logger.ts';
import { loopbackServer, shippedPackagesDir, universeIndexJson } from '../support/repository-servers.ts';
import { createTestNamespace, ensureCrds, eventually, kubeClient } from './support/cluster.ts';
import { condition, eventsFor, startPackageOperator } from './support/package-operator.ts';

const API = 'dcos.dev/v1alpha1';
const PATIENCE = 60_000;
type Repo = DcosPackageRepository & KubeObjectLike;
type Pkg = DcosPackage & KubeObjectLike;

/** A Universe server on loopback whose answer a test can change. */
async function indexServer(): Promise<{ url: string; respond: (status: number, body: string) => void; close: () => Promise<void> }> {
  let answer = { status: 404, body: 'not found' };
  const server = await loopbackServer((_req, res) => res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body));
  return { url: server.url('/repo.json'), respond: (status, body) => (answer = { status, body }), close: server.close };
}

describe('DcosPackageRepository: where packages come from', () => {
  const client = kubeClient();
  const suffix = Math.random().toString(16).slice(2, 8);
  const created: string[] = [];
  let ns: string;
  let operator: Operator;
  let catalog: RepositoryCatalog;
  let indexJson: string;

  async function createRepository(name: string, spec: DcosPackageRepository['spec']): Promise<string> {
    const full = `${name}-${suffix}`;
    await client.create({ apiVersion: API, kind: 'DcosPackageRepository', metadata: { name: full }, spec } as Repo);
    created.push(full);
    return full;
  }

  /** Waits until the repository's Ready condition has this status, and returns the repository. */
  function readyIs(name: string, status: 'True' | 'False', message?: RegExp): Promise<Repo> {
    return eventually(async () => {
      const repo = await client.get<Repo>(API, 'DcosPackageRepository', name);
      const ready = condition(repo, 'Ready');
      if (ready?.status !== status || (message && !message.test(ready.message))) throw new Error(`${name}: ${JSON.stringify(repo.status)}`);
      return repo;
    }, PATIENCE);
  }

  async function installed(name: string, spec: DcosPackage['spec']): Promise<Pkg> {
    await client.create({ apiVersion: API, kind: 'DcosPackage', metadata: { name, namespace: ns }, spec } as Pkg);
    return eventually(async () => {
      const pkg = await client.get<Pkg>(API, 'DcosPackage', name, ns);
      if (condition(pkg, 'Ready')?.status !== 'True') throw new Error(`${name}: ${JSON.stringify(pkg.status)}`);
      return pkg;
    }, PATIENCE);
  }

  beforeAll(async () => {
    await ensureCrds(client);
    ns = await createTestNamespace(client, 'dcos-repo');
    ({ operator, catalog } = await startPackageOperator(client, ns));
    // An index built from the packages the project ships, as a Universe server would publish it.
    indexJson = await universeIndexJson(shippedPackagesDir);
  });

  afterAll(async () => {
    await operator?.stop();
    for (const name of created) await client.delete(API, 'DcosPackageRepository', name);
    if (ns) await client.delete('v1', 'Namespace', ns);
  });

  it('has the default repository with the packages the project ships', async () => {
    const repo = await readyIs('default', 'True');
    expect(repo.spec.directory).toMatch(/packages$/);
    expect(repo.status?.packageCount).toBe(3);
    expect(Date.parse(repo.status?.lastSyncTime ?? '')).not.toBeNaN();
    expect(condition(repo, 'Degraded')?.status).toBe('False');
  });

  it('says why an unreachable URL fails, and the operator keeps installing from the others', async () => {
    const server = await indexServer();
    try {
      const notFound = await createRepository('http-404', { url: server.url, priority: 1 });
      const repo = await readyIs(notFound, 'False');
      expect(condition(repo, 'Ready')).toMatchObject({ reason: 'IndexUnreachable', message: `GET ${server.url}: HTTP 404 Not Found` });
      expect(repo.status?.packageCount).toBeUndefined();
      const events = await eventually(async () => {
        const list = await eventsFor(client, 'default', 'DcosPackageRepository', notFound);
        if (list.length === 0) throw new Error('no event yet');
        return list;
      }, PATIENCE);
      expect(events).toContainEqual(expect.objectContaining({ type: 'Warning', reason: 'IndexUnreachable' }));

      // Nothing listens where a server just stopped.
      const gone = await indexServer();
      await gone.close();
      const refused = await createRepository('refused', { url: gone.url });
      expect(condition(await readyIs(refused, 'False'), 'Ready')).toMatchObject({ reason: 'IndexUnreachable', message: expect.stringMatching(/^GET http:\/\/127\.0\.0\.1:\d+\/repo\.json: .*ECONNREFUSED/) });

      const pkg = await installed('despite-broken', { packageName: 'hello-world', appId: '/despite-broken' });
      expect(pkg.status?.repository).toBe('default');
    } finally {
      await server.close();
    }
  });

  it('keeps serving the last good copy when an index breaks, and names where it broke', async () => {
    const server = await indexServer();
    try {
      server.respond(200, indexJson);
      const name = await createRepository('flaky', { url: server.url, priority: 5 });
      await readyIs(name, 'True');
      const pkg = await installed('from-flaky', { packageName: 'redis', repository: name, appId: '/from-flaky' });
      expect(pkg.status?.repository).toBe(name);

      // The server now publishes an index that stops being JSON inside the first package.
      const broken = indexJson.slice(0, indexJson.indexOf('"description"')) + '"description": oops}]}';
      server.respond(200, broken);
      await client.patch(API, 'DcosPackageRepository', name, undefined, { metadata: { annotations: { 'dcos.dev/sync': 'now' } } });
      const repo = await readyIs(name, 'False', /serving the last good copy/);
      expect(condition(repo, 'Ready')).toMatchObject({ reason: 'InvalidIndex', message: expect.stringMatching(/packages\[0\]\.description/) });
      expect(repo.status?.packageCount).toBe(3);

      const again = await installed('from-flaky-again', { packageName: 'nginx', repository: name, appId: '/from-flaky-again' });
      expect(again.status?.repository).toBe(name);
    } finally {
      await server.close();
    }
  });

  it('reads an index from a ConfigMap, and recovers when a missing ConfigMap appears', async () => {
    const name = await createRepository('configmap', { configMap: { name: 'universe', namespace: ns, key: 'repo.json' } });
    expect(condition(await readyIs(name, 'False'), 'Ready')).toMatchObject({ reason: 'IndexUnreachable', message: `ConfigMap ${ns}/universe not found` });

    await client.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'universe', namespace: ns }, data: { 'repo.json': indexJson } } as KubeObjectLike);
    const repo = await readyIs(name, 'True');
    expect(repo.status?.packageCount).toBe(3);

    const pkg = await installed('from-configmap', { packageName: 'hello-world', repository: name, appId: '/from-configmap' });
    expect(pkg.status?.repository).toBe(name);
    const svc = await client.get<DcosService & KubeObjectLike>(API, 'DcosService', 'from-configmap', ns);
    expect(svc.spec.labels?.DCOS_PACKAGE_SOURCE).toBe(`configmap://${ns}/universe/repo.json`);
  });

  it('gives the admission rule the packages the operator read, so bad options are refused by field', async () => {
    const rule = packageOptionsRule(catalog);
    const check = (spec: DcosPackage['spec']) => rule(spec, { metadata: { name: 'x', namespace: ns }, spec });
    expect(await check({ packageName: 'nginx', options: { nginx: { instances: 2 } } })).toEqual([]);
    const problems = await check({ packageName: 'nginx', options: { nginx: { cpus: 0, colour: 'red' } } });
    expect(problems).toHaveLength(2);
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'spec.options.nginx.colour', message: 'is not an option of this package' },
        { path: 'spec.options.nginx.cpus', message: 'must be >= 0.01' },
      ]),
    );
    expect(await check({ packageName: 'no-such-package', options: { anything: true } })).toEqual([]);
  });

  it('gives a replica that does not lead its own copy of the repositories for the admission rule', async () => {
    const polled = pollRepositories(client, createLogger('silent'), { intervalMs: 1_000 });
    try {
      const rule = packageOptionsRule(() => polled.catalog.repositories());
      const spec = { packageName: 'redis', options: { redis: { mem: 'lots' } } };
      const problems = await eventually(async () => {
        const found = await rule(spec, { metadata: { name: 'x', namespace: ns }, spec });
        if (found.length === 0) throw new Error('the poller has not read the default repository yet');
        return found;
      }, PATIENCE);
      expect(problems).toEqual([{ path: 'spec.options.redis.mem', message: 'must be number' }]);
    } finally {
      polled.stop();
    }
  });
});
