/**
 * The Mesos task state a pod stands for, as DC/OS showed tasks (the UI's service page, `dcos task`):
 * a pod being deleted is being killed, a pod bound to a node but not yet running is starting, and a
 * running pod whose container crashed (service-status.ts's containerFailing) is a failed task: where
 * the kubelet restarts it in place, Marathon saw the task fail and launched another.
 */
export function mesosTaskState(pod: { deleting: boolean; phase?: string; node?: string; failing?: boolean }): string {
  if (pod.deleting) return 'TASK_KILLING';
  switch (pod.phase) {
    case 'Running':
      return pod.failing ? 'TASK_FAILED' : 'TASK_RUNNING';
    case 'Succeeded':
      return 'TASK_FINISHED';
    case 'Failed':
      return 'TASK_FAILED';
    case 'Unknown':
      return 'TASK_UNREACHABLE';
    default:
      return pod.node ? 'TASK_STARTING' : 'TASK_STAGING';
  }
}
