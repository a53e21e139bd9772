import type { ControllerContext } from '../operator/operator.ts';
import type { Informer } from './runtime/informer.ts';
import type { DcosService } from '../resources/dcos-service.ts';
import type { KubeObjectLike } from '../kube/kube-client.ts';
import { API_VERSION } from '../resources/api-group.ts';
import { podUntracked, projectPod, type ProjectedPod } from './pod-projection.ts';
import { cachedNode } from './node-projection.ts';
import { MANAGED_BY_SELECTOR } from '../marathon/operator-labels.ts';
import { stripServerFields } from './runtime/object-store.ts';
import { shared, sharedConditions, sharedMetadata } from './runtime/shared-strings.ts';

// Controllers ask for these by the same target, so the InformerFactory hands them one shared cache.

type CachedDcosService = DcosService & KubeObjectLike;

/** A DcosService as the apiserver sent it, less managedFields, its repeated strings shared (runtime/shared-strings.ts). */
function projectDcosService(raw: CachedDcosService): CachedDcosService {
  const o = stripServerFields(raw);
  const status = o.status && { ...o.status, ...(o.status.conditions && { conditions: sharedConditions(o.status.conditions) }), ...(o.status.image !== undefined && { image: shared(o.status.image) }) };
  return { ...o, apiVersion: shared(o.apiVersion), kind: shared(o.kind), metadata: sharedMetadata(o.metadata), ...(status && { status }) };
}

export function dcosServiceInformer(ctx: ControllerContext): Informer<CachedDcosService> {
  return ctx.informers.informer<CachedDcosService>({ apiVersion: API_VERSION, kind: 'DcosService', namespace: ctx.config.watchNamespace }, projectDcosService);
}

/** Every pod of the cluster (the accounting needs them all): DcosServices' projected to what controllers read, the others not kept (the ledger keeps what it needs of them). */
export function podInformer(ctx: ControllerContext): Informer<ProjectedPod> {
  return ctx.informers.informer<ProjectedPod>({ apiVersion: 'v1', kind: 'Pod' }, projectPod as (p: ProjectedPod) => ProjectedPod, podUntracked);
}

export function managedInformer<T extends KubeObjectLike>(ctx: ControllerContext, apiVersion: string, kind: string, project?: (obj: T) => T): Informer<T> {
  return ctx.informers.informer<T>({ apiVersion, kind, namespace: ctx.config.watchNamespace, labelSelector: MANAGED_BY_SELECTOR }, project);
}

/** Every Node, projected to its identity and topology (the ledger reads each event's whole Node). */
export function nodeInformer(ctx: ControllerContext): Informer<KubeObjectLike> {
  return ctx.informers.informer<KubeObjectLike>({ apiVersion: 'v1', kind: 'Node' }, cachedNode);
}
