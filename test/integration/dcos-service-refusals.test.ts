import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dcosServiceController } from '../../src/controllers/dcos-service-controller.ts';
import { dcosPackageController } from '../../src/controllers/dcos-package-controller.ts';
import { dcosPackageRepositoryController } from '../../src/controllers/dcos-package-repository-controller.ts';
import { RepositoryCatalog } from '../../src/controllers/repository-catalog.ts';
import type { KubeObjectLike } from '../../src/kube/kube-client.ts';
import type { Operator } from '../../src/operator/operator.ts';
import type { DcosPackage } from '../../src/resources/dcos-package.ts';
import { createTestNamespace, deleteNamespace, eventually, kubeClient, kubectl } from './support/cluster.ts';
import { condition, dcosService, DSVC_API, eventReasons, serviceReader, simpleApp } from './support/dcos-services.ts';
import { condition as conditionOf } from './support/package-operator.ts';
import { startOperator } from './support/operator.ts';

type Pkg = DcosPackage & KubeObjectLike;

// Never silent: a child the apiserver refuses (here a ResourceQuota allows no Deployment) shows in the
// owner's status, as a Warning Event, and in `kubectl get`, for a DcosService and for the DcosPackage
// that rendered it.
describe('a refused child is never silent', () => {
  const client = kubeClient();
  const namespaces: string[] = [];
  let operator: Operator;

  beforeAll(async () => {
    const catalog = new RepositoryCatalog();
    operator = await startOperator(client, [dcosServiceController(), dcosPackageRepositoryController({ catalog }), dcosPackageController({ catalog })]);
  });
  afterAll(async () => {
    await operator?.stop();
    for (const ns of namespaces) await deleteNamespace(client, ns);
  });

  /** A namespace of the case's own where no Deployment may be created. */
  async function noDeploymentsNamespace(): Promise<string> {
    const ns = await createTestNamespace(client, 'refused');
    namespaces.push(ns);
    const quota = `apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: no-deployments\n  namespace: ${ns}\nspec:\n  hard:\n    count/deployments.apps: "0"\n`;
    expect(kubectl(['apply', '-f', '-'], quota).status).toBe(0);
    return ns;
  }

  it('a DcosService whose Deployment is refused says so in status, an event and kubectl get, and runs once allowed', async () => {
    const ns = await noDeploymentsNamespace();
    const read = serviceReader(client, ns);
    await client.create(dcosService(ns, 'web', simpleApp()));

    const svc = await read.waitForStatus('web', (s) => condition(s, 'Ready')?.reason === 'DeploymentRefused');
    expect(condition(svc, 'Ready')).toMatchObject({ status: 'False', message: expect.stringMatching(/^the apiserver refused Deployment web: .*exceeded quota: no-deployments/) });
    expect(condition(svc, 'Degraded')).toMatchObject({ status: 'True', reason: 'DeploymentRefused' });
    expect(svc.status?.observedGeneration).toBe(svc.metadata.generation);

    await eventually(async () => expect(await eventReasons(client, ns, 'DcosService', 'web')).toContainEqual({ reason: 'DeploymentRefused', note: expect.stringMatching(/exceeded quota/) }));
    const events = kubectl(['events', '-n', ns, '--for', 'dcosservice/web', '--types', 'Warning']);
    expect(events.stdout).toMatch(/Warning\s+DeploymentRefused/);

    expect(kubectl(['get', 'dsvc', 'web', '-n', ns]).stdout).toMatch(/web\s+2\s+0\s+0\s+NA\s+False\s+DeploymentRefused/);
    expect(kubectl(['get', 'dsvc', 'web', '-n', ns, '-o', 'wide']).stdout).toMatch(/exceeded quota/);

    // The refusal lifts: the operator's retries pick it up without any change to the DcosService.
    expect(kubectl(['delete', 'resourcequota', 'no-deployments', '-n', ns]).status).toBe(0);
    await read.waitRunning('web', 2, 90_000);
  });

  it('a DcosPackage whose DcosService cannot run its Deployment says so too', async () => {
    const ns = await noDeploymentsNamespace();
    await client.create({ apiVersion: DSVC_API, kind: 'DcosPackage', metadata: { name: 'nginx', namespace: ns }, spec: { packageName: 'nginx' } } as Pkg);

    const pkg = await eventually(async () => {
      const p = await client.get<Pkg>(DSVC_API, 'DcosPackage', 'nginx', ns);
      if (conditionOf(p, 'Ready')?.reason !== 'DeploymentRefused') throw new Error(`package status ${JSON.stringify(p.status)}`);
      return p;
    }, 60_000);
    expect(conditionOf(pkg, 'Ready')).toMatchObject({ status: 'False', message: expect.stringMatching(/^DcosService nginx: the apiserver refused Deployment nginx: .*exceeded quota/) });
    expect(pkg.status?.observedGeneration).toBe(pkg.metadata.generation);
    await eventually(async () => expect(await eventReasons(client, ns, 'DcosPackage', 'nginx')).toContainEqual({ reason: 'DeploymentRefused', note: expect.stringMatching(/exceeded quota/) }));
    expect(kubectl(['get', 'dpkg', 'nginx', '-n', ns]).stdout).toMatch(/nginx\s+nginx\s+\S*\s+False/);
  });
});
