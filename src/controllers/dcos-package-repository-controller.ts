import type { Logger } from 'pino';
import type { KubeClient, KubeObjectLike } from '../kube/kube-client.ts';
import type { ControllerFactory } from '../operator/operator.ts';
import type { DcosPackageRepository } from '../resources/dcos-package-repository.ts';
import { API_VERSION } from '../resources/api-group.ts';
import { ensureDefaultRepository } from './dcos-package-default-repository.ts';
import { readRepository } from './dcos-package-repository-reader.ts';
import { readingStatus, repositoryStatus } from './dcos-package-repository-status.ts';
import type { RepositoryCatalog } from './repository-catalog.ts';
import { Controller, type ReconcileResult } from './runtime/controller.ts';
import type { EventRecorder } from './runtime/event-recorder.ts';
import { objectKey } from './runtime/object-key.ts';
import type { CacheView } from './runtime/object-store.ts';
import { announceRefusal } from './runtime/refusal.ts';
import { writeStatus } from './runtime/status-writer.ts';

export const DCOS_PACKAGE_REPOSITORY_CONTROLLER = 'dcospackagerepository';

type RepositoryObject = DcosPackageRepository & KubeObjectLike;

export interface DcosPackageRepositoryControllerOptions {
  /** Where the repositories read are kept, for the package controller. */
  catalog: RepositoryCatalog;
  /** How often a good repository is read again (upstream indexes change without any event here). */
  syncIntervalMs?: number;
  /** How soon a failed read is tried again (a ConfigMap or server may appear any moment). */
  retryIntervalMs?: number;
  fetchTimeoutMs?: number;
}

/** What one DcosPackageRepository reconcile reads and writes through. */
export interface DcosPackageRepositoryReconciler {
  client: Pick<KubeClient, 'apply' | 'getOrUndefined'>;
  events: Pick<EventRecorder, 'emit'>;
  repositories: CacheView<RepositoryObject>;
  catalog: Pick<RepositoryCatalog, 'remove' | 'recordSuccess' | 'recordFailure' | 'get'>;
  log: Logger;
  syncIntervalMs: number;
  retryIntervalMs: number;
  fetchTimeoutMs: number;
  now?: () => Date;
}

function specOrMetadataChanged(a: DcosPackageRepository, b: DcosPackageRepository): boolean {
  // Status writes (ours, every sync) must not trigger another read; an annotation is a user's "sync now".
  return a.metadata.generation !== b.metadata.generation || JSON.stringify(a.metadata.annotations) !== JSON.stringify(b.metadata.annotations);
}

/**
 * Reads a DcosPackageRepository into the catalog, keeping the last good copy through failures:
 *   1. load it from the cache (gone: it leaves the catalog);
 *   2. read it (every failure is a value);
 *   3. status (what it serves, why the last read failed) and an event when it turns bad or good;
 *   4. read again after the sync interval, or sooner after a failure.
 */
export async function reconcileDcosPackageRepository(r: DcosPackageRepositoryReconciler, key: string): Promise<ReconcileResult | void> {
  // 1. Load.
  const repository = r.repositories.get(key);
  if (!repository || repository.metadata.deletionTimestamp) {
    r.catalog.remove(key);
    return;
  }
  const { generation } = repository.metadata;
  const priority = repository.spec.priority;

  // 2. Read. A new generation's first read may take up to the fetch timeout: say so first, so GitOps tools wait.
  if (repository.status?.observedGeneration !== generation) await writeStatus(r.client, 'DcosPackageRepository', repository, readingStatus(generation, repository.status, (r.now?.() ?? new Date()).toISOString()));
  const result = await readRepository(r.client, repository.spec, r.fetchTimeoutMs);
  const now = (r.now?.() ?? new Date()).toISOString();
  if (result.ok) r.catalog.recordSuccess(key, generation, priority, result.value, now);
  else r.catalog.recordFailure(key, generation, priority, result.error);

  // 3. Status and events.
  const previous = repository.status?.conditions;
  const status = repositoryStatus(r.catalog.get(key)!, generation, previous, now);
  const wasReady = previous?.find((c) => c.type === 'Ready')?.status;
  if (!result.ok) {
    r.log.warn({ repository: key, reason: result.error.reason, message: result.error.message }, 'repository read failed');
    announceRefusal(r.events, repository, result.error, 'Sync');
  } else if (wasReady !== 'True') {
    void r.events.emit(repository, 'Normal', 'Synced', `${result.value.packages.length} packages from ${result.value.source}`, 'Sync');
  }
  await writeStatus(r.client, 'DcosPackageRepository', repository, status);

  // 4. Again later.
  return { requeueAfterMs: result.ok ? r.syncIntervalMs : r.retryIntervalMs };
}

/** Wires the DcosPackageRepository reconcile to its watch, and makes the `default` repository when missing. */
export function dcosPackageRepositoryController(opts: DcosPackageRepositoryControllerOptions): ControllerFactory {
  return async (ctx) => {
    const log = ctx.log.child({ controller: DCOS_PACKAGE_REPOSITORY_CONTROLLER });
    const informer = ctx.informers.informer<RepositoryObject>({ apiVersion: API_VERSION, kind: 'DcosPackageRepository' });
    const reconciler: DcosPackageRepositoryReconciler = {
      client: ctx.client,
      events: ctx.events,
      repositories: informer.store,
      catalog: opts.catalog,
      log,
      syncIntervalMs: opts.syncIntervalMs ?? 10 * 60_000,
      retryIntervalMs: opts.retryIntervalMs ?? 30_000,
      fetchTimeoutMs: opts.fetchTimeoutMs ?? 30_000,
    };
    const controller = new Controller(DCOS_PACKAGE_REPOSITORY_CONTROLLER, (key) => reconcileDcosPackageRepository(reconciler, key), ctx.log, { workers: ctx.config.workers });
    informer.on({
      onAdd: (o) => controller.enqueue(objectKey(o)),
      onUpdate: (a, b) => {
        if (specOrMetadataChanged(a, b) || b.metadata.deletionTimestamp) controller.enqueue(objectKey(b));
      },
      onDelete: (o) => controller.enqueue(objectKey(o)),
    });
    await ensureDefaultRepository(ctx.client, ctx.config.defaultRepositoryDirectory, log);
    return controller;
  };
}
