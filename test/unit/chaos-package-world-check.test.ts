import { describe, expect, it } from 'vitest';
import { comparePackages, type WantedPackage } from '../../chaos/package-world-check.ts';
import { nextPackage, operationKind, packageChoices, type PackageWorld } from '../../chaos/package-world.ts';
import { compareServices, type Owned, type PackageObject, type PodObject, type ServiceObject, type WorldSnapshot } from '../../chaos/world-check.ts';

const NS = 'chaos';
const owner = (kind: string, name: string, uid: string) => [{ apiVersion: 'dcos.dev/v1alpha1', kind, name, uid, controller: true }];

function pkg(name: string, uid: string, over: Partial<PackageObject['spec']> = {}, status: Partial<NonNullable<PackageObject['status']>> = {}): PackageObject {
  return {
    apiVersion: 'dcos.dev/v1alpha1',
    kind: 'DcosPackage',
    metadata: { name, namespace: NS, uid, generation: 3 },
    spec: { packageName: 'nginx', packageVersion: '1.27.5', appId: `/${name}`, ...over },
    status: { observedGeneration: 3, resolvedVersion: '1.27.5', repository: 'shipped', services: [{ name, appId: `/${name}` }], conditions: [{ type: 'Ready', status: 'True', reason: 'Installed' }], ...status },
  };
}

function service(name: string, uid: string, ownedBy: { name: string; uid: string } | undefined, instances = 1): ServiceObject {
  return {
    apiVersion: 'dcos.dev/v1alpha1',
    kind: 'DcosService',
    metadata: { name, namespace: NS, uid, ...(ownedBy && { ownerReferences: owner('DcosPackage', ownedBy.name, ownedBy.uid) }) },
    spec: { id: `/${name}`, instances, container: { docker: { portMappings: [{ containerPort: 80 }] } } },
    status: { instances, tasksRunning: instances },
  };
}

/** A DcosService's Deployment, Service and `running` pods. */
function children(svc: ServiceObject, running = svc.spec.instances ?? 1): { deployments: Owned[]; kubeServices: Owned[]; pods: PodObject[] } {
  const ownerReferences = owner('DcosService', svc.metadata.name, svc.metadata.uid!);
  return {
    deployments: [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: svc.metadata.name, namespace: NS, uid: `d-${svc.metadata.uid}`, ownerReferences }, spec: { replicas: svc.spec.instances ?? 1 } }],
    kubeServices: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: svc.metadata.name, namespace: NS, uid: `s-${svc.metadata.uid}`, ownerReferences } }],
    pods: Array.from({ length: running }, (_, i) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `${svc.metadata.name}-${i}`, namespace: NS, labels: { 'dcos.dev/service': svc.metadata.name } }, status: { phase: 'Running' } })),
  };
}

function world(packages: PackageObject[], services: ServiceObject[], kids = services.map((s) => children(s))): WorldSnapshot {
  return { packages, services, deployments: kids.flatMap((k) => k.deployments), kubeServices: kids.flatMap((k) => k.kubeServices), pods: kids.flatMap((k) => k.pods) };
}

const want = (name: string, over: Partial<WantedPackage> = {}): [string, WantedPackage] => [name, { packageName: 'nginx', version: '1.27.5', appId: `/${name}`, repository: 'shipped', options: {}, ...over }];
const counts = (c: ReturnType<typeof comparePackages>) => ({ lost: c.lost, duplicated: c.duplicated, orphaned: c.orphaned, statusWrong: c.statusWrong });
const NONE = { lost: 0, duplicated: 0, orphaned: 0, statusWrong: 0 };

describe('the package world check', () => {
  const p = pkg('pkg-1', 'p1');
  const s = service('pkg-1', 's1', { name: 'pkg-1', uid: 'p1' });

  it('finds nothing wrong when each wanted package runs its service, and its status says so', () => {
    const check = comparePackages(world([p], [s]), new Map([want('pkg-1')]));
    expect(check.problems).toEqual([]);
    expect(check.converged).toBe(true);
    expect({ packages: check.packages, services: check.services, objects: check.objects }).toEqual({ packages: 1, services: 1, objects: 2 });
  });

  it('counts a wanted package that is gone, and one the user asked for differently, as lost', () => {
    const gone = comparePackages(world([], []), new Map([want('pkg-1')]));
    expect(counts(gone)).toEqual({ ...NONE, lost: 1 });
    expect(gone.problems).toEqual(['DcosPackage pkg-1 is gone']);
    const other = comparePackages(world([p], [s]), new Map([want('pkg-1', { version: '1.10.3', repository: 'universe' })]));
    expect(counts(other)).toEqual({ ...NONE, lost: 1 });
    expect(other.problems[0]).toMatch(/asked for nginx 1\.10\.3 as \/pkg-1, the apiserver holds nginx 1\.27\.5/);
  });

  it('says the status is wrong until it reports this generation installed at the asked version from the asked repository', () => {
    for (const status of [{ observedGeneration: 2 }, { resolvedVersion: '1.10.3' }, { repository: 'universe' }, { conditions: [{ type: 'Ready', status: 'False', reason: 'PackageNotFound' }] }]) {
      const check = comparePackages(world([pkg('pkg-1', 'p1', {}, status)], [s]), new Map([want('pkg-1')]));
      expect(counts(check)).toEqual({ ...NONE, statusWrong: 1 });
      expect(check.converged).toBe(false);
    }
  });

  it('after an app id change, counts the service still under the old id as a duplicate and a status that lists it as wrong', () => {
    const moved = pkg('pkg-1', 'p1', { appId: '/pkg-1-b' }, { services: [{ name: 'pkg-1', appId: '/pkg-1' }] });
    const check = comparePackages(world([moved], [s]), new Map([want('pkg-1', { appId: '/pkg-1-b' })]));
    expect(counts(check)).toEqual({ ...NONE, lost: 1, duplicated: 1, statusWrong: 1 });
    expect(check.problems).toContain('DcosPackage pkg-1: no DcosService under /pkg-1-b');
    expect(check.problems).toContain('DcosPackage pkg-1: still controls pkg-1 (/pkg-1), not under /pkg-1-b');
  });

  it('counts the services of a package that is gone as orphaned, and names an uninstalled package still there', () => {
    const orphan = comparePackages(world([], [s]), new Map());
    expect(counts(orphan)).toEqual({ ...NONE, orphaned: 1 });
    expect(orphan.problems).toContain('DcosService pkg-1 belongs to DcosPackage pkg-1, which is gone');
    const left = comparePackages(world([p], [s]), new Map());
    expect(left.converged).toBe(false);
    expect(left.problems).toEqual(['DcosPackage pkg-1 exists but was uninstalled', 'DcosService pkg-1 of uninstalled DcosPackage pkg-1 still exists']);
  });

  it('waits for garbage collection: a service of a package being deleted is not converged, nor counted as orphaned', () => {
    const deleting = { ...p, metadata: { ...p.metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } };
    const check = comparePackages(world([deleting], [s]), new Map());
    expect(counts(check)).toEqual(NONE);
    expect(check.problems).toEqual(['DcosService pkg-1 of uninstalled DcosPackage pkg-1 still exists']);
  });

  it('requires each service of a package to have its Deployment, its Service and its pods running', () => {
    const [k] = [children(s)];
    const noDeployment = comparePackages(world([p], [s], [{ ...k!, deployments: [] }]), new Map([want('pkg-1')]));
    expect(counts(noDeployment)).toEqual({ ...NONE, lost: 1 });
    expect(noDeployment.problems).toEqual(['DcosPackage pkg-1: DcosService pkg-1 has no Deployment']);
    const noService = comparePackages(world([p], [s], [{ ...k!, kubeServices: [] }]), new Map([want('pkg-1')]));
    expect(noService.problems).toEqual(['DcosPackage pkg-1: DcosService pkg-1 has no Service']);
    const pending = comparePackages(world([p], [s], [children(s, 0)]), new Map([want('pkg-1')]));
    expect(counts(pending)).toEqual({ ...NONE, statusWrong: 1 });
    expect(pending.problems).toEqual(['DcosPackage pkg-1: DcosService pkg-1 wants 1, Deployment 1, status 1/1, 0 pods running']);
  });

  it('leaves a package\'s services out of the DcosService check, which still counts their orphaned children', () => {
    const plain = service('svc-1', 'v1', undefined);
    const snapshot = world([p], [s, plain]);
    expect(compareServices(snapshot, new Map([['svc-1', { instances: 1, version: 1 }]])).problems).toEqual([
      'svc-1: wants 1 x v1, Deployment 1 x vundefined, status 1/1, 1 pods running',
    ]);
    const orphans = compareServices({ ...snapshot, services: [plain] }, new Map());
    expect(orphans.orphaned).toBe(2);
    expect(orphans.problems).toContain('Deployment pkg-1 has no live owner');
  });
});

describe('the user operations on packages', () => {
  const packages = (sources: Array<'shipped' | 'universe'>): PackageWorld => ({
    names: ['pkg-0', 'pkg-1', 'pkg-2'],
    live: new Map(),
    uncertain: new Set(),
    choices: packageChoices(new Set(sources)),
    repositories: Object.fromEntries(sources.map((s) => [s, `chaos-${s}`])),
    servers: [],
    done: { install: 0, option: 0, version: 0, 'app id': 0, uninstall: 0 },
  });

  it('without the Universe, installs only what the shipped repository has, at its one version', () => {
    const w = packages(['shipped']);
    expect(w.choices.map((c) => `${c.packageName} ${c.versions.map((v) => v.version).join('/')}`)).toEqual(['hello-world 1.0.0', 'nginx 1.27.5', 'redis 7.4.2']);
    const installed = nextPackage(w, 'pkg-1', undefined)!;
    expect(installed).toMatchObject({ packageName: 'nginx', version: '1.27.5', appId: '/pkg-1', repository: 'chaos-shipped' });
    // No other version to move to: the change falls back to an option.
    const changed = nextPackage(w, 'pkg-1', installed, 0.5)!;
    expect(changed.version).toBe('1.27.5');
    expect(changed.options).not.toEqual(installed.options);
  });

  it('changes the version across repositories with the options that version takes, moves the app id and back, and uninstalls', () => {
    const w = packages(['shipped', 'universe']);
    const shipped = { packageName: 'redis', version: '7.4.2', appId: '/pkg-2', repository: 'chaos-shipped', options: { redis: { maxmemory_mb: 100 } } };
    expect(nextPackage(w, 'pkg-2', shipped, 0.5)).toMatchObject({ version: '4.0-0.0.1', repository: 'chaos-universe', options: { redis: { mem: expect.any(Number) } } });
    const moved = nextPackage(w, 'pkg-2', shipped, 0.9)!;
    expect(moved).toMatchObject({ version: '7.4.2', appId: '/pkg-2-b', options: shipped.options });
    expect(nextPackage(w, 'pkg-2', moved, 0.9)!.appId).toBe('/pkg-2');
    const option = nextPackage(w, 'pkg-2', shipped, 0.3)!;
    expect(option).toMatchObject({ version: '7.4.2', appId: '/pkg-2' });
    expect(option.options).not.toEqual(shipped.options);
    expect(nextPackage(w, 'pkg-2', shipped, 0.1)).toBeUndefined();
    expect([0.1, 0.3, 0.5, 0.9].map((roll) => operationKind(shipped, nextPackage(w, 'pkg-2', shipped, roll)))).toEqual(['uninstall', 'option', 'version', 'app id']);
    expect(operationKind(undefined, shipped)).toBe('install');
  });
});
