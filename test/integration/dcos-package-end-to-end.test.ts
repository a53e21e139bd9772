// The whole path a user takes: a Universe index served over HTTP, packages installed from it,
// their DcosServices run as Deployments whose pods go Running on kwok nodes, then upgrade and uninstall.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dcosPackageController } from '../../src/controllers/dcos-package-controller.ts';
import { dcosPackageRepositoryController } from '../../src/controllers/dcos-package-repository-controller.ts';
import { dcosServiceController } from '../../src/controllers/dcos-service-controller.ts';
import { RepositoryCatalog } from '../../src/controllers/repository-catalog.ts';
import type { KubeObjectLike } from '../../src/kube/kube-client.ts';
import type { Operator } from '../../src/operator/operator.ts';
import type { DcosPackage } from '../../src/resources/dcos-package.ts';
import type { DcosService } from '../../src/resources/dcos-service.ts';
import { loopbackServer, shippedPackagesDir, universeIndexJson, type LoopbackServer } from '../support/repository-servers.ts';
import { createTestNamespace, ensureCrds, eventually, kubeClient } from './support/cluster.ts';
import { startOperator } from './support/operator.ts';
import { condition } from './support/package-operator.ts';

const API = 'dcos.dev/v1alpha1';
const PATIENCE = 90_000;
type Pkg = DcosPackage & KubeObjectLike;
type Svc = DcosService & KubeObjectLike;

describe('packages from an HTTP repository, running on the cluster', () => {
  const client = kubeClient();
  const repositoryName = `loopback-${Math.random().toString(16).slice(2, 8)}`;
  let ns: string;
  let operator: Operator;
  let server: LoopbackServer | undefined;

  const getService = (name: string) => client.getOrUndefined<Svc>(API, 'DcosService', name, ns);

  /** Waits until the service runs `instances` tasks and its package lists it with a health. */
  async function running(pkgName: string, svcName: string, instances: number): Promise<void> {
    await eventually(async () => {
      const svc = await getService(svcName);
      if (svc?.status?.tasksRunning !== instances) throw new Error(`${svcName}: ${JSON.stringify(svc?.status)}`);
      const pkg = await client.get<Pkg>(API, 'DcosPackage', pkgName, ns);
      const listed = pkg.status?.services?.find((s) => s.name === svcName);
      if (!listed?.health) throw new Error(`${pkgName}: ${JSON.stringify(pkg.status)}`);
    }, PATIENCE);
  }

  beforeAll(async () => {
    await ensureCrds(client);
    ns = await createTestNamespace(client, 'dcos-package-e2e');
    const index = await universeIndexJson(shippedPackagesDir);
    server = await loopbackServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(index));
    const url = server.url('/repo.json');
    await client.create({ apiVersion: API, kind: 'DcosPackageRepository', metadata: { name: repositoryName }, spec: { url } } as KubeObjectLike);
    const catalog = new RepositoryCatalog();
    operator = await startOperator(client, [dcosServiceController(), dcosPackageRepositoryController({ catalog }), dcosPackageController({ catalog })], { namespace: ns });
  });

  afterAll(async () => {
    await operator?.stop();
    await client.delete(API, 'DcosPackageRepository', repositoryName);
    if (ns) await client.delete('v1', 'Namespace', ns);
    await server?.close();
  });

  it('installs, upgrades and uninstalls several packages', async () => {
    for (const name of ['nginx', 'redis']) {
      await client.create({ apiVersion: API, kind: 'DcosPackage', metadata: { name, namespace: ns }, spec: { packageName: name, repository: repositoryName } } as Pkg);
    }
    await running('nginx', 'nginx', 1);
    await running('redis', 'redis', 1);
    const nginx = await client.get<Pkg>(API, 'DcosPackage', 'nginx', ns);
    expect(condition(nginx, 'Ready')?.status).toBe('True');
    expect(nginx.status?.repository).toBe(repositoryName);
    expect(await client.getOrUndefined('apps/v1', 'Deployment', 'nginx', ns)).toBeDefined();

    await client.patch(API, 'DcosPackage', 'nginx', ns, { spec: { options: { nginx: { instances: 2 } } } });
    await running('nginx', 'nginx', 2);

    await client.delete(API, 'DcosPackage', 'nginx', ns);
    await eventually(async () => {
      expect(await getService('nginx')).toBeUndefined();
      expect(await client.getOrUndefined('apps/v1', 'Deployment', 'nginx', ns)).toBeUndefined();
    }, PATIENCE);
    expect(await getService('redis')).toBeDefined();
  });
});
