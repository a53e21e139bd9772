import type { Logger } from 'pino';
import type { KubeClient, KubeObjectLike } from '../kube/kube-client.ts';
import type { DcosService } from '../resources/dcos-service.ts';
import {
  appIdOf,
  computeServiceStatus,
  dependencyGate,
  resolveDependencies,
  translateService,
  type DependencyState,
  type TranslateOptions,
  type TranslateResult,
} from '../marathon/index.ts';
import type { Pod, Workload } from '../marathon/kube-objects.ts';
import type { ServiceBookkeeping } from './dcos-service-bookkeeping.ts';
import type { ProjectedPod } from './pod-projection.ts';
import type { EventRecorder } from './runtime/event-recorder.ts';
import type { ReconcileResult } from './runtime/controller.ts';
import type { CacheView } from './runtime/object-store.ts';
import { announceRefusal, RefusedError, writeChild } from './runtime/refusal.ts';
import { statusDiffers, writeStatus } from './runtime/status-writer.ts';
import { shared, sharedMetadata } from './runtime/shared-strings.ts';

export type Svc = DcosService & KubeObjectLike;
/** A Deployment or StatefulSet as the cache keeps it (see projectWorkload). */
export type WorkloadObj = Workload & KubeObjectLike;
export type WorkloadKind = Workload['kind'];

/** Everything one DcosService reconcile reads and writes through: the controller wires it, a unit test fakes it. */
export interface DcosServiceReconciler {
  client: Pick<KubeClient, 'apply' | 'delete'>;
  events: Pick<EventRecorder, 'emit'>;
  services: CacheView<Svc>;
  workloads: Record<WorkloadKind, CacheView<WorkloadObj>>;
  k8sServices: CacheView<KubeObjectLike>;
  pods: CacheView<ProjectedPod>;
  book: ServiceBookkeeping<WorkloadObj>;
  /** The status-after-children policy (runtime/status-after-children.ts). */
  statusTiming: { shouldWait(key: string): boolean; later(key: string): void };
  /** The Marathon core's translation (a test may give its own). */
  translate?: (svc: DcosService, opts: TranslateOptions) => TranslateResult;
  defaultImage: string;
  log: Logger;
  now?: () => Date;
}

type WorkloadStatus = NonNullable<WorkloadObj['status']>;

/**
 * What status reads of a workload's status (src/marathon/service-status.ts): the replica counts, and
 * the Progressing condition only when it says the rollout is stuck. The other conditions, their
 * times and the controller's own words ("ReplicaSet ... has successfully progressed.") are never read.
 */
function projectWorkloadStatus(s: WorkloadStatus | undefined): WorkloadStatus | undefined {
  if (!s) return undefined;
  const kept: WorkloadStatus = { observedGeneration: s.observedGeneration, replicas: s.replicas, updatedReplicas: s.updatedReplicas, readyReplicas: s.readyReplicas, availableReplicas: s.availableReplicas };
  const stuck = s.conditions?.filter((c) => c.type === 'Progressing' && c.status === 'False');
  if (stuck?.length) kept.conditions = stuck.map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message }));
  return kept;
}

/**
 * What the controller reads of a workload: who owns it, its generation, labels and annotations (an
 * edit is applied over; the workload controllers' deployment.kubernetes.io/ ones are not an edit and
 * are not kept), replicas and status; not the pod template.
 */
export function projectWorkload(w: WorkloadObj): WorkloadObj {
  const m = w.metadata;
  const annotations = m.annotations && Object.keys(m.annotations).some((k) => k.startsWith('deployment.kubernetes.io/')) ? Object.fromEntries(Object.entries(m.annotations).filter(([k]) => !k.startsWith('deployment.kubernetes.io/'))) : m.annotations;
  return {
    apiVersion: shared(w.apiVersion),
    kind: shared(w.kind),
    metadata: sharedMetadata({ name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, generation: m.generation, labels: m.labels, annotations, ownerReferences: m.ownerReferences }),
    spec: { replicas: w.spec?.replicas },
    status: projectWorkloadStatus(w.status),
  } as WorkloadObj;
}

const otherKind = (kind: WorkloadKind): WorkloadKind => (kind === 'Deployment' ? 'StatefulSet' : 'Deployment');

/**
 * DcosService -> Deployment or StatefulSet (+ Service, PVCs), and Marathon-style status back.
 *   1. load the DcosService from the cache;
 *   2. list its children: the workload (either kind), the Service, the pods;
 *   3. decide the dependency gate (Marathon's `dependencies`: hold at 0 until they are healthy);
 *   4. translate the app definition (pure: src/marathon/translate-service.ts);
 *   5. act: apply the children when asked, missing or rescaled; a refused write is kept as a refusal;
 *   6. compute status from the workload and pods (pure: src/marathon/service-status.ts);
 *   7. write status (after other services' children), report a refusal, retry it with backoff.
 */
export async function reconcileDcosService(r: DcosServiceReconciler, key: string): Promise<ReconcileResult | void> {
  // 1. Load. A deleted service's children go with it through their owner references.
  const svc = r.services.get(key);
  if (!svc || svc.metadata.deletionTimestamp) {
    r.book.forget(key);
    return;
  }
  const ns = svc.metadata.namespace!;

  // 2. Children. A workload just applied may not be in its cache yet.
  const cached = { Deployment: r.workloads.Deployment.get(key), StatefulSet: r.workloads.StatefulSet.get(key) };
  const unseen = r.book.notYetSeen(key);
  const pods = r.book.podsOf(key).flatMap((k) => r.pods.get(k) ?? []) as unknown as Pod[];

  // 3. Dependency gate: replicas held at 0 until the apps this one depends on are healthy.
  const current = cached.Deployment ?? cached.StatefulSet ?? unseen;
  const deps = resolveDependencies(appIdOf(svc), svc.spec.dependencies);
  const gate = deps.length > 0 ? dependencyGate(deps, dependencyStates(r.services, ns), (current?.spec.replicas ?? 0) > 0) : undefined;

  // 4. Translate: the desired children, or the field errors that say why there are none.
  const translate = r.translate ?? translateService;
  const result = translate(svc, { defaultImage: r.defaultImage, holdForDependencies: gate?.hold });
  const kind = result.ok ? result.workload.kind : (current?.kind ?? 'Deployment');
  const existing = cached[kind] ?? (unseen?.kind === kind ? unseen : undefined);
  const replaced = result.ok ? (cached[otherKind(kind)] ?? (unseen?.kind === otherKind(kind) ? unseen : undefined)) : undefined;

  // 5. Act. Children are written when asked (spec or child edited), missing, of the other kind, or rescaled.
  const requested = r.book.takeApplyRequest(key);
  const rescaled = result.ok && existing !== undefined && (existing.spec.replicas ?? 0) !== result.workload.spec.replicas;
  let workload = existing;
  let applied = false;
  let refused: RefusedError | undefined;
  if (!result.ok) {
    const summary = result.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    void r.events.emit(svc, 'Warning', 'InvalidSpec', summary);
    r.log.warn({ key, errors: result.errors }, 'app definition cannot be translated; running tasks left as they are');
  } else if (requested || !existing || replaced || rescaled) {
    try {
      workload = await applyChildren(r, key, result, replaced);
      applied = true;
      if (!r.workloads[kind].get(key)) r.book.applied(key, projectWorkload(workload));
      announce(r, svc, existing, workload, gate?.message);
      for (const warning of result.warnings) r.log.debug({ key, path: warning.path }, warning.message);
    } catch (err) {
      r.book.requestApply(key);
      if (!(err instanceof RefusedError)) throw err;
      refused = err;
    }
  }

  // 6. Status: Marathon's view of the tasks, read from the workload and the pods.
  const status = computeServiceStatus({
    service: svc,
    deployment: workload,
    pods,
    errors: result.ok ? undefined : result.errors,
    refusal: refused?.refusal,
    gate,
    image: result.ok ? result.workload.spec.template.spec.containers[0]?.image : undefined,
    now: (r.now?.() ?? new Date()).toISOString(),
  });

  // 7. Write status. Many services at once (a bulk apply, a restart): every one's children first.
  if (applied && r.statusTiming.shouldWait(key) && statusDiffers(svc.status, status)) return r.statusTiming.later(key);
  await writeStatus(r.client, 'DcosService', svc, status);
  if (refused) {
    announceRefusal(r.events, svc, refused.refusal);
    // The refusal may lift (a quota raised, a policy changed): retried with the queue's backoff.
    throw refused;
  }
  // Acted on a write the cache has not shown: look again once it no longer stands for the cache, in
  // case its watch event never comes (the workload deleted before the watch saw it).
  if (!applied && !cached[kind] && workload !== undefined && workload === unseen) return { requeueAfterMs: r.book.unseenTtlMs + 1_000 };
}

/** Claims first (pods must find them), then the workload and the Service; the workload of the other kind goes. */
async function applyChildren(r: DcosServiceReconciler, key: string, result: Extract<TranslateResult, { ok: true }>, replaced: WorkloadObj | undefined): Promise<WorkloadObj> {
  const ns = result.workload.metadata.namespace;
  const stale = r.k8sServices.get(key)?.metadata.name;
  // Only the workload is read back (it stands for the cache until its watch event comes).
  const apply = (child: KubeObjectLike) => writeChild(child, () => r.client.apply(child, { discardAnswer: true }));
  const workloadObject = result.workload as unknown as KubeObjectLike;
  await Promise.all((result.persistentVolumeClaims ?? []).map((claim) => apply(claim as unknown as KubeObjectLike)));
  // Both kinds select the same pods: the old one goes first, so the tasks are never counted twice.
  // Each child by its own name: a StatefulSet or Service may take a name derived from the app's (no dots).
  if (replaced) await writeChild(replaced, () => r.client.delete('apps/v1', replaced.kind, replaced.metadata.name, ns));
  const [workload] = await Promise.all([
    writeChild(workloadObject, () => r.client.apply(workloadObject)),
    result.service
      ? apply(result.service as unknown as KubeObjectLike)
      : stale
        ? writeChild({ kind: 'Service', metadata: { name: stale } }, () => r.client.delete('v1', 'Service', stale, ns))
        : undefined,
  ]);
  return workload as WorkloadObj;
}

function dependencyStates(services: CacheView<Svc>, namespace: string): Map<string, DependencyState> {
  const states = new Map<string, DependencyState>();
  for (const s of services.list()) {
    if (s.metadata.namespace !== namespace || !s.status) continue;
    states.set(s.status.appId ?? appIdOf(s), { instances: s.spec.instances ?? 1, tasksRunning: s.status.tasksRunning ?? 0, health: s.status.health ?? 'NA' });
  }
  return states;
}

/**
 * Events for what a user wants to see in `kubectl describe dsvc`: created, scaled, updated, waiting.
 * Not awaited: an event is news, not state, and the reconcile need not wait for it.
 */
function announce(r: DcosServiceReconciler, svc: Svc, before: WorkloadObj | undefined, after: WorkloadObj, waiting: string | undefined): void {
  const replicas = after.spec.replicas ?? 0;
  if (!before) {
    void r.events.emit(svc, 'Normal', 'Created', `Created ${after.kind} ${after.metadata.name} with ${replicas} instance(s)`);
  } else if ((before.spec.replicas ?? 0) !== replicas) {
    void r.events.emit(svc, 'Normal', 'Scaled', `Scaled from ${before.spec.replicas ?? 0} to ${replicas} instance(s)`);
  } else if (before.metadata.generation !== after.metadata.generation) {
    void r.events.emit(svc, 'Normal', 'Updated', `Rolling out a new version of ${after.metadata.name}`);
  }
  if (waiting && replicas === 0) void r.events.emit(svc, 'Normal', 'WaitingForDependencies', waiting);
}
