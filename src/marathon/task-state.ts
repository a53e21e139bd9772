/**
 * The Mesos task state a pod stands for, as DC/OS showed tasks (the UI's service page, `dcos task`):
 * a pod being deleted is being killed, a pod bound to a node but not yet running is starting.
 */
export function mesosTaskState(pod: { deleting: boolean; phase?: string; node?: string }): string {
  if (pod.deleting) return 'TASK_KILLING';
  switch (pod.phase) {
    case 'Running':
      return 'TASK_RUNNING';
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
