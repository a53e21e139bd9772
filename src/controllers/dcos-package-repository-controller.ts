import { isNotFound, type KubeObjectLike } from '../kube/kube-client.ts';
import type { ControllerFactory } from '../operator/operator.ts';
import { API_VERSION } from '../resources/api-group.ts';
import type { DcosPackageRepository } from '../resources/dcos-package-repository.ts';
import { ensureDefaultRepository } from './dcos-package-default-repository.ts';
import { readRepository } from './dcos-package-repository-reader.ts';
import { readingStatus, repositoryStatus } from './dcos-package-repository-status.ts';
import type { RepositoryCatalog } from './repository-catalog.ts';
import { Controller } from './runtime/controller.ts';
import { objectKey } from './runtime/object-key.ts';

export const REPOSITORY_CONTROLLER_NAME = 'dcospackagerepository';

export interface RepositoryControllerOptions {
  /** How often a good repository is read again (upstream indexes change without any event here). */
  syncIntervalMs?: number;
  /** How soon a failed read is tried again (a ConfigMap or server may appear any moment). */
  retryIntervalMs?: number;
  fetchTimeoutMs?: number;
}

function specOrMetadataChanged(a: DcosPackageRepository, b: DcosPackageRepository): boolean {
  // Status writes (ours, every sync) must not trigger another read; an annotation is a user's "sync now".
  return a.metadata.generation !== b.metadata.generation || JSON.stringify(a.metadata.annotations) !== JSON.stringify(b.metadata.annotations);
}

/**
 * Reads every DcosPackageRepository into the catalog, keeping the last good copy through failures,
 * and reports what it serves in the repository's status.
 */
export function dcosPackageRepositoryController(catalog: RepositoryCatalog, opts: RepositoryControllerOptions = {}): ControllerFactory {
  const syncIntervalMs = opts.syncIntervalMs ?? 10 * 60_000;
  const retryIntervalMs = opts.retryIntervalMs ?? 30_000;
  const fetchTimeoutMs = opts.fetchTimeoutMs ?? 30_000;

  return async (ctx) => {
    const { client, events } = ctx;
    const log = ctx.log.child({ controller: REPOSITORY_CONTROLLER_NAME });
    const informer = ctx.informers.informer<DcosPackageRepository & KubeObjectLike>({ apiVersion: API_VERSION, kind: 'DcosPackageRepository' });

    const reconcile = async (key: string) => {
      // 1. Load from the cache; a repository gone leaves the catalog too.
      const repository = informer.store.get(key);
      if (!repository || repository.metadata.deletionTimestamp) {
        catalog.remove(key);
        return;
      }
      const { generation } = repository.metadata;
      const priority = repository.spec.priority;

      const writeStatus = async (status: DcosPackageRepository['status']) => {
        try {
          await client.apply({ apiVersion: API_VERSION, kind: 'DcosPackageRepository', metadata: { name: key }, status } as KubeObjectLike, { subresource: 'status' });
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      };
      // A new generation's first read may take up to the fetch timeout: say so, so GitOps tools wait.
      if (repository.status?.observedGeneration !== generation) await writeStatus(readingStatus(generation, repository.status, new Date().toISOString()));

      // 2. Read it; every failure is a value.
      const result = await readRepository(client, repository.spec, fetchTimeoutMs);
      const now = new Date().toISOString();
      if (result.ok) catalog.recordSuccess(key, generation, priority, result.value, now);
      else catalog.recordFailure(key, generation, priority, result.error);

      // 3. Status, and an event when it turns bad or good again.
      const entry = catalog.get(key)!;
      const previous = repository.status?.conditions;
      const status = repositoryStatus(entry, generation, previous, now);
      const wasReady = previous?.find((c) => c.type === 'Ready')?.status;
      if (!result.ok) {
        log.warn({ repository: key, reason: result.error.reason, message: result.error.message }, 'repository read failed');
        void events.emit(repository, 'Warning', result.error.reason, result.error.message, 'Sync');
      } else if (wasReady !== 'True') {
        void events.emit(repository, 'Normal', 'Synced', `${result.value.packages.length} packages from ${result.value.source}`, 'Sync');
      }
      await writeStatus(status);
      return { requeueAfterMs: result.ok ? syncIntervalMs : retryIntervalMs };
    };

    const controller = new Controller(REPOSITORY_CONTROLLER_NAME, reconcile, ctx.log, { workers: ctx.config.workers });
    informer.on({
      onAdd: (o) => controller.enqueue(objectKey(o)),
      onUpdate: (a, b) => {
        if (specOrMetadataChanged(a, b) || b.metadata.deletionTimestamp) controller.enqueue(objectKey(b));
      },
      onDelete: (o) => controller.enqueue(objectKey(o)),
    });
    await ensureDefaultRepository(client, ctx.config.defaultRepositoryDirectory, log);
    return controller;
  };
}
