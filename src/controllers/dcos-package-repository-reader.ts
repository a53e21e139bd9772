import type { KubeClient, KubeObjectLike } from '../kube/kube-client.ts';
import type { DcosPackageRepositorySpec } from '../resources/dcos-package-repository.ts';
import { loadRepository } from '../universe/repository-source.ts';
import type { RepositoryIndex } from '../universe/universe-index.ts';
import { fail, type Result } from '../universe/universe-result.ts';

type ConfigMap = KubeObjectLike & { data?: Record<string, string> };

/**
 * Reads a repository as the operator sees it: URLs with a timeout (a hanging server must not hold
 * a worker), ConfigMaps through the API, directories from the operator's own disk. Even an API
 * error (a ConfigMap the operator may not read) comes back as a value for the status.
 */
export async function readRepository(client: Pick<KubeClient, 'getOrUndefined'>, spec: DcosPackageRepositorySpec, timeoutMs: number): Promise<Result<RepositoryIndex>> {
  try {
    return await loadRepository(spec, {
      timeoutMs,
      readConfigMap: async (ref) => {
        const configMap = await client.getOrUndefined<ConfigMap>('v1', 'ConfigMap', ref.name, ref.namespace);
        return configMap ? (configMap.data ?? {}) : undefined;
      },
    });
  } catch (error) {
    return fail('IndexUnreachable', (error as Error).message);
  }
}
