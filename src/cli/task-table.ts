import { mesosTaskState } from '../marathon/task-state.ts';
import { containerFailing } from '../marathon/service-status.ts';
import type { ContainerStatus } from '../marathon/kube-objects.ts';
import type { KubeObjectLike } from '../kube/kube-client.ts';
import { APP_ID_ANNOTATION, serviceNameOf } from '../marathon/operator-labels.ts';
import type { Cell } from './table.ts';

/** A task: a pod the operator runs for a DcosService. */
export type PodObject = KubeObjectLike & {
  spec?: { nodeName?: string; containers?: Array<{ name: string }>; securityContext?: { runAsUser?: number } };
  status?: { phase?: string; podIP?: string; hostIP?: string; startTime?: string; containerStatuses?: Array<{ name: string; ready?: boolean; restartCount?: number; state?: Record<string, unknown> }> };
};

export const TASK_HEADERS = ['NAME', 'HOST', 'USER', 'STATE', 'ID', 'MESOS ID'] as const;

/**
 * STATE as dcos-cli printed it: the first letter of the last word of the Mesos task state
 * (TASK_RUNNING -> R, TASK_STAGING -> S, TASK_FINISHED / TASK_FAILED -> F, TASK_KILLING -> K).
 */
export function taskStateLetter(pod: PodObject): string {
  return taskState(pod).slice('TASK_'.length, 'TASK_'.length + 1);
}

/** The Mesos task state a pod stands for, for --json. */
export function taskState(pod: PodObject): string {
  const failing = (pod.status?.containerStatuses ?? []).some((c) => containerFailing({ ...c, restartCount: c.restartCount ?? 0 } as ContainerStatus));
  return mesosTaskState({ deleting: pod.metadata.deletionTimestamp !== undefined, phase: pod.status?.phase, node: pod.spec?.nodeName, failing });
}

/** The task's name as Mesos showed it: the app's last id segment. */
export function taskName(pod: PodObject): string {
  const appId = pod.metadata.annotations?.[APP_ID_ANNOTATION];
  return appId?.split('/').filter(Boolean).pop() ?? serviceNameOf(pod.metadata) ?? pod.metadata.name;
}

export function taskRow(pod: PodObject, nodeIds: ReadonlyMap<string, string>): Cell[] {
  const node = pod.spec?.nodeName;
  const user = pod.spec?.securityContext?.runAsUser;
  return [taskName(pod), node, user === undefined ? 'root' : String(user), taskStateLetter(pod), pod.metadata.name, node ? nodeIds.get(node) : undefined];
}

/** The stable `--json` shape of a task (documented in docs/cli.md). */
export function taskJson(pod: PodObject) {
  return {
    id: pod.metadata.name,
    name: taskName(pod),
    namespace: pod.metadata.namespace,
    appId: pod.metadata.annotations?.[APP_ID_ANNOTATION] ?? null,
    service: serviceNameOf(pod.metadata) ?? null,
    state: taskState(pod),
    host: pod.spec?.nodeName ?? null,
    ip: pod.status?.podIP ?? null,
    startedAt: pod.status?.startTime ?? null,
    containers: (pod.spec?.containers ?? []).map((c) => c.name),
  };
}

/** `dcos task log TASK` / `dcos task TASK`: a task id, or part of one, as dcos-cli matched them. */
export function matchesTask(pod: PodObject, pattern: string): boolean {
  return pod.metadata.name === pattern || pod.metadata.name.includes(pattern);
}
