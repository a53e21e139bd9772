/**
 * What the DcosService controller remembers between reconciles, beside the caches:
 * - the pods of each DcosService (by the dcos.dev/service label), so status reads a service's pods
 *   without scanning every pod of the cluster;
 * - which services must have their children applied again: the rest (pod changes, status-only
 *   changes) only need their status recomputed, which saves three API calls per pod event;
 * - workloads applied but not yet seen by the watch: a reconcile in between (a pod or Service event)
 *   must not take the missing cache entry for a deleted workload and apply again. Only for a while:
 *   a workload deleted before its watch saw it (garbage collected in a relist's gap, as after an
 *   etcd compaction) sends no event at all, and trusting the write for good left the service
 *   without children until the next resync, minutes later.
 * Keys are `namespace/name` of the DcosService.
 */
export class ServiceBookkeeping<W> {
  private readonly podsByService = new Map<string, Set<string>>();
  private readonly applyRequested = new Set<string>();
  private readonly appliedNotSeen = new Map<string, { workload: W; at: number }>();
  /** How long a write stands for the cache; a watch event normally arrives within a second. */
  readonly unseenTtlMs: number;
  private readonly now: () => number;

  constructor(opts: { unseenTtlMs?: number; now?: () => number } = {}) {
    this.unseenTtlMs = opts.unseenTtlMs ?? 20_000;
    this.now = opts.now ?? Date.now;
  }

  requestApply(key: string): void {
    this.applyRequested.add(key);
  }

  /** Whether an apply was requested for `key`; the request is used up. */
  takeApplyRequest(key: string): boolean {
    const requested = this.applyRequested.has(key);
    this.applyRequested.delete(key);
    return requested;
  }

  podAdded(service: string, pod: string): void {
    let pods = this.podsByService.get(service);
    if (!pods) this.podsByService.set(service, (pods = new Set()));
    pods.add(pod);
  }

  podDeleted(service: string, pod: string): void {
    const pods = this.podsByService.get(service);
    pods?.delete(pod);
    if (pods?.size === 0) this.podsByService.delete(service);
  }

  podsOf(service: string): string[] {
    return [...(this.podsByService.get(service) ?? [])];
  }

  /** A workload just written, until its watch event arrives. */
  applied(key: string, workload: W): void {
    this.appliedNotSeen.set(key, { workload, at: this.now() });
  }

  /** The watch delivered the service's workload (or its deletion): the cache speaks for it again. */
  seen(key: string): void {
    this.appliedNotSeen.delete(key);
  }

  /** The workload written for `key` within the last `unseenTtlMs` that the cache does not show yet. */
  notYetSeen(key: string): W | undefined {
    const entry = this.appliedNotSeen.get(key);
    if (entry && this.now() - entry.at > this.unseenTtlMs) {
      this.appliedNotSeen.delete(key);
      return undefined;
    }
    return entry?.workload;
  }

  /** The service is gone: nothing to remember of its writes (its pods leave through their own events). */
  forget(key: string): void {
    this.appliedNotSeen.delete(key);
    this.applyRequested.delete(key);
  }
}
