import { isDeepStrictEqual } from 'node:util';
import { isNotFound, type KubeClient, type KubeObjectLike } from '../../kube/kube-client.ts';
import { API_VERSION } from '../../resources/api-group.ts';

/** The four kinds whose status the operator writes. */
export type StatusKind = 'DcosService' | 'DcosPackage' | 'DcosPackageRepository' | 'DcosCluster';

/** What happened to a status write: written, skipped as nothing changed, or skipped as the object is gone. */
export type StatusWrite = 'written' | 'unchanged' | 'gone';

export interface StatusWriteOptions<S> {
  /** Whether `next` differs from what the object shows in a way worth a write (default: any difference). */
  changed?: (before: S | undefined, next: S) => boolean;
}

/** JSON as the apiserver would store it: undefined fields dropped, key order ignored by the comparison. */
const asStored = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

/** Whether a computed status differs from the one an object shows (as stored: key order and undefined fields do not count). */
export const statusDiffers = (before: unknown, next: unknown): boolean => !isDeepStrictEqual(asStored(before), asStored(next));

/**
 * Writes an object's status the one way every controller does: server-side apply to /status under the
 * operator's field manager, with `observedGeneration` set from the object the status was computed
 * from (what Argo CD, Flux and `kubectl wait` compare with metadata.generation). A status equal to
 * the one shown is not written (status writes are most of the operator's traffic); an object deleted
 * meanwhile is not an error (its status no longer matters).
 */
export async function writeStatus<S extends object>(
  client: Pick<KubeClient, 'apply'>,
  kind: StatusKind,
  object: KubeObjectLike & { status?: unknown },
  status: S,
  opts: StatusWriteOptions<S> = {},
): Promise<StatusWrite> {
  const generation = object.metadata.generation;
  const next: S = generation === undefined ? status : { ...status, observedGeneration: generation };
  const changed = opts.changed ?? statusDiffers;
  if (!changed(object.status as S | undefined, next)) return 'unchanged';
  const { name, namespace } = object.metadata;
  const body = { apiVersion: API_VERSION, kind, metadata: namespace === undefined ? { name } : { name, namespace }, status: next };
  try {
    await client.apply(body as unknown as KubeObjectLike, { subresource: 'status', discardAnswer: true });
    return 'written';
  } catch (err) {
    if (isNotFound(err)) return 'gone';
    throw err;
  }
}
