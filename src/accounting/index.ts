/** The accounting core the DcosCluster controller and the metrics read from. */
export {
  AllocationLedger,
  DEFAULT_FAILURE_WINDOW_SECONDS,
  type AccountingFigures,
  type LedgerOptions,
  type NodeAllocation,
  type NodeTally,
  type TaskTally,
} from './allocation-ledger.ts';
export { clusterStatusChanged, formatBytes, formatShares, statusFromFigures, toClusterStatus, type ClusterStatusOptions } from './cluster-status.ts';
export { FailureRateWindow, type FailureRate } from './failure-rate-window.ts';
export type { DcosServiceLike, NodeLike, PodLike, WatchEventType } from './kube-shapes.ts';
export { projectNode, type NodeState } from './node-state.ts';
export { toPodRecord, type PodRecord } from './pod-record.ts';
export { isGpuResource, podResources, resourceListAmounts, type PodResources, type ResourceAmounts } from './pod-requests.ts';
export { parseQuantityNano, quantityToMilli, quantityToUnits, QuantityError } from './quantity.ts';
export { ServicesHealth, UNHEALTHY_NAMES_LIMIT, type ServiceHealth, type ServicesFigures } from './services-health.ts';
