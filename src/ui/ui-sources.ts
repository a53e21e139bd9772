/**
 * What the web UI reads: the caches the controllers already keep, behind one narrow interface, so
 * a page view or a refresh never becomes an apiserver request. `informerSources` builds it from the
 * leader's shared informers (the same caches, by the same watch targets) and the accounting ledger.
 */
import type { AccountingFigures, NodeAllocation } from '../accounting/index.ts';
import type { DcosClusterStatus } from '../resources/dcos-cluster.ts';
import type { DcosPackage } from '../resources/dcos-package.ts';
import type { DcosService } from '../resources/dcos-service.ts';
import type { Pod } from '../marathon/kube-objects.ts';
import type { KubeObjectLike } from '../kube/kube-client.ts';

export type ServiceObject = DcosService & KubeObjectLike;
export type PackageObject = DcosPackage & KubeObjectLike;

/** A DcosService's pod as the UI shows it: the pod cache's projection and the node it runs on. */
export interface TaskPod {
  name: string;
  namespace: string;
  node: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  status?: Pod['status'];
}

/** An Event about a dcos.dev object, as the service page lists it. */
export interface UiEvent {
  type: string;
  reason: string;
  note: string;
  /** RFC 3339: the last time it happened. */
  time: string;
  count: number;
  /** "DcosService/web" or "DcosPackage/nginx". */
  regarding: string;
  namespace: string;
}

/** Labels a node carries that the Nodes page filters by. */
export interface NodeTopology {
  region: string;
  zone: string;
}

/** The accounting ledger's read side: what the UI needs of it. */
export interface LedgerView {
  figures(nowMs: number): AccountingFigures;
  nodeAllocations(): NodeAllocation[];
}

export type SourceChange = 'cluster' | 'nodes' | 'services' | 'packages' | 'pods' | 'events';

export interface UiSources {
  clusterStatus(): DcosClusterStatus | undefined;
  nodeAllocations(): NodeAllocation[];
  nodeTopology(host: string): NodeTopology;
  services(): ServiceObject[];
  service(namespace: string, name: string): ServiceObject | undefined;
  packages(): PackageObject[];
  tasksOf(namespace: string, service: string): TaskPod[];
  eventsOf(namespace: string, kind: string, name: string): UiEvent[];
  /** Called after the caches changed; many changes may come as one call. */
  onChange(listener: (what: SourceChange) => void): void;
}
