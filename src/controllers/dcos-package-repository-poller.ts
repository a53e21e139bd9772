import type { Logger } from 'pino';
import type { KubeClient, KubeObjectLike } from '../kube/kube-client.ts';
import { API_VERSION } from '../resources/api-group.ts';
import type { DcosPackageRepository } from '../resources/dcos-package-repository.ts';
import { readRepository } from './dcos-package-repository-reader.ts';
import { jitteredBackoffMs } from './runtime/backoff.ts';
import { RepositoryCatalog } from './repository-catalog.ts';

export interface RepositoryPollerOptions {
  intervalMs?: number;
  fetchTimeoutMs?: number;
  /** After a failed list (an apiserver still starting answers 429), retry from this, doubling up to intervalMs. */
  retryBaseMs?: number;
}

/**
 * A catalog for a replica that does not lead (its admission webhook still needs packages): every
 * interval it lists the DcosPackageRepositories and reads them, keeping last good copies, without
 * writing any status (that is the leader's job).
 */
export function pollRepositories(client: KubeClient, log: Logger, opts: RepositoryPollerOptions = {}): { catalog: RepositoryCatalog; stop: () => void } {
  const catalog = new RepositoryCatalog();
  const fetchTimeoutMs = opts.fetchTimeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 60_000;
  let failures = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => void poll(), ms);
    timer.unref();
  };
  const poll = async () => {
    try {
      const list = await client.list<DcosPackageRepository & KubeObjectLike>(API_VERSION, 'DcosPackageRepository');
      failures = 0;
      const names = new Set(list.items.map((r) => r.metadata.name));
      for (const name of catalog.names()) if (!names.has(name)) catalog.remove(name);
      await Promise.all(
        list.items.map(async (r) => {
          const result = await readRepository(client, r.spec, fetchTimeoutMs);
          if (result.ok) catalog.recordSuccess(r.metadata.name, r.metadata.generation, r.spec.priority, result.value, new Date().toISOString());
          else catalog.recordFailure(r.metadata.name, r.metadata.generation, r.spec.priority, result.error);
        }),
      );
      schedule(intervalMs);
    } catch (err) {
      // Until the first list succeeds the webhook cannot check package options: do not wait a whole interval.
      const retryMs = jitteredBackoffMs(failures++, opts.retryBaseMs ?? 500, intervalMs);
      log.warn({ err: err instanceof Error ? err.message : String(err), retryMs }, 'could not list package repositories; keeping the last copies');
      schedule(retryMs);
    }
  };
  void poll();
  return {
    catalog,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
