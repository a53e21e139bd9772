/** One service's page: its row, its tasks (DC/OS's task table), its conditions and recent events. */
import { mesosTaskState } from '../marathon/task-state.ts';
import { containerFailing } from '../marathon/service-status.ts';
import type { Condition } from '../resources/conditions.ts';
import { serviceRow, type ServiceRow } from './service-rows.ts';
import type { ServiceObject, TaskPod, UiEvent } from './ui-sources.ts';

export interface TaskRow {
  pod: string;
  node: string;
  /** TASK_RUNNING, TASK_STAGING, TASK_FINISHED, TASK_FAILED, TASK_KILLING: DC/OS's task states. */
  state: string;
  health: 'Healthy' | 'Unhealthy' | 'NA';
  /** RFC 3339, or "". */
  started: string;
  restarts: number;
  lastFailure?: { exitCode?: number; reason: string; message: string; time: string };
}

export interface ServiceDetailView {
  found: boolean;
  namespace: string;
  name: string;
  row?: ServiceRow;
  tasks: TaskRow[];
  conditions: Condition[];
  events: UiEvent[];
  lastTaskFailure?: { time: string; message: string; exitCode?: number; reason?: string; taskId?: string };
}

function taskState(pod: TaskPod): string {
  // The page colours staging, not starting: a task not yet running is staging there, bound to a node or not.
  return mesosTaskState({ deleting: pod.deletionTimestamp !== undefined, phase: pod.status?.phase, failing: (pod.status?.containerStatuses ?? []).some(containerFailing) });
}

export function taskRow(pod: TaskPod, hasHealthChecks: boolean): TaskRow {
  const containers = pod.status?.containerStatuses ?? [];
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  const running = pod.status?.phase === 'Running';
  let lastFailure: TaskRow['lastFailure'];
  for (const c of containers) {
    const t = c.lastState?.terminated ?? (c.state?.terminated && c.state.terminated.exitCode !== 0 ? c.state.terminated : undefined);
    if (!t || t.exitCode === 0) continue;
    const time = t.finishedAt ?? '';
    if (!lastFailure || time > lastFailure.time) {
      lastFailure = { exitCode: t.exitCode, reason: t.reason ?? '', message: t.message ?? `container ${c.name} exited with code ${t.exitCode}`, time };
    }
  }
  if (!lastFailure && pod.status?.phase === 'Failed') lastFailure = { reason: pod.status.reason ?? 'Failed', message: pod.status.message ?? 'The pod failed', time: '' };
  return {
    pod: pod.name,
    node: pod.node,
    state: taskState(pod),
    health: !hasHealthChecks || !running ? 'NA' : ready ? 'Healthy' : 'Unhealthy',
    started: pod.status?.startTime ?? '',
    restarts: containers.reduce((n, c) => n + (c.restartCount ?? 0), 0),
    ...(lastFailure ? { lastFailure } : {}),
  };
}

export function serviceDetailView(namespace: string, name: string, svc: ServiceObject | undefined, tasks: TaskPod[], events: UiEvent[]): ServiceDetailView {
  if (!svc) return { found: false, namespace, name, tasks: [], conditions: [], events: [] };
  const hasHealthChecks = (svc.spec?.healthChecks?.length ?? 0) > 0;
  const rows = tasks.map((t) => taskRow(t, hasHealthChecks)).sort((a, b) => a.pod.localeCompare(b.pod));
  return {
    found: true,
    namespace,
    name,
    row: serviceRow(svc),
    tasks: rows,
    conditions: svc.status?.conditions ?? [],
    events,
    ...(svc.status?.lastTaskFailure ? { lastTaskFailure: svc.status.lastTaskFailure } : {}),
  };
}
