import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObjectLike } from '../../src/kube/kube-client.ts';
import type { Operator } from '../../src/operator/operator.ts';
import type { DcosPackage } from '../../src/resources/dcos-package.ts';
import type { DcosService } from '../../src/resources/dcos-service.ts';
import { createTestNamespace, ensureCrds, eventually, kubeClient, kubectl } from './support/cluster.ts';
import { condition, eventsFor, startPackageOperator } from './support/package-operator.ts';

const API = 'dcos.dev/v1alpha1';
const PATIENCE = 60_000;
type Pkg = DcosPackage & KubeObjectLike;
type Svc = DcosService & KubeObjectLike;

describe('DcosPackage: `dcos package install` as a manifest', () => {
  const client = kubeClient();
  let ns: string;
  let operator: Operator;

  const getPackage = (name: string) => client.get<Pkg>(API, 'DcosPackage', name, ns);
  const getService = (name: string) => client.getOrUndefined<Svc>(API, 'DcosService', name, ns);

  async function install(name: string, spec: DcosPackage['spec']): Promise<Pkg> {
    return client.create({ apiVersion: API, kind: 'DcosPackage', metadata: { name, namespace: ns }, spec } as Pkg);
  }

  async function updateSpec(name: string, spec: Partial<DcosPackage['spec']>): Promise<Pkg> {
    return client.patch<Pkg>(API, 'DcosPackage', name, ns, { spec });
  }

  /** Waits until the package reports on its current generation and returns it. */
  async function settled(name: string, ready: 'True' | 'False'): Promise<Pkg> {
    return eventually(async () => {
      const pkg = await getPackage(name);
      const c = condition(pkg, 'Ready');
      if (pkg.status?.observedGeneration !== pkg.metadata.generation || c?.status !== ready) {
        throw new Error(`${name}: generation ${pkg.metadata.generation}, status ${JSON.stringify(pkg.status)}`);
      }
      return pkg;
    }, PATIENCE);
  }

  beforeAll(async () => {
    await ensureCrds(client);
    ns = await createTestNamespace(client, 'dcos-package');
    ({ operator } = await startPackageOperator(client, ns));
  });

  afterAll(async () => {
    await operator?.stop();
    if (ns) await client.delete('v1', 'Namespace', ns);
  });

  it('installs nginx from the default repository that the operator creates', async () => {
    const manifest = `apiVersion: ${API}\nkind: DcosPackage\nmetadata:\n  name: nginx\n  namespace: ${ns}\nspec:\n  packageName: nginx\n`;
    const applied = kubectl(['apply', '-f', '-'], manifest);
    expect(applied.stderr).toBe('');

    const pkg = await settled('nginx', 'True');
    expect(pkg.status).toMatchObject({ resolvedVersion: '1.27.5', repository: 'default', services: [{ name: 'nginx', appId: '/nginx' }] });
    expect(pkg.status?.postInstallNotes).toMatch(/nginx is starting/);
    expect(condition(pkg, 'Failed')?.status).toBe('False');

    const svc = (await getService('nginx'))!;
    expect(svc.metadata.labels).toMatchObject({ 'dcos.dev/package': 'nginx', 'app.kubernetes.io/managed-by': 'dcos-operator' });
    expect(svc.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'DcosPackage', name: 'nginx', uid: pkg.metadata.uid, controller: true })]);
    expect(svc.spec.labels).toMatchObject({ DCOS_PACKAGE_NAME: 'nginx', DCOS_PACKAGE_VERSION: '1.27.5' });
    expect(svc.spec.labels?.DCOS_PACKAGE_SOURCE).toMatch(/^file:\/\/.*packages$/);
    expect(svc.spec.labels).toHaveProperty('DCOS_PACKAGE_OPTIONS');
    expect(svc.spec.labels).toHaveProperty('DCOS_PACKAGE_DEFINITION');

    const listed = kubectl(['get', 'dpkg', '-n', ns, 'nginx']);
    expect(listed.stdout).toMatch(/nginx\s+nginx\s+1\.27\.5\s+True/);
  });

  it('shows the health its DcosServices report', async () => {
    await install('health', { packageName: 'hello-world', appId: '/health' });
    await settled('health', 'True');
    // What the DcosService controller would write; another field manager, as it is another writer.
    const status = { apiVersion: API, kind: 'DcosService', metadata: { name: 'health', namespace: ns }, status: { appId: '/health', health: 'Healthy' } };
    await eventually(() => client.apply(status as KubeObjectLike, { subresource: 'status', fieldManager: 'test-dcos-service-controller' }), PATIENCE);
    await eventually(async () => {
      const pkg = await getPackage('health');
      expect(pkg.status?.services).toEqual([{ name: 'health', appId: '/health', health: 'Healthy' }]);
    }, PATIENCE);
  });

  it('refuses options that break config.json, naming the option, with an event', async () => {
    await install('bad-options', { packageName: 'nginx', appId: '/bad-options', options: { nginx: { cpus: 0 } } });
    const pkg = await settled('bad-options', 'False');
    const failed = condition(pkg, 'Failed');
    expect(failed).toMatchObject({ status: 'True', reason: 'OptionsInvalid' });
    expect(failed?.message).toMatch(/nginx\.cpus: must be >= 0\.01/);
    expect(await getService('bad-options')).toBeUndefined();
    const events = await eventually(async () => {
      const list = await eventsFor(client, ns, 'DcosPackage', 'bad-options');
      if (list.length === 0) throw new Error('no event yet');
      return list;
    }, PATIENCE);
    expect(events).toContainEqual(expect.objectContaining({ type: 'Warning', reason: 'OptionsInvalid', note: expect.stringMatching(/nginx\.cpus/) }));
  });

  it('says so when the package does not exist', async () => {
    await install('missing', { packageName: 'no-such-package' });
    const pkg = await settled('missing', 'False');
    expect(condition(pkg, 'Failed')).toMatchObject({ status: 'True', reason: 'PackageNotFound', message: expect.stringMatching(/no-such-package/) });
    await install('missing-version', { packageName: 'nginx', packageVersion: '0.0.1', appId: '/missing-version' });
    const versioned = await settled('missing-version', 'False');
    expect(condition(versioned, 'Failed')).toMatchObject({ reason: 'VersionNotFound', message: expect.stringMatching(/available: 1\.27\.5/) });
  });

  it('upgrades options in place: the same DcosService, updated', async () => {
    await install('upgrade', { packageName: 'nginx', appId: '/upgrade', options: { nginx: { instances: 1 } } });
    await settled('upgrade', 'True');
    const before = (await getService('upgrade'))!;
    expect(before.spec.instances).toBe(1);

    await updateSpec('upgrade', { options: { nginx: { instances: 3 } } });
    await settled('upgrade', 'True');
    const after = await eventually(async () => {
      const svc = (await getService('upgrade'))!;
      expect(svc.spec.instances).toBe(3);
      return svc;
    }, PATIENCE);
    expect(after.metadata.uid).toBe(before.metadata.uid);
    const options = JSON.parse(Buffer.from(after.spec.labels!.DCOS_PACKAGE_OPTIONS!, 'base64').toString('utf8'));
    expect(options).toEqual({ nginx: { instances: 3 } });
  });

  it('leaves the running service untouched when an upgrade fails, and says why', async () => {
    await install('keep', { packageName: 'nginx', appId: '/keep', options: { nginx: { mem: 128 } } });
    await settled('keep', 'True');
    const before = (await getService('keep'))!;

    await updateSpec('keep', { options: { nginx: { mem: 1 } } });
    const pkg = await settled('keep', 'False');
    expect(condition(pkg, 'Failed')).toMatchObject({ reason: 'OptionsInvalid', message: expect.stringMatching(/nginx\.mem: must be >= 16/) });
    expect(condition(pkg, 'Ready')?.message).toMatch(/still running: 1 service \(keep\) of version 1\.27\.5/);
    expect(pkg.status).toMatchObject({ resolvedVersion: '1.27.5', services: [{ name: 'keep', appId: '/keep' }] });
    const after = (await getService('keep'))!;
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(after.spec.mem).toBe(128);

    // Fixing the options heals it.
    await updateSpec('keep', { options: { nginx: { mem: 256 } } });
    await settled('keep', 'True');
    expect((await getService('keep'))!.spec.mem).toBe(256);
  });

  it('removes the DcosService a new render no longer produces', async () => {
    await install('moved', { packageName: 'hello-world', appId: '/moved-a' });
    await settled('moved', 'True');
    expect(await getService('moved-a')).toBeDefined();
    await updateSpec('moved', { appId: '/moved-b' });
    const pkg = await settled('moved', 'True');
    expect(pkg.status?.services).toEqual([expect.objectContaining({ name: 'moved-b', appId: '/moved-b' })]);
    await eventually(async () => {
      expect(await getService('moved-a')).toBeUndefined();
      expect(await getService('moved-b')).toBeDefined();
    }, PATIENCE);
  });

  it('does not take over a DcosService it did not create', async () => {
    const mine = { apiVersion: API, kind: 'DcosService', metadata: { name: 'taken', namespace: ns }, spec: { cmd: 'sleep 1000', instances: 1 } };
    const created = await client.create(mine as KubeObjectLike);
    await install('taker', { packageName: 'hello-world', appId: '/taken' });
    const pkg = await settled('taker', 'False');
    expect(condition(pkg, 'Failed')).toMatchObject({ reason: 'ServiceExists', message: expect.stringMatching(/taken already exists/) });
    const after = (await getService('taken'))!;
    expect(after.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    expect(after.metadata.ownerReferences).toBeUndefined();
  });

  it('reports a DcosService the apiserver refuses as Failed, with the apiserver\'s message', async () => {
    const quotaNs = await createTestNamespace(client, 'dcos-package-quota');
    try {
      const quota = `apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: no-dcos-services\n  namespace: ${quotaNs}\nspec:\n  hard:\n    count/dcosservices.dcos.dev: "0"\n`;
      expect(kubectl(['apply', '-f', '-'], quota).status).toBe(0);
      await client.create({ apiVersion: API, kind: 'DcosPackage', metadata: { name: 'refused', namespace: quotaNs }, spec: { packageName: 'nginx' } } as Pkg);
      const pkg = await eventually(async () => {
        const p = await client.get<Pkg>(API, 'DcosPackage', 'refused', quotaNs);
        if (condition(p, 'Failed')?.status !== 'True') throw new Error(JSON.stringify(p.status));
        return p;
      }, PATIENCE);
      expect(condition(pkg, 'Failed')).toMatchObject({ reason: 'DcosServiceRefused', message: expect.stringMatching(/refused DcosService nginx: .*quota/) });
      expect(await client.getOrUndefined(API, 'DcosService', 'nginx', quotaNs)).toBeUndefined();
    } finally {
      await client.delete('v1', 'Namespace', quotaNs);
    }
  });

  it('uninstalls: deleting the DcosPackage garbage-collects its DcosServices', async () => {
    await install('gone', { packageName: 'redis', appId: '/gone' });
    await settled('gone', 'True');
    expect(await getService('gone')).toBeDefined();
    await client.delete(API, 'DcosPackage', 'gone', ns);
    // The controller-manager's garbage collector follows the owner references.
    await eventually(async () => {
      expect(await getService('gone')).toBeUndefined();
    }, PATIENCE);
  });
});
