import type { Logger } from 'pino';
import { isConflict, type KubeClient, type KubeObjectLike } from '../kube/kube-client.ts';
import { API_VERSION } from '../resources/api-group.ts';

export const DEFAULT_REPOSITORY_NAME = 'default';

/**
 * Makes `kubectl apply -f` of a DcosPackage work on a new cluster: creates the `default`
 * repository pointing at the packages the operator ships, only when there is none. A user's
 * edit (another directory, a URL, a priority) is never overwritten; a deleted one comes back at
 * the next start.
 */
export async function ensureDefaultRepository(client: KubeClient, directory: string | undefined, log: Logger): Promise<void> {
  if (!directory) return;
  try {
    const existing = await client.getOrUndefined(API_VERSION, 'DcosPackageRepository', DEFAULT_REPOSITORY_NAME);
    if (existing) return;
    const repository = { apiVersion: API_VERSION, kind: 'DcosPackageRepository', metadata: { name: DEFAULT_REPOSITORY_NAME }, spec: { directory } };
    await client.create(repository as KubeObjectLike);
    log.info({ directory }, 'created the default DcosPackageRepository');
  } catch (err) {
    // Another replica or a user created it first: theirs stands. Anything else must not stop the operator.
    if (isConflict(err)) return;
    log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not create the default DcosPackageRepository');
  }
}
