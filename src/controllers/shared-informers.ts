import type { ControllerContext } from '../operator/operator.ts';
import type { Informer } from './runtime/informer.ts';
import type { DcosService } from '../resources/dcos-service.ts';
import type { KubeObjectLike } from '../kube/kube-client.ts';
import { API_VERSION } from '../resources/api-group.ts';
import { podCompaction, projectPod, type ProjectedPod } from './pod-projection.ts';
import { cachedNode } from './node-projection.ts';
import { MANAGED_BY_SELECTOR } from '../marathon/operator-labels.ts';

// Controllers ask for these by the same target, so the InformerFactory hands them one shared cache.

export function dcosServiceInformer(ctx: ControllerContext): Informer<DcosService & KubeObjectLike> {
  return ctx.informers.informer<DcosService & KubeObjectLike>({ apiVersion: API_VERSION, kind: 'DcosService', namespace: ctx.config.watchNamespace });
}

/** Every pod of the cluster (the accounting needs them all): DcosServices' projected to what controllers read, the others kept as their uid. */
export function podInformer(ctx: ControllerContext): Informer<ProjectedPod> {
  return ctx.informers.informer<ProjectedPod>({ apiVersion: 'v1', kind: 'Pod' }, projectPod as (p: ProjectedPod) => ProjectedPod, podCompaction);
}

export function managedInformer<T extends KubeObjectLike>(ctx: ControllerContext, apiVersion: string, kind: string, project?: (obj: T) => T): Informer<T> {
  return ctx.informers.informer<T>({ apiVersion, kind, namespace: ctx.config.watchNamespace, labelSelector: MANAGED_BY_SELECTOR }, project);
}

/** Every Node, projected to its identity and topology (the ledger reads each event's whole Node). */
export function nodeInformer(ctx: ControllerContext): Informer<KubeObjectLike> {
  return ctx.informers.informer<KubeObjectLike>({ apiVersion: 'v1', kind: 'Node' }, cachedNode);
}
