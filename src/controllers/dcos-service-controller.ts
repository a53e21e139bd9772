import type { ControllerFactory } from '../operator/operator.ts';
import type { KubeObjectLike } from '../kube/kube-client.ts';
import { appIdOf, resolveDependencies, serviceNameOf } from '../marathon/index.ts';
import { Controller } from './runtime/controller.ts';
import type { Priority } from './runtime/work-queue.ts';
import { objectKey } from './runtime/object-key.ts';
import { StatusAfterChildren } from './runtime/status-after-children.ts';
import { dcosServiceInformer, managedInformer, podInformer } from './shared-informers.ts';
import type { ProjectedPod } from './pod-projection.ts';
import { ServiceBookkeeping } from './dcos-service-bookkeeping.ts';
import { DependentsIndex } from './dependents-index.ts';
import { projectWorkload, reconcileDcosService, type DcosServiceReconciler, type Svc, type WorkloadObj } from './dcos-service-reconcile.ts';
import { shared, sharedMetadata } from './runtime/shared-strings.ts';

export const DCOS_SERVICE_CONTROLLER = 'dcosservice';

export interface DcosServiceControllerOptions {
  /** The Marathon translation (default: the Marathon core's); tests may force one. */
  translate?: DcosServiceReconciler['translate'];
}

function projectMetadata<T extends KubeObjectLike>(o: T): T {
  const m = o.metadata;
  return {
    apiVersion: shared(o.apiVersion),
    kind: shared(o.kind),
    metadata: sharedMetadata({ name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, generation: m.generation, labels: m.labels, annotations: m.annotations, ownerReferences: m.ownerReferences }),
  } as T;
}

/**
 * Labels and annotations as the operator compares them to see whether someone edited a child: the
 * workload controllers' own (deployment.kubernetes.io/revision, set on every new Deployment) are
 * not an edit, and re-applying for them would write every Deployment twice.
 */
function editableMetadata(o: KubeObjectLike): string {
  const annotations = Object.entries(o.metadata.annotations ?? {}).filter(([k]) => !k.startsWith('deployment.kubernetes.io/'));
  return JSON.stringify([o.metadata.labels, annotations]);
}

const ownerKey = (obj: KubeObjectLike): string | undefined => {
  const owner = obj.metadata.ownerReferences?.find((o) => o.controller && o.kind === 'DcosService');
  return owner ? `${obj.metadata.namespace}/${owner.name}` : undefined;
};

const serviceOfPod = (p: ProjectedPod): string | undefined => {
  const svc = serviceNameOf(p.metadata);
  return svc ? `${p.metadata.namespace}/${svc}` : undefined;
};

/**
 * Wires the DcosService reconcile (dcos-service-reconcile.ts) to its watches: which event asks for
 * what. A change of spec, of metadata that matters, or of a child's spec is an apply; a pod or a
 * child's status is a status refresh (low lane, after a short settle).
 */
export function dcosServiceController(opts: DcosServiceControllerOptions = {}): ControllerFactory {
  return (ctx) => {
    const services = dcosServiceInformer(ctx);
    const workloads = {
      Deployment: managedInformer<WorkloadObj>(ctx, 'apps/v1', 'Deployment', projectWorkload),
      StatefulSet: managedInformer<WorkloadObj>(ctx, 'apps/v1', 'StatefulSet', projectWorkload),
    };
    const k8sServices = managedInformer<KubeObjectLike>(ctx, 'v1', 'Service', projectMetadata);
    const pods = podInformer(ctx);
    const book = new ServiceBookkeeping<WorkloadObj>();

    const controller = new Controller(DCOS_SERVICE_CONTROLLER, (key) => reconcileDcosService(reconciler, key), ctx.log, {
      workers: ctx.config.workers,
      resyncMs: ctx.config.resyncSeconds * 1000,
      keys: () => {
        // A resync looks for drift: every service's children are applied again.
        const keys = services.store.keys();
        for (const k of keys) book.requestApply(k);
        return keys;
      },
    });
    const statusTiming = new StatusAfterChildren(controller.queue);
    const reconciler: DcosServiceReconciler = {
      client: ctx.client,
      events: ctx.events,
      services: services.store,
      workloads: { Deployment: workloads.Deployment.store, StatefulSet: workloads.StatefulSet.store },
      k8sServices: k8sServices.store,
      pods: pods.store,
      book,
      statusTiming,
      translate: opts.translate,
      defaultImage: ctx.config.defaultImage,
      log: ctx.log.child({ controller: DCOS_SERVICE_CONTROLLER }),
    };

    const enqueueApply = (key: string, priority: Priority = 'normal') => {
      book.requestApply(key);
      controller.enqueue(key, priority);
    };
    /** Dependents wait on a dependency's status: look at them again when it changes (found by index, not by a scan of every service). */
    const dependents = new DependentsIndex();
    const indexDependencies = (s: Svc) => dependents.set(objectKey(s), s.metadata.namespace!, s.spec.dependencies?.length ? resolveDependencies(appIdOf(s), s.spec.dependencies) : []);
    const enqueueDependents = (svc: Svc) => {
      for (const key of dependents.dependentsOf(svc.metadata.namespace!, svc.status?.appId ?? appIdOf(svc))) enqueueApply(key);
    };

    services.on({
      // After a restart every service is added again: those whose status shows their current spec
      // was acted on only need a look for drift, after the new and changed ones.
      onAdd: (s) => {
        indexDependencies(s);
        enqueueApply(objectKey(s), s.status?.observedGeneration === s.metadata.generation ? 'low' : 'normal');
      },
      onUpdate: (old, s) => {
        if (old.metadata.generation !== s.metadata.generation) indexDependencies(s);
        // Our own status writes come back as updates: only spec, metadata that matters, or deletion is work.
        // Deleted and created again between two looks (a relist after a watch gap): a new service,
        // whose children (owned by the old uid) the garbage collector takes away.
        const recreated = old.metadata.uid !== s.metadata.uid;
        if (recreated) book.forget(objectKey(s));
        const specChanged = recreated || old.metadata.generation !== s.metadata.generation;
        const annotationsChanged = JSON.stringify(old.metadata.annotations) !== JSON.stringify(s.metadata.annotations);
        if (specChanged || annotationsChanged || s.metadata.deletionTimestamp) enqueueApply(objectKey(s));
        if (JSON.stringify(old.status) !== JSON.stringify(s.status)) enqueueDependents(s);
      },
      onDelete: (s) => {
        dependents.remove(objectKey(s));
        enqueueDependents(s);
      },
    });

    /** A child changed: its spec or metadata (someone edited what we own, or deleted it) means apply; status only means look. */
    const enqueueOwner = (o: KubeObjectLike, apply: boolean) => {
      const key = ownerKey(o);
      if (!key) return;
      if (apply) enqueueApply(key);
      else statusTiming.refreshSoon(key);
    };
    const byOwner = {
      onAdd: (o: KubeObjectLike) => enqueueOwner(o, false),
      onUpdate: (old: KubeObjectLike, o: KubeObjectLike) => enqueueOwner(o, old.metadata.generation !== o.metadata.generation || editableMetadata(old) !== editableMetadata(o)),
      onDelete: (o: KubeObjectLike) => enqueueOwner(o, true),
    };
    // Only a workload of the kind that was applied stands for it (a kind switch deletes the other).
    const seen = (w: KubeObjectLike) => {
      const key = ownerKey(w);
      if (key && book.notYetSeen(key)?.kind === w.kind) book.seen(key);
    };
    for (const informer of [workloads.Deployment, workloads.StatefulSet]) informer.on(byOwner).on({ onAdd: seen, onDelete: seen });
    k8sServices.on(byOwner);

    pods.on({
      onAdd: (p) => {
        const key = serviceOfPod(p);
        if (!key) return;
        book.podAdded(key, objectKey(p));
        statusTiming.refreshSoon(key);
      },
      onUpdate: (_, p) => {
        const key = serviceOfPod(p);
        if (key) statusTiming.refreshSoon(key);
      },
      onDelete: (p) => {
        const key = serviceOfPod(p);
        if (!key) return;
        book.podDeleted(key, objectKey(p));
        statusTiming.refreshSoon(key);
      },
    });
    return controller;
  };
}
