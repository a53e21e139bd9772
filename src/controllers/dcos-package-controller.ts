import type { Logger } from 'pino';
import type { KubeClient, KubeObjectLike } from '../kube/kube-client.ts';
import type { ControllerFactory } from '../operator/operator.ts';
import { API_VERSION } from '../resources/api-group.ts';
import type { DcosPackage } from '../resources/dcos-package.ts';
import type { DcosPackageRepository } from '../resources/dcos-package-repository.ts';
import type { DcosService } from '../resources/dcos-service.ts';
import { MESOS_CONDITION } from '../universe/mesos-dependency-status.ts';
import { PACKAGE_LABEL, renderDcosPackage } from '../universe/package-render.ts';
import type { UniverseError } from '../universe/universe-result.ts';
import { failedStatus, installedStatus, serviceStatuses, waitingForRepositoriesStatus } from './dcos-package-status.ts';
import type { RepositoryCatalog } from './repository-catalog.ts';
import { Controller } from './runtime/controller.ts';
import type { ReconcileResult } from './runtime/controller.ts';
import type { EventRecorder } from './runtime/event-recorder.ts';
import { objectKey } from './runtime/object-key.ts';
import type { CacheView } from './runtime/object-store.ts';
import { announceRefusal, isRefusalReason, RefusedError, writeChild, type Refusal } from './runtime/refusal.ts';
import { writeStatus } from './runtime/status-writer.ts';
import { dcosServiceInformer } from './shared-informers.ts';

export const DCOS_PACKAGE_CONTROLLER = 'dcospackage';

type PackageObject = DcosPackage & KubeObjectLike;
type ServiceObject = DcosService & KubeObjectLike;

export interface DcosPackageControllerOptions {
  /** The repositories the repository controller has read. */
  catalog: RepositoryCatalog;
}

/** What one DcosPackage reconcile reads and writes through: the controller wires it, a unit test fakes it. */
export interface DcosPackageReconciler {
  client: Pick<KubeClient, 'apply' | 'delete' | 'getOrUndefined'>;
  events: Pick<EventRecorder, 'emit'>;
  packages: CacheView<PackageObject>;
  services: CacheView<ServiceObject>;
  repositories: CacheView<DcosPackageRepository & KubeObjectLike>;
  catalog: Pick<RepositoryCatalog, 'has' | 'repositories'>;
  log: Logger;
  now?: () => Date;
}

function controllerOwner(obj: { metadata: { ownerReferences?: Array<{ kind: string; name: string; uid: string; controller?: boolean }> } }) {
  return obj.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'DcosPackage');
}

/** The package's notion of safety, checked again at the last moment before anything is written. */
function unsafeService(service: DcosService, namespace: string): string | undefined {
  if (service.apiVersion !== API_VERSION || service.kind !== 'DcosService') return `the render produced a ${service.apiVersion} ${service.kind}, not a DcosService`;
  if (service.metadata.namespace !== namespace) return `the render placed ${service.metadata.name} in namespace ${service.metadata.namespace}, not ${namespace}`;
  return undefined;
}

/** A service of the package whose own children the apiserver refused (its Ready condition says so): the package is not installed either. */
function refusedService(names: readonly string[], lookup: (name: string) => ServiceObject | undefined): Refusal | undefined {
  for (const name of names) {
    const ready = lookup(name)?.status?.conditions?.find((c) => c.type === 'Ready');
    if (ready?.status === 'False' && isRefusalReason(ready.reason)) return { reason: ready.reason, message: `DcosService ${name}: ${ready.message}` };
  }
  return undefined;
}

/**
 * Installs a DcosPackage: resolve over the repositories, render, apply the DcosServices (owned by the
 * package, so deleting it garbage-collects them), remove the ones a new render dropped, and report
 * the services' health. Any failure leaves the running services untouched.
 *   1. load the package from the cache;
 *   2. wait until every repository has been read once;
 *   3. render the desired DcosServices (pure: src/universe/package-render.ts);
 *   4. never take over a DcosService someone else made;
 *   5. dry-run every service, then apply them (a refusal is the package's failure);
 *   6. delete the services this render no longer makes;
 *   7. status: installed, or failed because a service's children were refused.
 */
export async function reconcileDcosPackage(r: DcosPackageReconciler, key: string): Promise<ReconcileResult | void> {
  const now = () => (r.now?.() ?? new Date()).toISOString();
  // 1. Load from the cache; a deleted package's services go with it (owner references).
  const pkg = r.packages.get(key);
  if (!pkg || pkg.metadata.deletionTimestamp) return;
  const ns = pkg.metadata.namespace!;
  const lookupService = (name: string) => r.services.get(`${ns}/${name}`);
  const owned = r.services.list().filter((s) => pkg.metadata.uid !== undefined && s.metadata.labels?.[PACKAGE_LABEL] !== undefined && controllerOwner(s)?.uid === pkg.metadata.uid);
  const reportFailure = async (error: UniverseError) => {
    const running = owned.map((s) => ({ name: s.metadata.name, appId: s.spec.id ?? '' }));
    await writeStatus(r.client, 'DcosPackage', pkg, failedStatus(pkg, error, serviceStatuses(running, lookupService), now()));
    announceRefusal(r.events, pkg, error, 'Install');
  };

  // 2. Until every repository has been read once, "not found" could be a lie. Said once per
  // generation never installed, so a GitOps tool waits instead of taking a package without status for done.
  if (r.repositories.list().some((repo) => !r.catalog.has(repo.metadata.name))) {
    const said = pkg.status?.conditions?.some((c) => c.type === 'Ready' && c.reason === 'WaitingForRepositories');
    if (pkg.status?.observedGeneration !== pkg.metadata.generation && !said) await writeStatus(r.client, 'DcosPackage', pkg, waitingForRepositoriesStatus(pkg, now()));
    return { requeueAfterMs: 2_000 };
  }

  // 3. Desired services, from the pure core.
  const rendered = renderDcosPackage(pkg, r.catalog.repositories());
  if (!rendered.ok) return void (await reportFailure(rendered.error));
  const desired = rendered.value.services;
  for (const service of desired) {
    const unsafe = unsafeService(service, ns);
    if (unsafe) return void (await reportFailure({ reason: 'UnsafeRender', message: unsafe }));
  }

  // 4. Never take over a DcosService someone else made (Cosmos refused an app id in use).
  const ownedNames = new Set(owned.map((s) => s.metadata.name));
  for (const service of desired.filter((s) => !ownedNames.has(s.metadata.name))) {
    const existing = await r.client.getOrUndefined<ServiceObject>(API_VERSION, 'DcosService', service.metadata.name, ns);
    if (existing && controllerOwner(existing)?.uid !== pkg.metadata.uid) {
      const owner = controllerOwner(existing);
      const by = owner ? `by DcosPackage ${owner.name}` : 'by no DcosPackage';
      return void (await reportFailure({ reason: 'ServiceExists', message: `DcosService ${ns}/${service.metadata.name} already exists and is owned ${by}; choose another appId` }));
    }
  }

  // 5. Dry-run everything first, so a refusal of one service does not leave a half-upgraded install.
  try {
    for (const dryRun of [true, false]) {
      for (const service of desired) await writeChild(service, () => r.client.apply(service as unknown as KubeObjectLike, { dryRun }));
    }
  } catch (err) {
    if (err instanceof RefusedError) return void (await reportFailure(err.refusal));
    throw err;
  }

  // 6. Services an earlier render made that this one does not.
  const desiredNames = new Set(desired.map((s) => s.metadata.name));
  for (const stale of owned.filter((s) => !desiredNames.has(s.metadata.name))) {
    await r.client.delete(API_VERSION, 'DcosService', stale.metadata.name, ns);
    void r.events.emit(pkg, 'Normal', 'ServiceRemoved', `removed DcosService ${stale.metadata.name}: the package no longer renders it`, 'Install');
  }

  // 7. Status; an event when this generation is installed for the first time.
  const refused = refusedService([...desiredNames], lookupService);
  if (refused) return void (await reportFailure(refused));
  const names = desired.map((s) => ({ name: s.metadata.name, appId: s.spec.id ?? '' }));
  const status = installedStatus(pkg, rendered.value, serviceStatuses(names, lookupService), now());
  const wasInstalled = pkg.status?.observedGeneration === pkg.metadata.generation && pkg.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  await writeStatus(r.client, 'DcosPackage', pkg, status);
  if (!wasInstalled) {
    const verb = pkg.status?.resolvedVersion ? 'Upgraded' : 'Installed';
    void r.events.emit(pkg, 'Normal', verb, status.conditions!.find((c) => c.type === 'Ready')!.message, 'Install');
    const mesos = status.conditions!.find((c) => c.type === MESOS_CONDITION && c.status === 'True');
    if (mesos) void r.events.emit(pkg, 'Warning', mesos.reason, mesos.message, 'Install');
  }
}

const readyReason = (s: ServiceObject) => s.status?.conditions?.find((c) => c.type === 'Ready')?.reason;

/** Wires the DcosPackage reconcile to its watches: packages, their DcosServices, and the catalog. */
export function dcosPackageController({ catalog }: DcosPackageControllerOptions): ControllerFactory {
  return (ctx) => {
    const namespace = ctx.config.watchNamespace || undefined;
    const packages = ctx.informers.informer<PackageObject>({ apiVersion: API_VERSION, kind: 'DcosPackage', namespace });
    // The DcosService controller's cache: one copy of every DcosService, not a second one for packages.
    const services = dcosServiceInformer(ctx);
    const repositories = ctx.informers.informer<DcosPackageRepository & KubeObjectLike>({ apiVersion: API_VERSION, kind: 'DcosPackageRepository' });
    const reconciler: DcosPackageReconciler = {
      client: ctx.client,
      events: ctx.events,
      packages: packages.store,
      services: services.store,
      repositories: repositories.store,
      catalog,
      log: ctx.log.child({ controller: DCOS_PACKAGE_CONTROLLER }),
    };

    const controller = new Controller(DCOS_PACKAGE_CONTROLLER, (key) => reconcileDcosPackage(reconciler, key), ctx.log, {
      workers: ctx.config.workers,
      resyncMs: ctx.config.resyncSeconds * 1000,
      keys: () => packages.store.keys(),
    });
    const enqueueOwner = (service: ServiceObject) => {
      const owner = controllerOwner(service);
      if (owner && service.metadata.namespace) controller.enqueue(`${service.metadata.namespace}/${owner.name}`);
    };
    packages.on({
      onAdd: (p) => controller.enqueue(objectKey(p)),
      // Our own status writes change the resourceVersion, not the generation: no work for them.
      onUpdate: (a, b) => {
        if (a.metadata.generation !== b.metadata.generation || a.metadata.uid !== b.metadata.uid) controller.enqueue(objectKey(b));
      },
    });
    services.on({
      onAdd: enqueueOwner,
      // Pod counts change all the time; only what the package shows (health, app id, a refused child) or an edit of the spec is news.
      onUpdate: (a, b) => {
        const changed = a.metadata.generation !== b.metadata.generation || a.status?.health !== b.status?.health || a.status?.appId !== b.status?.appId || readyReason(a) !== readyReason(b);
        if (changed || a.metadata.deletionTimestamp !== b.metadata.deletionTimestamp) enqueueOwner(b);
      },
      onDelete: enqueueOwner,
    });
    // A repository read, changed or gone can change what every package resolves to.
    catalog.onChange(() => packages.store.keys().forEach((k) => controller.enqueue(k)));
    return controller;
  };
}
