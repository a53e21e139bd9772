import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dcosClusterController } from '../../src/controllers/dcos-cluster-controller.ts';
import { dcosPackageController } from '../../src/controllers/dcos-package-controller.ts';
import { dcosPackageRepositoryController } from '../../src/controllers/dcos-package-repository-controller.ts';
import { dcosServiceController } from '../../src/controllers/dcos-service-controller.ts';
import { RepositoryCatalog } from '../../src/controllers/repository-catalog.ts';
import type { KubeObjectLike } from '../../src/kube/kube-client.ts';
import type { Operator } from '../../src/operator/operator.ts';
import { WEBHOOK_CONFIGURATION_NAME } from '../../src/webhooks/webhook-configurations.ts';
import { createTestNamespace, ensureCrds, eventually, kubeClient, kubectlAsync as kubectl } from './support/cluster.ts';
import { shippedPackagesDir, universeIndexJson } from '../support/repository-servers.ts';
import { kstatusOf, kstatusTool, type KstatusVerdict } from './support/kstatus.ts';
import { startOperator } from './support/operator.ts';

/*
 * What Argo CD, Flux and kapp see: their own status library (sigs.k8s.io/cli-utils kstatus, run by
 * tools/kstatus) on the objects as the apiserver returns them, for each of the four kinds, with the
 * whole operator running (all four controllers, admission webhooks on). kubectl runs asynchronously:
 * this process serves the webhooks the apiserver calls.
 */

const API = 'dcos.dev/v1alpha1';
const ADMISSION = 'admissionregistration.k8s.io/v1';
const PATIENCE = 60_000;
const IMAGE = { type: 'DOCKER', docker: { image: 'python:3.12-slim' } };

type Obj = KubeObjectLike & { spec?: Record<string, unknown>; status?: Record<string, unknown> };
type ManagedField = { manager?: string; operation?: string; subresource?: string; time?: string };

/** A Universe server on loopback that holds every request until released: a repository being read. */
function heldIndexServer(): Promise<{ url: string; release: (body: string) => void; close: () => Promise<void> }> {
  let body: string | undefined;
  const waiting: ServerResponse[] = [];
  const answer = (res: ServerResponse) => res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  const server = createServer((_req, res) => (body === undefined ? waiting.push(res) : answer(res)));
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/repo.json`,
        release: (b) => {
          body = b;
          waiting.splice(0).forEach(answer);
        },
        close: () => {
          waiting.splice(0).forEach((res) => res.destroy());
          server.closeAllConnections();
          return new Promise((done) => server.close(() => done()));
        },
      });
    });
  });
}

/** A port nothing listens on: bound once by the kernel, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function example(file: string): Obj {
  return load(readFileSync(fileURLToPath(new URL(`../../examples/${file}`, import.meta.url)), 'utf8')) as Obj;
}

describe('kstatus, as Argo CD, Flux and kapp read it, for each kind', () => {
  const client = kubeClient();
  const suffix = Math.random().toString(16).slice(2, 8);
  const repositories: string[] = [];
  let ns: string;
  let operator: Operator | undefined;
  let held: Awaited<ReturnType<typeof heldIndexServer>>;
  let indexJson: string;
  let nodes: string[] = [];

  const get = (kind: string, name: string, namespaced = true) => client.get<Obj>(API, kind, name, namespaced ? ns : undefined);
  const kstatus = async (kind: string, name: string, namespaced = true): Promise<KstatusVerdict> => (await kstatusOf([await get(kind, name, namespaced)]))[0]!;
  /** Waits until kstatus says `status` (with this reason and message, when given); returns what it said. */
  const becomes = (kind: string, name: string, status: KstatusVerdict['status'], want: { reason?: string; message?: string; clusterScoped?: boolean } = {}) =>
    eventually(async () => {
      const v = await kstatus(kind, name, !want.clusterScoped);
      const reasonOk = want.reason === undefined || v.reason === want.reason;
      const messageOk = want.message === undefined || v.message === want.message;
      if (v.status !== status || !reasonOk || !messageOk) throw new Error(`${kind} ${name}: kstatus ${v.status} (${v.reason}: ${v.message}), waiting for ${status} ${JSON.stringify(want)}`);
      return v;
    }, PATIENCE, 250);
  const apply = async (obj: object, ...flags: string[]) => {
    const res = await kubectl(['apply', ...flags, '-f', '-'], JSON.stringify(obj));
    if (res.status !== 0) throw new Error(`kubectl apply ${flags.join(' ')}: ${res.stderr}`);
    return res.stdout;
  };
  const waitReady = (resource: string, namespaced = true) => kubectl(['wait', `--for=condition=Ready`, resource, ...(namespaced ? ['-n', ns] : []), '--timeout=60s']);
  const repositoryAt = (name: string, url: string) => ({ apiVersion: API, kind: 'DcosPackageRepository', metadata: { name }, spec: { url } });

  beforeAll(async () => {
    kstatusTool(); // built (or found up to date) before anything is timed by a test
    await ensureCrds(client);
    ns = await createTestNamespace(client, 'kstatus');
    indexJson = await universeIndexJson(shippedPackagesDir);
    held = await heldIndexServer();
    nodes = (await client.list<KubeObjectLike>('v1', 'Node')).items.map((n) => n.metadata.name);

    // Admitted before validation was in effect (an operator installed later, or an older one with laxer
    // rules): cmd and args together, which the webhook refuses and the controller cannot run.
    await client.create({ apiVersion: API, kind: 'DcosService', metadata: { name: 'legacy', namespace: ns }, spec: { cmd: 'sleep 1000', args: ['sleep', '1000'], container: IMAGE } } as Obj);

    const catalog = new RepositoryCatalog();
    operator = await startOperator(
      client,
      [dcosServiceController(), dcosClusterController(), dcosPackageRepositoryController({ catalog, retryIntervalMs: 1_000, fetchTimeoutMs: 120_000 }), dcosPackageController({ catalog })],
      { namespace: ns, webhookMode: 'url' },
    );
    // The apiserver picks new webhook configurations up asynchronously: wait until defaults are filled in.
    await eventually(async () => {
      const dryRun = await kubectl(['create', '--dry-run=server', '-o', 'json', '-n', ns, '-f', '-'], JSON.stringify({ apiVersion: API, kind: 'DcosService', metadata: { name: 'probe' }, spec: { cmd: 'sleep 1', container: IMAGE } }));
      if (dryRun.status !== 0 || JSON.parse(dryRun.stdout).spec.cpus !== 1) throw new Error(`defaulting webhook not in effect yet: ${dryRun.stderr || dryRun.stdout}`);
    }, PATIENCE);
  });

  afterAll(async () => {
    for (const node of nodes) await kubectl(['uncordon', node]);
    await operator?.stop();
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) await client.delete(ADMISSION, kind, WEBHOOK_CONFIGURATION_NAME).catch(() => false);
    for (const name of repositories) await client.delete(API, 'DcosPackageRepository', name).catch(() => false);
    await held?.close();
    if (ns) await client.delete('v1', 'Namespace', ns).catch(() => false);
  });

  it('DcosService: InProgress while its tasks cannot be placed, Current once they run; `kubectl wait --for=condition=Ready` returns then', async () => {
    const big = { apiVersion: API, kind: 'DcosService', metadata: { name: 'big', namespace: ns }, spec: { cmd: 'sleep 1000', container: IMAGE, cpus: 64, mem: 64, instances: 1 } };
    await apply(big);
    // Its Deployment's pod stays Pending: no node has 64 CPUs, and status says so in the scheduler's words.
    await becomes('DcosService', 'big', 'InProgress', { reason: 'Unschedulable', message: '1 of 1 tasks cannot be placed on any node: 0/4 nodes are available: 4 Insufficient cpu.' });

    await apply({ ...big, spec: { ...big.spec, cpus: 0.1 } });
    expect(await becomes('DcosService', 'big', 'Current')).toMatchObject({ message: 'Resource is Ready' });
    const waited = await waitReady('dsvc/big');
    expect(waited).toMatchObject({ status: 0, stdout: expect.stringContaining('condition met') });
  });

  it('DcosService: Failed, with the reason, when its spec cannot run', async () => {
    const failed = await becomes('DcosService', 'legacy', 'Failed');
    expect(failed).toMatchObject({ reason: 'InvalidSpec', message: expect.stringMatching(/^spec\.args: expected either cmd or args/) });
  });

  it('DcosService: Failed, with the reason, when its tasks cannot be placed before the rollout deadline', async () => {
    await apply({ apiVersion: API, kind: 'DcosService', metadata: { name: 'stuck', namespace: ns }, spec: { cmd: 'sleep 1000', container: IMAGE, cpus: 64, mem: 64, instances: 1 } });
    await becomes('DcosService', 'stuck', 'InProgress', { reason: 'Unschedulable' });
    // Kubernetes' default deadline is 600 s; another field manager shortens it, as a cluster policy could.
    const deadline = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'stuck', namespace: ns }, spec: { progressDeadlineSeconds: 1 } };
    await client.apply(deadline as KubeObjectLike, { fieldManager: 'test-deadline-policy', force: false });
    const failed = await becomes('DcosService', 'stuck', 'Failed');
    expect(failed).toMatchObject({ reason: 'ProgressDeadlineExceeded', message: expect.stringMatching(/has timed out progressing/) });
  });

  it('DcosPackageRepository and DcosPackage: InProgress while the repository is read, Current once it is; `kubectl wait` returns then', async () => {
    const name = `held-${suffix}`;
    repositories.push(name);
    await apply(repositoryAt(name, held.url));
    expect(await becomes('DcosPackageRepository', name, 'InProgress', { reason: 'Reading', clusterScoped: true })).toMatchObject({ message: expect.stringMatching(/^reading the repository/) });

    // Until every repository has been read, "no such package" could be a lie: the package waits.
    await apply({ apiVersion: API, kind: 'DcosPackage', metadata: { name: 'hello', namespace: ns }, spec: { packageName: 'hello-world' } });
    expect(await becomes('DcosPackage', 'hello', 'InProgress', { reason: 'WaitingForRepositories' })).toMatchObject({ message: 'waiting for the package repositories to be read' });

    held.release(indexJson);
    await becomes('DcosPackageRepository', name, 'Current', { clusterScoped: true });
    await becomes('DcosPackage', 'hello', 'Current');
    for (const [resource, namespaced] of [[`dprepo/${name}`, false], ['dpkg/hello', true]] as const) {
      expect(await waitReady(resource, namespaced)).toMatchObject({ status: 0, stdout: expect.stringContaining('condition met') });
    }
  });

  it('DcosPackageRepository: Failed, with the reason, when its URL does not answer', async () => {
    const name = `refused-${suffix}`;
    repositories.push(name);
    await apply(repositoryAt(name, `http://127.0.0.1:${await closedPort()}/repo.json`));
    const failed = await becomes('DcosPackageRepository', name, 'Failed', { clusterScoped: true });
    expect(failed).toMatchObject({ reason: 'IndexUnreachable', message: expect.stringMatching(/ECONNREFUSED/) });
  });

  it('DcosPackage: Failed, with the reason, when no repository has the package', async () => {
    await apply({ apiVersion: API, kind: 'DcosPackage', metadata: { name: 'nosuch', namespace: ns }, spec: { packageName: 'no-such-package' } });
    const failed = await becomes('DcosPackage', 'nosuch', 'Failed');
    expect(failed).toMatchObject({ reason: 'PackageNotFound', message: expect.stringContaining('no-such-package') });
  });

  it('DcosCluster: Current over schedulable nodes, InProgress while none is; `kubectl wait` returns once there are', async () => {
    await becomes('DcosCluster', 'default', 'Current', { clusterScoped: true });
    for (const node of nodes) expect((await kubectl(['cordon', node])).status).toBe(0);
    const waiting = await becomes('DcosCluster', 'default', 'InProgress', { reason: 'NoSchedulableNodes', clusterScoped: true });
    expect(waiting.message).toMatch(/No node is Ready and schedulable/);

    for (const node of nodes) expect((await kubectl(['uncordon', node])).status).toBe(0);
    await becomes('DcosCluster', 'default', 'Current', { clusterScoped: true });
    expect(await waitReady('dcl/default', false)).toMatchObject({ status: 0, stdout: expect.stringContaining('condition met') });
  });

  it('applying the same manifests twice changes nothing (client-side and server-side apply, defaulting webhook on)', async () => {
    // The examples a user starts from, in this test's namespace; the repository at the test's server.
    const service = { ...example('dcos-service-nginx.yaml'), metadata: { name: 'web', namespace: ns } };
    const pkg = { ...example('dcos-package-nginx.yaml'), metadata: { name: 'nginx', namespace: ns } };
    const repo = { ...example('dcos-package-repository-url.yaml'), metadata: { name: `drift-${suffix}` }, spec: { url: held.url, priority: 10 } };
    const cluster = { apiVersion: API, kind: 'DcosCluster', metadata: { name: 'default' }, spec: {} };
    repositories.push(repo.metadata.name);
    const manifests: Array<[Obj, boolean]> = [[service, true], [pkg, true], [repo, false], [cluster, false]];
    const list = { apiVersion: 'v1', kind: 'List', items: manifests.map(([m]) => m) };

    // Spec and metadata as the user owns them; what the controllers write to status is not drift.
    const owned = (o: Obj) => ({ spec: o.spec, metadata: { ...o.metadata, resourceVersion: undefined, managedFields: ((o.metadata.managedFields ?? []) as ManagedField[]).filter((f) => f.subresource !== 'status') } });
    const statusPart = (o: Obj) => ({ status: o.status, managedFields: ((o.metadata.managedFields ?? []) as ManagedField[]).filter((f) => f.subresource === 'status') });
    const settled = async () => {
      for (const [m, namespaced] of manifests) await becomes(m.kind!, m.metadata.name, 'Current', { clusterScoped: !namespaced });
      return Promise.all(manifests.map(([m, namespaced]) => get(m.kind!, m.metadata.name, namespaced)));
    };

    // Server-side apply as Flux does it: forcing, so it takes over the fields client-side apply owned.
    for (const flags of [[], ['--server-side', '--force-conflicts']]) {
      await apply(list, ...flags);
      const before = await settled();
      const second = await apply(list, ...flags);
      const after = await Promise.all(manifests.map(([m, namespaced]) => get(m.kind!, m.metadata.name, namespaced)));
      for (const [i, a] of after.entries()) {
        const b = before[i]!;
        expect(owned(a), `${a.kind} ${a.metadata.name} after a second \`kubectl apply ${flags.join(' ')}\`: ${second}`).toEqual(owned(b));
        // A new resourceVersion is allowed only for a status write of a controller in between.
        if (a.metadata.resourceVersion !== b.metadata.resourceVersion) expect(statusPart(a), `${a.kind} ${a.metadata.name}: resourceVersion changed`).not.toEqual(statusPart(b));
      }
      // What a GitOps tool's drift check runs (a server-side dry-run through the webhooks) finds nothing either.
      expect(await kubectl(['diff', ...flags, '-f', '-'], JSON.stringify(list))).toMatchObject({ status: 0, stdout: '' });
    }
  });
});
