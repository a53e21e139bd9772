import type { Logger } from 'pino';
import type { KubeClient, KubeObjectLike } from '../kube/kube-client.ts';
import { API_VERSION } from '../resources/api-group.ts';
import type { DcosPackageRepository } from '../resources/dcos-package-repository.ts';
import { readRepository } from './dcos-package-repository-reader.ts';
import { RepositoryCatalog } from './repository-catalog.ts';

export interface RepositoryPollerOptions {
  intervalMs?: number;
  fetchTimeoutMs?: number;
}

/**
 * A catalog for a replica that does not lead (its admission webhook still needs packages): every
 * interval it lists the DcosPackageRepositories and reads them, keeping last good copies, without
 * writing any status (that is the leader's job).
 */
export function pollRepositories(client: KubeClient, log: Logger, opts: RepositoryPollerOptions = {}): { catalog: RepositoryCatalog; stop: () => void } {
  const catalog = new RepositoryCatalog();
  const fetchTimeoutMs = opts.fetchTimeoutMs ?? 10_000;
  let running = false;
  const poll = async () => {
    if (running) return;
    running = true;
    try {
      const list = await client.list<DcosPackageRepository & KubeObjectLike>(API_VERSION, 'DcosPackageRepository');
      const names = new Set(list.items.map((r) => r.metadata.name));
      for (const name of catalog.names()) if (!names.has(name)) catalog.remove(name);
      await Promise.all(
        list.items.map(async (r) => {
          const result = await readRepository(client, r.spec, fetchTimeoutMs);
          if (result.ok) catalog.recordSuccess(r.metadata.name, r.metadata.generation, r.spec.priority, result.value, new Date().toISOString());
          else catalog.recordFailure(r.metadata.name, r.metadata.generation, r.spec.priority, result.error);
        }),
      );
    } catch (err) {
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not list package repositories; keeping the last copies');
    } finally {
      running = false;
    }
  };
  void poll();
  const timer = setInterval(() => void poll(), opts.intervalMs ?? 60_000);
  timer.unref();
  return { catalog, stop: () => clearInterval(timer) };
}
