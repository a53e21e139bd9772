// The Universe as published (a .tar.gz of a checkout, served on loopback) read by the operator, a
// framework package flagged in status and `kubectl get dpkg`, and hostile repositories that fail
// with a clear reason while the others keep serving.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObjectLike } from '../../src/kube/kube-client.ts';
import type { Operator } from '../../src/operator/operator.ts';
import type { DcosPackage } from '../../src/resources/dcos-package.ts';
import type { DcosPackageRepository } from '../../src/resources/dcos-package-repository.ts';
import { corpusPath, describeCorpus } from '../support/corpora.ts';
import { rawTarGz, streamHugeIndex } from '../support/hostile-servers.ts';
import { loopbackServer, universeArchive, type LoopbackServer } from '../support/repository-servers.ts';
import { createTestNamespace, ensureCrds, eventually, kubeClient, kubectl } from './support/cluster.ts';
import { condition, eventsFor, startPackageOperator } from './support/package-operator.ts';

const API = 'dcos.dev/v1alpha1';
const PATIENCE = 60_000;
type Repo = DcosPackageRepository & KubeObjectLike;
type Pkg = DcosPackage & KubeObjectLike;

describeCorpus('universe', 'DcosPackageRepository: the Universe as a .tar.gz, and hostile repositories', () => {
  const client = kubeClient();
  const suffix = Math.random().toString(16).slice(2, 8);
  const created: string[] = [];
  const servers: LoopbackServer[] = [];
  let ns: string;
  let operator: Operator;
  let archiveUrl: string;

  async function createRepository(name: string, spec: DcosPackageRepository['spec']): Promise<string> {
    const full = `${name}-${suffix}`;
    await client.create({ apiVersion: API, kind: 'DcosPackageRepository', metadata: { name: full }, spec } as Repo);
    created.push(full);
    return full;
  }

  function readyIs(name: string, status: 'True' | 'False'): Promise<Repo> {
    return eventually(async () => {
      const repo = await client.get<Repo>(API, 'DcosPackageRepository', name);
      if (condition(repo, 'Ready')?.status !== status) throw new Error(`${name}: ${JSON.stringify(repo.status)}`);
      return repo;
    }, PATIENCE);
  }

  beforeAll(async () => {
    await ensureCrds(client);
    ns = await createTestNamespace(client, 'dcos-archive');
    // A short fetch deadline so the slow loris below is cut within the test's patience.
    ({ operator } = await startPackageOperator(client, ns, { fetchTimeoutMs: 15_000 }));
    const archive = await universeArchive(corpusPath('universe'));
    const github = await loopbackServer((_req, res) => res.writeHead(200, { 'content-type': 'application/x-gzip' }).end(archive));
    servers.push(github);
    archiveUrl = github.url('/mesosphere/universe/archive/refs/heads/version-3.x.tar.gz');
  });

  afterAll(async () => {
    await operator?.stop();
    for (const name of created) await client.delete(API, 'DcosPackageRepository', name);
    for (const s of servers) await s.close();
    if (ns) await client.delete('v1', 'Namespace', ns);
  });

  it('reads the archive of a Universe checkout, and installs a plain package from it', async () => {
    const universe = await createRepository('universe', { url: archiveUrl, priority: 5 });
    const repo = await readyIs(universe, 'True');
    expect(repo.status?.packageCount).toBe(55);
    await client.create({ apiVersion: API, kind: 'DcosPackage', metadata: { name: 'redis', namespace: ns }, spec: { packageName: 'redis', repository: universe } } as Pkg);
    const pkg = await eventually(async () => {
      const p = await client.get<Pkg>(API, 'DcosPackage', 'redis', ns);
      if (condition(p, 'Ready')?.status !== 'True') throw new Error(JSON.stringify(p.status));
      return p;
    }, PATIENCE);
    expect(condition(pkg, 'MesosFrameworkUnsupported')).toMatchObject({ status: 'False', reason: 'PlainApps' });
    expect(pkg.status?.needs).toBeUndefined();
  });

  it('installs an SDK framework, and says in status, events and kubectl get that it needs a Mesos master', async () => {
    const universe = `universe-${suffix}`;
    await readyIs(universe, 'True');
    await client.create({ apiVersion: API, kind: 'DcosPackage', metadata: { name: 'kafka', namespace: ns }, spec: { packageName: 'kafka', repository: universe } } as Pkg);
    const pkg = await eventually(async () => {
      const p = await client.get<Pkg>(API, 'DcosPackage', 'kafka', ns);
      if (condition(p, 'Ready')?.status !== 'True') throw new Error(JSON.stringify(p.status));
      return p;
    }, PATIENCE);
    expect(pkg.status?.needs).toBe('Mesos master');
    expect(condition(pkg, 'MesosFrameworkUnsupported')).toMatchObject({
      status: 'True',
      reason: 'NeedsMesosMaster',
      message: expect.stringMatching(/^kafka needs Mesos master: \/kafka is a DC\/OS SDK \(dcos-commons\) scheduler .*Kubernetes operator/),
    });
    const get = kubectl(['get', 'dpkg', 'kafka', '-n', ns]);
    expect(get.stdout.split('\n')[0]).toMatch(/NAME\s+PACKAGE\s+VERSION\s+READY\s+NEEDS\s+AGE/);
    expect(get.stdout.split('\n')[1]).toMatch(/^kafka\s+kafka\s+2\.10\.0-2\.4\.0\s+True\s+Mesos master\s+/);
    const events = await eventually(async () => {
      const list = await eventsFor(client, ns, 'DcosPackage', 'kafka');
      if (!list.some((e) => e.reason === 'NeedsMesosMaster')) throw new Error('no event yet');
      return list;
    }, PATIENCE);
    expect(events).toContainEqual(expect.objectContaining({ type: 'Warning', reason: 'NeedsMesosMaster' }));
  });

  it('gives each hostile repository a clear Ready False reason, and the good one keeps serving', async () => {
    const huge = await loopbackServer((_req, res, count) => streamHugeIndex(res, 200 * 1024 * 1024, count));
    const loop = await loopbackServer((req, res) => res.writeHead(302, { location: req.url === '/a' ? '/b' : '/a' }).end());
    const loris = await loopbackServer(() => undefined);
    const evil = rawTarGz([{ path: 'universe-main/../../etc/cron.d/evil', body: '* * * * * root true' }]);
    const traversal = await loopbackServer((_req, res) => res.writeHead(200).end(evil));
    const latin1 = await loopbackServer((_req, res) => res.writeHead(200).end(Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x7d])));
    servers.push(huge, loop, loris, traversal, latin1);

    const cases: Array<[string, string, string, RegExp]> = [
      ['huge', huge.url(), 'InvalidIndex', /the index is larger than the limit of 64 MiB/],
      ['loop', loop.url('/a'), 'IndexUnreachable', /redirect loop: .*\/a -> .*\/b -> .*\/a$/],
      ['loris', loris.url(), 'IndexUnreachable', /no response within 15 s/],
      ['traversal', traversal.url(), 'InvalidArchive', /points outside the archive's folder/],
      ['latin1', latin1.url(), 'InvalidIndex', /is not UTF-8 text \(invalid byte 0xe9 at offset 2\)/],
    ];
    const names = await Promise.all(cases.map(([name, url]) => createRepository(name, { url })));
    for (const [i, [, , reason, message]] of cases.entries()) {
      const repo = await readyIs(names[i]!, 'False');
      expect(condition(repo, 'Ready')).toMatchObject({ reason, message: expect.stringMatching(message) });
    }
    // Each read stops at the limit, however often the operator retries: never the whole 200 MB.
    expect(huge.mostSentToOne()).toBeLessThan(150 * 1024 * 1024);

    // The good repository still serves, and an install from it still works.
    expect(condition(await readyIs(`universe-${suffix}`, 'True'), 'Ready')?.reason).toBe('Synced');
    await client.create({ apiVersion: API, kind: 'DcosPackage', metadata: { name: 'mysql', namespace: ns }, spec: { packageName: 'mysql', repository: `universe-${suffix}` } } as Pkg);
    await eventually(async () => {
      const p = await client.get<Pkg>(API, 'DcosPackage', 'mysql', ns);
      if (condition(p, 'Ready')?.status !== 'True') throw new Error(JSON.stringify(p.status));
    }, PATIENCE);
  });
});
