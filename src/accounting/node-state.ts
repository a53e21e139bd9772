/** What accounting reads from a Node: readiness, cordon, allocatable, address. */
import type { NodeLike } from './kube-shapes.ts';
import { resourceListAmounts, type ResourceAmounts } from './pod-requests.ts';

export interface NodeState {
  name: string;
  /** The Ready condition is True. False, Unknown (the kubelet stopped reporting) or absent is not ready. */
  ready: boolean;
  /** spec.unschedulable (kubectl cordon). */
  unschedulable: boolean;
  /** The InternalIP, as the DC/OS Nodes page showed hosts; "" when the node reports none. */
  address: string;
  allocatable: ResourceAmounts;
}

export function projectNode(node: NodeLike): NodeState {
  const status = node.status;
  let ready = false;
  for (const condition of status?.conditions ?? []) {
    if (condition.type === 'Ready') ready = condition.status === 'True';
  }
  let address = '';
  for (const entry of status?.addresses ?? []) {
    if (entry.type === 'InternalIP' && entry.address) {
      address = entry.address;
      break;
    }
  }
  return {
    name: node.metadata?.name ?? '',
    ready,
    unschedulable: node.spec?.unschedulable === true,
    address,
    allocatable: resourceListAmounts(status?.allocatable),
  };
}
