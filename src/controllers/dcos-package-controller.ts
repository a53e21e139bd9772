import { isNotFound, KubeApiError, type KubeObjectLike } from '../kube/kube-client.ts';
import type { ControllerFactory } from '../operator/operator.ts';
import { API_VERSION } from '../resources/api-group.ts';
import type { DcosPackage } from '../resources/dcos-package.ts';
import type { DcosPackageRepository } from '../resources/dcos-package-repository.ts';
import type { DcosService } from '../resources/dcos-service.ts';
import { MESOS_CONDITION } from '../universe/mesos-dependency-status.ts';
import { PACKAGE_LABEL, renderDcosPackage } from '../universe/package-render.ts';
import type { UniverseError } from '../universe/universe-result.ts';
import { failedStatus, installedStatus, serviceStatuses } from './dcos-package-status.ts';
import type { RepositoryCatalog } from './repository-catalog.ts';
import { Controller } from './runtime/controller.ts';
import { objectKey } from './runtime/object-key.ts';
import { dcosServiceInformer } from './shared-informers.ts';

export const PACKAGE_CONTROLLER_NAME = 'dcospackage';

type PackageObject = DcosPackage & KubeObjectLike;
type ServiceObject = DcosService & KubeObjectLike;

function controllerOwner(obj: { metadata: { ownerReferences?: Array<{ kind: string; name: string; uid: string; controller?: boolean }> } }) {
  return obj.metadata.ownerReferences?.find((r) => r.controller && r.kind === 'DcosPackage');
}

/** 4xx from the apiserver (invalid, forbidden, denied by a webhook) will not go away by retrying; 5xx and network errors may. */
function refusal(err: unknown): string | undefined {
  if (!(err instanceof KubeApiError) || err.status < 400 || err.status >= 500 || [404, 409, 429].includes(err.status)) return undefined;
  const message = (err.body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : err.message;
}

/** The package's notion of safety, checked again at the last moment before anything is written. */
function unsafeService(service: DcosService, namespace: string): string | undefined {
  if (service.apiVersion !== API_VERSION || service.kind !== 'DcosService') return `the render produced a ${service.apiVersion} ${service.kind}, not a DcosService`;
  if (service.metadata.namespace !== namespace) return `the render placed ${service.metadata.name} in namespace ${service.metadata.namespace}, not ${namespace}`;
  return undefined;
}

/**
 * Installs DcosPackages: resolve over the repositories, render, apply the DcosServices (owned by
 * the package, so deleting it garbage-collects them), remove the ones a new render dropped, and
 * report the services' health. Any failure leaves the running services untouched.
 */
export function dcosPackageController(catalog: RepositoryCatalog): ControllerFactory {
  return (ctx) => {
    const { client, events } = ctx;
    const namespace = ctx.config.watchNamespace || undefined;
    const packages = ctx.informers.informer<PackageObject>({ apiVersion: API_VERSION, kind: 'DcosPackage', namespace });
    // The DcosService controller's cache: one copy of every DcosService, not a second one for packages.
    const services = dcosServiceInformer(ctx);
    const repositories = ctx.informers.informer<DcosPackageRepository & KubeObjectLike>({ apiVersion: API_VERSION, kind: 'DcosPackageRepository' });

    const lookupService = (ns: string) => (name: string) => services.store.get(`${ns}/${name}`);
    const ownedBy = (uid: string | undefined) =>
      services.store.list().filter((s) => uid !== undefined && s.metadata.labels?.[PACKAGE_LABEL] !== undefined && controllerOwner(s)?.uid === uid);

    const writeStatus = async (pkg: PackageObject, status: DcosPackage['status']) => {
      const body = { apiVersion: API_VERSION, kind: 'DcosPackage', metadata: { name: pkg.metadata.name, namespace: pkg.metadata.namespace }, status };
      try {
        await client.apply(body as KubeObjectLike, { subresource: 'status' });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    };

    const reportFailure = async (pkg: PackageObject, error: UniverseError) => {
      const ns = pkg.metadata.namespace!;
      const running = ownedBy(pkg.metadata.uid).map((s) => ({ name: s.metadata.name, appId: s.spec.id ?? '' }));
      await writeStatus(pkg, failedStatus(pkg, error, serviceStatuses(running, lookupService(ns)), new Date().toISOString()));
      void events.emit(pkg, 'Warning', error.reason, error.message, 'Install');
    };

    const reconcile = async (key: string) => {
      // 1. Load from the cache; a deleted package's services go with it (owner references).
      const pkg = packages.store.get(key);
      if (!pkg || pkg.metadata.deletionTimestamp) return;
      const ns = pkg.metadata.namespace!;

      // 2. Until every repository has been read once, "not found" could be a lie.
      if (repositories.store.list().some((r) => !catalog.has(r.metadata.name))) return { requeueAfterMs: 2_000 };

      // 3. Desired services, from the pure core.
      const rendered = renderDcosPackage(pkg, catalog.repositories());
      if (!rendered.ok) return void (await reportFailure(pkg, rendered.error));
      const desired = rendered.value.services;
      for (const service of desired) {
        const unsafe = unsafeService(service, ns);
        if (unsafe) return void (await reportFailure(pkg, { reason: 'UnsafeRender', message: unsafe }));
      }

      // 4. Never take over a DcosService someone else made (Cosmos refused an app id in use).
      const owned = ownedBy(pkg.metadata.uid);
      const ownedNames = new Set(owned.map((s) => s.metadata.name));
      for (const service of desired.filter((s) => !ownedNames.has(s.metadata.name))) {
        const existing = await client.getOrUndefined<ServiceObject>(API_VERSION, 'DcosService', service.metadata.name, ns);
        if (existing && controllerOwner(existing)?.uid !== pkg.metadata.uid) {
          const owner = controllerOwner(existing);
          const by = owner ? `by DcosPackage ${owner.name}` : 'by no DcosPackage';
          return void (await reportFailure(pkg, { reason: 'ServiceExists', message: `DcosService ${ns}/${service.metadata.name} already exists and is owned ${by}; choose another appId` }));
        }
      }

      // 5. Dry-run everything first, so a refusal of one service does not leave a half-upgraded install.
      for (const dryRun of [true, false]) {
        for (const service of desired) {
          try {
            await client.apply(service as unknown as KubeObjectLike, { dryRun });
          } catch (err) {
            const refused = refusal(err);
            if (refused === undefined) throw err;
            return void (await reportFailure(pkg, { reason: 'ServiceRejected', message: `the apiserver refused DcosService ${service.metadata.name}: ${refused}` }));
          }
        }
      }

      // 6. Services an earlier render made that this one does not.
      const desiredNames = new Set(desired.map((s) => s.metadata.name));
      for (const stale of owned.filter((s) => !desiredNames.has(s.metadata.name))) {
        await client.delete(API_VERSION, 'DcosService', stale.metadata.name, ns);
        void events.emit(pkg, 'Normal', 'ServiceRemoved', `removed DcosService ${stale.metadata.name}: the package no longer renders it`, 'Install');
      }

      // 7. Status; an event when this generation is installed for the first time.
      const names = desired.map((s) => ({ name: s.metadata.name, appId: s.spec.id ?? '' }));
      const status = installedStatus(pkg, rendered.value, serviceStatuses(names, lookupService(ns)), new Date().toISOString());
      const wasInstalled = pkg.status?.observedGeneration === pkg.metadata.generation && pkg.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      await writeStatus(pkg, status);
      if (!wasInstalled) {
        const verb = pkg.status?.resolvedVersion ? 'Upgraded' : 'Installed';
        void events.emit(pkg, 'Normal', verb, status.conditions!.find((c) => c.type === 'Ready')!.message, 'Install');
        const mesos = status.conditions!.find((c) => c.type === MESOS_CONDITION && c.status === 'True');
        if (mesos) void events.emit(pkg, 'Warning', mesos.reason, mesos.message, 'Install');
      }
    };

    const controller = new Controller(PACKAGE_CONTROLLER_NAME, reconcile, ctx.log, {
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
      // Pod counts change all the time; only what the package shows (health, app id) or an edit of the spec is news.
      onUpdate: (a, b) => {
        const changed = a.metadata.generation !== b.metadata.generation || a.status?.health !== b.status?.health || a.status?.appId !== b.status?.appId;
        if (changed || a.metadata.deletionTimestamp !== b.metadata.deletionTimestamp) enqueueOwner(b);
      },
      onDelete: enqueueOwner,
    });
    // A repository read, changed or gone can change what every package resolves to.
    catalog.onChange(() => packages.store.keys().forEach((k) => controller.enqueue(k)));
    return controller;
  };
}
