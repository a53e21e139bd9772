import type { Logger } from 'pino';
import { crdFor } from '../resources/crd.ts';
import { kinds } from '../resources/index.ts';
import type { KubeClient, KubeObjectLike } from '../kube/kube-client.ts';

type Crd = KubeObjectLike & { status?: { conditions?: Array<{ type: string; status: string; message?: string }> } };

/**
 * Installs or updates the CRDs from the zod schemas (server-side apply, so re-running is a no-op)
 * and waits until the apiserver serves them.
 */
export async function installCrds(client: KubeClient, log: Logger, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // At once: each is its own object, and an operator restarting is waiting on them before anything else.
  await Promise.all(kinds.map(async (def) => {
    let crd = await client.apply(crdFor(def) as Crd);
    for (;;) {
      const established = crd.status?.conditions?.find((c) => c.type === 'Established');
      if (established?.status === 'True') break;
      if (Date.now() > deadline) throw new Error(`CRD ${crd.metadata.name} was not Established within ${timeoutMs / 1000} s: ${established?.message ?? 'no condition yet'}`);
      await new Promise((r) => setTimeout(r, 200));
      crd = await client.get<Crd>('apiextensions.k8s.io/v1', 'CustomResourceDefinition', crd.metadata.name);
    }
  }));
  log.info({ crds: kinds.map((k) => k.plural) }, 'CRDs installed');
}
