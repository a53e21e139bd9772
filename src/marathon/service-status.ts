import type { DcosService, DcosServiceStatus, DeploymentProgress, TaskFailure } from '../resources/dcos-service.ts';
import type { Pod, ContainerState, ContainerStatus, Workload } from './kube-objects.ts';
import type { FieldError } from './field-errors.ts';
import type { DependencyGate } from './marathon-dependencies.ts';
import { mergeConditions, type ConditionInput } from './service-conditions.ts';
import { appIdOf } from './translate-service.ts';
import { serviceSelector } from './operator-labels.ts';

/*
 * The status Marathon showed for an app, read from its Deployment and pods.
 * A task is a pod that is not being deleted: staged while Pending, running while Running. A Running pod
 * whose container crashed (waiting in CrashLoopBackOff, terminated non-zero, or restarted and not
 * running again) is failing: Marathon would have seen the task fail and staged a new one, so it counts as
 * staged, not running. With health checks, a running task is healthy when its pod is Ready, unhealthy
 * when its container started (the grace period is over) and the pod is not Ready, and neither during
 * the grace period, as Marathon reported no health result then. Health: Unhealthy if any task is
 * unhealthy or failing; Healthy if tasks run and all are healthy; Idle if there are health checks and
 * nothing runs; otherwise NA.
 */

export interface StatusInput {
  service: DcosService;
  /** The workload that runs the tasks: a Deployment, or a StatefulSet (one volume per instance); both report alike. */
  deployment?: Workload;
  pods: readonly Pod[];
  /** Why the spec does not translate, when it does not. */
  errors?: readonly FieldError[];
  /** The dependency gate, when the app has dependencies. */
  gate?: DependencyGate;
  /** The apiserver refused to write a child (reason `<Kind>Refused`, its message): the spec cannot be acted on as it is. */
  refusal?: { reason: string; message: string };
  /** The image the translated pod template runs; absent when the spec does not translate. */
  image?: string;
  /** RFC 3339, for new condition transitions. */
  now: string;
}

interface Counts {
  running: number;
  staged: number;
  healthy: number;
  unhealthy: number;
  /** Staged tasks whose container crashed; counted in staged too. */
  failing: number;
  /** Container restarts of the tasks, as `kubectl get pods` RESTARTS adds them up. */
  restarts: number;
}

/**
 * A container that crashed and has not (yet) come back: the kubelet backs off, or it exited non-zero,
 * or it restarted and is not running again yet. A restarted container that runs but is not ready is
 * a task failing its health checks (unhealthy), as Marathon counted it, not a crashing one.
 */
export function containerFailing(s: ContainerStatus): boolean {
  if (s.state?.waiting?.reason === 'CrashLoopBackOff') return true;
  const exit = s.state?.terminated?.exitCode;
  if (exit !== undefined && exit !== 0) return true;
  return s.restartCount > 0 && !s.ready && !s.state?.running;
}

function countTasks(pods: readonly Pod[], hasHealthChecks: boolean): Counts {
  const c: Counts = { running: 0, staged: 0, healthy: 0, unhealthy: 0, failing: 0, restarts: 0 };
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp) continue;
    const statuses = pod.status?.containerStatuses ?? [];
    for (const s of statuses) c.restarts += s.restartCount;
    const phase = pod.status?.phase;
    if (phase === 'Pending') c.staged++;
    if (phase !== 'Running') continue;
    if (statuses.some(containerFailing)) {
      c.failing++;
      c.staged++;
      continue;
    }
    c.running++;
    if (!hasHealthChecks) continue;
    const ready = pod.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True') ?? false;
    const started = statuses.every((s) => s.started !== false);
    if (ready) c.healthy++;
    else if (started) c.unhealthy++;
  }
  return c;
}

export function healthOf(c: Counts, hasHealthChecks: boolean): 'Healthy' | 'Unhealthy' | 'Idle' | 'NA' {
  if (c.unhealthy > 0 || c.failing > 0) return 'Unhealthy';
  if (hasHealthChecks && c.running > 0 && c.healthy === c.running) return 'Healthy';
  if (hasHealthChecks && c.running === 0) return 'Idle';
  return 'NA';
}

function failureOf(pod: Pod, container: string, state: ContainerState | undefined): TaskFailure | undefined {
  const t = state?.terminated;
  if (!t || t.exitCode === 0 || !t.finishedAt) return undefined;
  const detail = t.message ? `: ${t.message.trim()}` : '';
  return {
    time: t.finishedAt,
    message: `container ${container} of ${pod.metadata.name} terminated with exit code ${t.exitCode}${t.reason ? ` (${t.reason})` : ''}${detail}`,
    exitCode: t.exitCode,
    ...(t.reason ? { reason: t.reason } : {}),
    taskId: pod.metadata.name,
  };
}

/** The newest task failure among the pods and the one already in status (pods come and go). */
export function lastTaskFailure(pods: readonly Pod[], previous: TaskFailure | undefined): TaskFailure | undefined {
  let last = previous;
  const consider = (f: TaskFailure | undefined) => {
    if (f && (!last || Date.parse(f.time) > Date.parse(last.time))) last = f;
  };
  for (const pod of pods) {
    for (const s of pod.status?.containerStatuses ?? []) {
      consider(failureOf(pod, s.name, s.state));
      consider(failureOf(pod, s.name, s.lastState));
    }
    if (pod.status?.phase === 'Failed' && !(pod.status.containerStatuses ?? []).some((s) => s.state?.terminated)) {
      const time = pod.status.conditions?.map((c) => c.lastTransitionTime).filter((t): t is string => !!t).sort().pop() ?? pod.status.startTime;
      if (time) consider({ time, message: `${pod.metadata.name} failed${pod.status.reason ? ` (${pod.status.reason})` : ''}${pod.status.message ? `: ${pod.status.message}` : ''}`, ...(pod.status.reason ? { reason: pod.status.reason } : {}), taskId: pod.metadata.name });
    }
  }
  return last;
}

/**
 * Tasks the scheduler cannot place on any node (more CPU or memory than a node has free, a host port
 * taken, a constraint no node meets), with the scheduler's reason: Marathon's "waiting for resource
 * offers", which no rollout progress will end by itself. Undefined when every task is placed.
 */
export function unplacedTasks(pods: readonly Pod[]): { count: number; why: string } | undefined {
  const held = pods.filter(
    (p) => !p.metadata.deletionTimestamp && p.status?.phase === 'Pending' && p.status.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable'),
  );
  if (held.length === 0) return undefined;
  const scheduled = held[0]!.status?.conditions?.find((c) => c.type === 'PodScheduled');
  // The scheduler's first sentence says why each node was passed over; what follows (claims to
  // deallocate, preemption) repeats it for a pod with no priority.
  const message = scheduled?.message?.trim() || 'no node fits';
  const why = /^.*?\.(?=\s|$)/s.exec(message)?.[0] ?? message;
  return { count: held.length, why };
}

/** The rollout in progress (as `kubectl rollout status` judges it), or undefined when it is complete. */
export function deploymentProgress(deployment: Workload | undefined): DeploymentProgress | undefined {
  if (!deployment) return undefined;
  const s = deployment.status ?? {};
  const target = deployment.spec.replicas;
  const updated = s.updatedReplicas ?? 0;
  const ready = s.availableReplicas ?? 0;
  const progress = (message: string): DeploymentProgress => ({ message, targetInstances: target, updatedInstances: updated, readyInstances: ready });
  if ((deployment.metadata.generation ?? 0) > (s.observedGeneration ?? 0)) return progress('Waiting for the new definition to be picked up');
  if (updated < target) return progress(`${updated} of ${target} instances updated`);
  if ((s.replicas ?? 0) > updated) return progress(`${(s.replicas ?? 0) - updated} old instances pending termination`);
  if (ready < updated) return progress(`${ready} of ${updated} updated instances available`);
  return undefined;
}

function progressDeadlineExceeded(deployment: Workload | undefined): string | undefined {
  const c = deployment?.status?.conditions?.find((x) => x.type === 'Progressing');
  return c?.status === 'False' && c.reason === 'ProgressDeadlineExceeded' ? (c.message ?? 'The deployment exceeded its progress deadline') : undefined;
}

/** "2 of 3 tasks failing: container app exited with code 1, restarted 4 times (CrashLoopBackOff)": how many, and the first one's why. */
function failingTasksMessage(pods: readonly Pod[], counts: Counts, desired: number): string {
  const first = pods.flatMap((p) => (p.metadata.deletionTimestamp || p.status?.phase !== 'Running' ? [] : (p.status.containerStatuses ?? []).filter(containerFailing))).at(0);
  const exit = first?.state?.terminated?.exitCode ?? first?.lastState?.terminated?.exitCode;
  const why = [exit !== undefined ? `exited with code ${exit}` : 'is not ready', first?.restartCount ? `restarted ${first.restartCount} time${first.restartCount === 1 ? '' : 's'}` : undefined].filter(Boolean).join(', ');
  const waiting = first?.state?.waiting?.reason;
  return `${counts.failing} of ${Math.max(desired, counts.running + counts.failing)} tasks failing: container ${first?.name ?? '?'} ${why}${waiting ? ` (${waiting})` : ''}`;
}

export function computeServiceStatus(input: StatusInput): DcosServiceStatus {
  const { service, deployment, pods, now } = input;
  const previous = service.status;
  const generation = service.metadata.generation;
  const hasHealthChecks = (service.spec.healthChecks ?? []).length > 0;
  const counts = countTasks(pods, hasHealthChecks);
  const health = healthOf(counts, hasHealthChecks);
  const desired = deployment?.spec.replicas ?? 0;
  const wanted = service.spec.instances ?? 1;
  const progress = deploymentProgress(deployment);
  const stalled = progressDeadlineExceeded(deployment);
  const failure = lastTaskFailure(pods, previous?.lastTaskFailure);
  const unplaced = unplacedTasks(pods);
  const unplacedMessage = unplaced && `${unplaced.count} of ${desired} tasks cannot be placed on any node: ${unplaced.why}`;
  const failingMessage = counts.failing > 0 ? failingTasksMessage(pods, counts, desired) : undefined;
  const errors = input.errors ?? [];
  const cond = (type: string, status: 'True' | 'False', reason: string, message: string): ConditionInput => ({
    type,
    status,
    reason,
    message,
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
  });

  let ready: ConditionInput;
  let progressing: ConditionInput;
  let degraded: ConditionInput;
  // Stalled (kstatus' abnormal-true condition, present only when True) is what makes Argo CD, Flux and
  // kapp say Failed rather than "still in progress": only for what no waiting will fix.
  let stalledCondition: ConditionInput | undefined;
  if (errors.length > 0) {
    const message = errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    ready = cond('Ready', 'False', 'InvalidSpec', message);
    progressing = cond('Progressing', 'False', 'InvalidSpec', 'The app definition cannot be translated');
    degraded = cond('Degraded', 'True', 'InvalidSpec', message);
    stalledCondition = cond('Stalled', 'True', 'InvalidSpec', message);
  } else if (input.refusal) {
    // Retried with backoff, but only the user (a quota, a policy) can lift it: kstatus reads it as Failed.
    const { reason, message } = input.refusal;
    ready = cond('Ready', 'False', reason, message);
    progressing = cond('Progressing', 'False', reason, message);
    degraded = cond('Degraded', 'True', reason, message);
    stalledCondition = cond('Stalled', 'True', reason, message);
  } else {
    if (input.gate?.hold) ready = cond('Ready', 'False', 'WaitingForDependencies', input.gate.message);
    else if (!deployment) ready = cond('Ready', 'False', 'Creating', 'The Deployment does not exist yet');
    else if (wanted === 0 && counts.running === 0 && counts.failing === 0) ready = cond('Ready', 'True', 'Suspended', 'Suspended: instances is 0');
    else if (failingMessage) ready = cond('Ready', 'False', 'TasksFailing', failingMessage);
    else if (health === 'Unhealthy') ready = cond('Ready', 'False', 'Unhealthy', `${counts.unhealthy} of ${counts.running} tasks unhealthy`);
    else if (unplacedMessage) ready = cond('Ready', 'False', 'Unschedulable', unplacedMessage);
    else if (progress) ready = cond('Ready', 'False', 'Deploying', progress.message);
    else if (counts.running < desired) ready = cond('Ready', 'False', 'TasksNotRunning', `${counts.running} of ${desired} tasks running`);
    else if (hasHealthChecks && counts.healthy < counts.running) ready = cond('Ready', 'False', 'HealthPending', `${counts.healthy} of ${counts.running} tasks healthy`);
    else ready = cond('Ready', 'True', 'Running', `${counts.running} of ${desired} tasks running${hasHealthChecks ? ', all healthy' : ''}`);

    if (stalled) progressing = cond('Progressing', 'False', 'ProgressDeadlineExceeded', stalled);
    else if (progress) progressing = cond('Progressing', 'True', 'Deploying', progress.message);
    else progressing = cond('Progressing', 'False', 'Complete', 'No deployment in progress');

    if (stalled) degraded = cond('Degraded', 'True', 'ProgressDeadlineExceeded', stalled);
    else if (unplacedMessage) degraded = cond('Degraded', 'True', 'Unschedulable', unplacedMessage);
    else if (failingMessage) degraded = cond('Degraded', 'True', 'TasksFailing', failingMessage);
    else if (health === 'Unhealthy') degraded = cond('Degraded', 'True', 'Unhealthy', `${counts.unhealthy} of ${counts.running} tasks unhealthy`);
    else if (!progress && deployment && counts.running < desired) degraded = cond('Degraded', 'True', 'TasksNotRunning', `${counts.running} of ${desired} tasks running`);
    else degraded = cond('Degraded', 'False', 'AsExpected', 'No task is failing its health checks');

    if (stalled) stalledCondition = cond('Stalled', 'True', 'ProgressDeadlineExceeded', stalled);
  }

  const status: DcosServiceStatus = {
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
    appId: appIdOf(service),
    instances: deployment?.status?.replicas ?? 0,
    tasksRunning: counts.running,
    tasksStaged: counts.staged,
    tasksHealthy: counts.healthy,
    tasksUnhealthy: counts.unhealthy,
    restarts: counts.restarts,
    health,
    selector: serviceSelector(service.metadata.name),
    conditions: mergeConditions(previous?.conditions, stalledCondition ? [ready, progressing, degraded, stalledCondition] : [ready, progressing, degraded], now),
  };
  // A spec that no longer translates leaves the tasks on the image they had.
  const image = input.image ?? previous?.image;
  if (image) status.image = image;
  if (failure) status.lastTaskFailure = failure;
  if (progress) status.deployment = progress;
  if (input.gate?.hold) status.waitingFor = input.gate.waitingFor.map((w) => w.appId);
  return status;
}
