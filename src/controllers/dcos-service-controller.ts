import { Controller } from './runtime/controller.ts';
import type { Priority } from './runtime/work-queue.ts';
import { objectKey } from './runtime/object-key.ts';
import type { ControllerContext } from '../operator/operator.ts';
import type { KubeObjectLike } from '../kube/kube-client.ts';
import type { DcosService } from '../resources/dcos-service.ts';
import { API_VERSION } from '../resources/api-group.ts';
import {
  SERVICE_LABEL,
  appIdOf,
  computeServiceStatus,
  dependencyGate,
  resolveDependencies,
  translateService,
  type DependencyState,
} from '../marathon/index.ts';
import type { Deployment, Pod } from '../marathon/kube-objects.ts';
import { dcosServiceInformer, managedInformer, podInformer } from './shared-informers.ts';
import type { ProjectedPod } from './pod-projection.ts';

export const DCOS_SERVICE_CONTROLLER = 'dcosservice';

type Svc = DcosService & KubeObjectLike;
type DeploymentObj = Deployment & KubeObjectLike;

/** What the controller reads of its Deployments: who owns them, their generation, replicas and status; not the pod template. */
function projectDeployment(d: DeploymentObj): DeploymentObj {
  return { ...projectMetadata(d), spec: { replicas: d.spec?.replicas } as DeploymentObj['spec'], status: d.status } as DeploymentObj;
}

function projectMetadata<T extends KubeObjectLike>(o: T): T {
  const m = o.metadata;
  return {
    apiVersion: o.apiVersion,
    kind: o.kind,
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, generation: m.generation, labels: m.labels, annotations: m.annotations, ownerReferences: m.ownerReferences },
  } as T;
}

/**
 * Labels and annotations as the operator compares them to see whether someone edited a child: the
 * Deployment controller's own (deployment.kubernetes.io/revision, set on every new Deployment) are
 * not an edit, and re-applying for them would write every Deployment twice.
 */
function editableMetadata(o: KubeObjectLike): string {
  const annotations = Object.entries(o.metadata.annotations ?? {}).filter(([k]) => !k.startsWith('deployment.kubernetes.io/'));
  return JSON.stringify([o.metadata.labels, annotations]);
}

function sameMetadata(a: KubeObjectLike, b: KubeObjectLike): boolean {
  return editableMetadata(a) === editableMetadata(b);
}

const ownerKey = (obj: KubeObjectLike): string | undefined => {
  const owner = obj.metadata.ownerReferences?.find((o) => o.controller && o.kind === 'DcosService');
  return owner ? `${obj.metadata.namespace}/${owner.name}` : undefined;
};

/**
 * DcosService -> Deployment (+ Service, PVCs), and Marathon-style status back.
 * 1. load the DcosService from the cache; 2. decide the dependency gate; 3. translate (pure);
 * 4. on errors: status says why, the running children stay as they are; 5. apply the children;
 * 6. compute status from the Deployment and pods and write it if it changed.
 */
export function dcosServiceController(ctx: ControllerContext): Controller {
  const services = dcosServiceInformer(ctx);
  const deployments = managedInformer<DeploymentObj>(ctx, 'apps/v1', 'Deployment', projectDeployment);
  const k8sServices = managedInformer<KubeObjectLike>(ctx, 'v1', 'Service', projectMetadata);
  const pods = podInformer(ctx);
  const log = ctx.log.child({ controller: DCOS_SERVICE_CONTROLLER });

  // Pods of each DcosService, so status does not scan every pod of the cluster.
  const podsByService = new Map<string, Set<string>>();
  const serviceOfPod = (p: ProjectedPod) => {
    const svc = p.metadata.labels?.[SERVICE_LABEL];
    return svc ? `${p.metadata.namespace}/${svc}` : undefined;
  };

  // Keys whose children must be applied again; the rest (pod changes, status-only changes) only
  // need their status recomputed, which saves three API calls per pod event.
  const needsApply = new Set<string>();
  // Deployments applied but not yet seen by the watch: a reconcile in between (a pod or Service
  // event) must not take the missing cache entry for a deleted Deployment and apply again.
  const appliedNotSeen = new Map<string, DeploymentObj>();
  const controller = new Controller(DCOS_SERVICE_CONTROLLER, reconcile, ctx.log, {
    workers: ctx.config.workers,
    resyncMs: ctx.config.resyncSeconds * 1000,
    keys: () => {
      const keys = services.store.keys();
      for (const k of keys) needsApply.add(k);
      return keys;
    },
  });
  const enqueueApply = (key: string, priority: Priority = 'normal') => {
    needsApply.add(key);
    controller.enqueue(key, priority);
  };
  // Pods and child status move in bursts (a rollout touches every pod several times): let them
  // settle briefly so one status write covers the burst. Status is what users read, children what
  // they asked for: status-only work waits behind any apply (see WorkQueue's Priority).
  const STATUS_SETTLE_MS = 200;
  const enqueueStatus = (key: string) => controller.queue.addAfter(key, STATUS_SETTLE_MS, 'low');

  /** Dependents wait on a dependency's status: look at them again when it changes. */
  const enqueueDependents = (svc: Svc) => {
    const id = svc.status?.appId ?? appIdOf(svc);
    for (const other of services.store.list()) {
      if (other.metadata.namespace !== svc.metadata.namespace || !other.spec.dependencies?.length) continue;
      if (resolveDependencies(appIdOf(other), other.spec.dependencies).includes(id)) enqueueApply(objectKey(other));
    }
  };

  services.on({
    // After a restart every service is added again: those whose status shows their current spec
    // was acted on only need a look for drift, after the new and changed ones.
    onAdd: (s) => enqueueApply(objectKey(s), s.status?.observedGeneration === s.metadata.generation ? 'low' : 'normal'),
    onUpdate: (old, s) => {
      // Our own status writes come back as updates: only spec, metadata that matters, or deletion is work.
      const specChanged = old.metadata.generation !== s.metadata.generation;
      const annotationsChanged = JSON.stringify(old.metadata.annotations) !== JSON.stringify(s.metadata.annotations);
      if (specChanged || annotationsChanged || s.metadata.deletionTimestamp) enqueueApply(objectKey(s));
      if (JSON.stringify(old.status) !== JSON.stringify(s.status)) enqueueDependents(s);
    },
    onDelete: (s) => enqueueDependents(s),
  });
  /** A child changed: its spec or metadata (someone edited what we own, or deleted it) means apply; status only means look. */
  const byOwner = {
    onAdd: (o: KubeObjectLike) => enqueueOwner(o, false),
    onUpdate: (old: KubeObjectLike, o: KubeObjectLike) => enqueueOwner(o, old.metadata.generation !== o.metadata.generation || !sameMetadata(old, o)),
    onDelete: (o: KubeObjectLike) => enqueueOwner(o, true),
  };
  const enqueueOwner = (o: KubeObjectLike, apply: boolean) => {
    const key = ownerKey(o);
    if (!key) return;
    if (apply) enqueueApply(key);
    else enqueueStatus(key);
  };
  deployments.on(byOwner);
  const seen = (d: KubeObjectLike) => {
    const key = ownerKey(d);
    if (key) appliedNotSeen.delete(key);
  };
  deployments.on({ onAdd: seen, onDelete: seen });
  k8sServices.on(byOwner);
  pods.on({
    onAdd: (p) => {
      const key = serviceOfPod(p);
      if (!key) return;
      let set = podsByService.get(key);
      if (!set) podsByService.set(key, (set = new Set()));
      set.add(objectKey(p));
      enqueueStatus(key);
    },
    onUpdate: (_, p) => {
      const key = serviceOfPod(p);
      if (key) enqueueStatus(key);
    },
    onDelete: (p) => {
      const key = serviceOfPod(p);
      if (!key) return;
      const set = podsByService.get(key);
      set?.delete(objectKey(p));
      if (set?.size === 0) podsByService.delete(key);
      enqueueStatus(key);
    },
  });

  function dependencyStates(namespace: string | undefined): Map<string, DependencyState> {
    const states = new Map<string, DependencyState>();
    for (const s of services.store.list()) {
      if (s.metadata.namespace !== namespace || !s.status) continue;
      states.set(s.status.appId ?? appIdOf(s), { instances: s.spec.instances ?? 1, tasksRunning: s.status.tasksRunning ?? 0, health: s.status.health ?? 'NA' });
    }
    return states;
  }

  async function reconcile(key: string): Promise<void> {
    const svc = services.store.get(key);
    if (!svc || svc.metadata.deletionTimestamp) {
      appliedNotSeen.delete(key);
      return; // children go with it through their owner references
    }
    const ns = svc.metadata.namespace!;
    const name = svc.metadata.name;
    const existing = deployments.store.get(key) ?? appliedNotSeen.get(key);

    const deps = resolveDependencies(appIdOf(svc), svc.spec.dependencies);
    const gate = deps.length > 0 ? dependencyGate(deps, dependencyStates(ns), (existing?.spec.replicas ?? 0) > 0) : undefined;

    const result = translateService(svc, { defaultImage: ctx.config.defaultImage, holdForDependencies: gate?.hold });
    let deployment: DeploymentObj | undefined = existing;
    let applied = false;
    const apply = needsApply.delete(key) || !existing || (result.ok && (existing.spec.replicas ?? 0) !== result.workload.spec.replicas);
    if (!result.ok) {
      const summary = result.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
      // Not awaited (as announce): events wait while normal work is in progress, this reconcile's too.
      void ctx.events.emit(svc, 'Warning', 'InvalidSpec', summary);
      log.warn({ key, errors: result.errors }, 'app definition cannot be translated; running tasks left as they are');
    } else if (apply) {
      try {
        // Claims first: a Deployment whose claims do not exist yet would start pods that cannot mount them.
        await Promise.all((result.persistentVolumeClaims ?? []).map((claim) => ctx.client.apply(claim as unknown as KubeObjectLike)));
        const [appliedDeployment] = await Promise.all([
          ctx.client.apply(result.workload as unknown as DeploymentObj),
          result.service
            ? ctx.client.apply(result.service as unknown as KubeObjectLike)
            : k8sServices.store.get(key)
              ? ctx.client.delete('v1', 'Service', name, ns)
              : undefined,
        ]);
        deployment = appliedDeployment as DeploymentObj;
        applied = true;
        if (!deployments.store.get(key)) appliedNotSeen.set(key, projectDeployment(deployment));
      } catch (err) {
        needsApply.add(key);
        throw err;
      }
      announce(svc, existing, deployment, gate?.message);
      for (const warning of result.warnings) log.debug({ key, path: warning.path }, warning.message);
    }

    const podList = [...(podsByService.get(key) ?? [])].flatMap((k) => pods.store.get(k) ?? []) as unknown as Pod[];
    const status = computeServiceStatus({
      service: svc,
      deployment,
      pods: podList,
      errors: result.ok ? undefined : result.errors,
      gate,
      image: result.ok ? result.workload.spec.template.spec.containers[0]?.image : undefined,
      now: new Date().toISOString(),
    });
    if (JSON.stringify(status) !== JSON.stringify(svc.status)) {
      // Many services at once (a bulk apply, a restart): every one's children first, then their status.
      if (applied && controller.queue.hasNormalWorkBesides(key)) return controller.enqueue(key, 'low');
      await ctx.client.apply({ apiVersion: API_VERSION, kind: 'DcosService', metadata: { name, namespace: ns }, status } as unknown as KubeObjectLike, { subresource: 'status' });
    }
  }

  /**
   * Events for what a user wants to see in `kubectl describe dsvc`: created, scaled, updated, waiting.
   * Not awaited: an event is news, not state, and the reconcile need not wait for it.
   */
  function announce(svc: Svc, before: DeploymentObj | undefined, after: DeploymentObj, waiting: string | undefined): void {
    const replicas = after.spec.replicas ?? 0;
    if (!before) {
      void ctx.events.emit(svc, 'Normal', 'Created', `Created Deployment ${after.metadata.name} with ${replicas} instance(s)`);
    } else if ((before.spec.replicas ?? 0) !== replicas) {
      void ctx.events.emit(svc, 'Normal', 'Scaled', `Scaled from ${before.spec.replicas ?? 0} to ${replicas} instance(s)`);
    } else if (before.metadata.generation !== after.metadata.generation) {
      void ctx.events.emit(svc, 'Normal', 'Updated', `Rolling out a new version of ${after.metadata.name}`);
    }
    if (waiting && replicas === 0) void ctx.events.emit(svc, 'Normal', 'WaitingForDependencies', waiting);
  }

  return controller;
}
