import type { Logger } from 'pino';
import { isConflict, isNotFound, type KubeClient, type KubeObjectLike } from '../kube/kube-client.ts';

interface Lease extends KubeObjectLike {
  spec: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  identity: string;
  /** controller-runtime's defaults: 15 s lease, 10 s renew deadline, 2 s retry. */
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Written on the Lease while this replica holds it: how the others reach the leader (leader-forward.ts). */
  holderAnnotations?: Record<string, string>;
}

function microTime(date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/**
 * Leader election on a coordination.k8s.io Lease, as client-go does it: a candidate takes the
 * lease only when the holder has not renewed it for a whole lease duration, measured on the
 * candidate's own clock from when it last saw the lease change (so clock skew does not matter).
 */
export class LeaderElector {
  private readonly client: KubeClient;
  private readonly log: Logger;
  private readonly opts: Required<LeaderElectionOptions>;
  private observed?: { renewTime?: string; holder?: string; seenAt: number };
  private leading = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private lastRenew = 0;
  private lastSeen?: Lease;

  constructor(client: KubeClient, log: Logger, opts: LeaderElectionOptions) {
    this.client = client;
    this.log = log.child({ lease: `${opts.namespace}/${opts.name}`, identity: opts.identity });
    this.opts = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, holderAnnotations: {}, ...opts };
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** An annotation the current holder wrote on the Lease, as last read (every retry period). */
  holderAnnotation(key: string): string | undefined {
    const lease = this.lastSeen;
    return lease?.spec.holderIdentity ? lease.metadata.annotations?.[key] : undefined;
  }

  /** Resolves once this process leads; `onLost` runs if it later fails to renew in time. */
  async acquire(onLost: () => void): Promise<void> {
    while (!this.stopped) {
      if (await this.tryAcquireOrRenew()) {
        this.leading = true;
        this.lastRenew = Date.now();
        this.log.info('became leader');
        this.renewLoop(onLost);
        return;
      }
      await new Promise((r) => setTimeout(r, this.opts.retryPeriodMs));
    }
  }

  private renewLoop(onLost: () => void): void {
    this.timer = setTimeout(async () => {
      if (this.stopped) return;
      if (await this.tryAcquireOrRenew()) this.lastRenew = Date.now();
      if (Date.now() - this.lastRenew > this.opts.renewDeadlineMs) {
        this.leading = false;
        this.log.error('lost the lease: could not renew within the renew deadline');
        onLost();
        return;
      }
      this.renewLoop(onLost);
    }, this.opts.retryPeriodMs);
  }

  /** Gives the lease up at once, so the next replica need not wait out the lease duration. */
  async release(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (!this.leading) return;
    this.leading = false;
    try {
      const lease = await this.client.get<Lease>('coordination.k8s.io/v1', 'Lease', this.opts.name, this.opts.namespace);
      if (lease.spec.holderIdentity !== this.opts.identity) return;
      await this.client.replace<Lease>({ ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime() } });
      this.log.info('released the lease');
    } catch (err) {
      this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not release the lease');
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = new Date();
    const durationSeconds = Math.ceil(this.opts.leaseDurationMs / 1000);
    try {
      const lease = await this.client.getOrUndefined<Lease>('coordination.k8s.io/v1', 'Lease', this.opts.name, this.opts.namespace);
      this.lastSeen = lease;
      const annotations = this.opts.holderAnnotations;
      if (!lease) {
        await this.client.create<Lease>({
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: this.opts.name, namespace: this.opts.namespace, annotations },
          spec: { holderIdentity: this.opts.identity, leaseDurationSeconds: durationSeconds, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 },
        });
        return true;
      }
      const spec = lease.spec;
      if (this.observed?.renewTime !== spec.renewTime || this.observed?.holder !== spec.holderIdentity) {
        this.observed = { renewTime: spec.renewTime, holder: spec.holderIdentity, seenAt: Date.now() };
      }
      const mine = spec.holderIdentity === this.opts.identity;
      const heldByOther = !!spec.holderIdentity && !mine;
      const expired = Date.now() - (this.observed?.seenAt ?? 0) > (spec.leaseDurationSeconds ?? durationSeconds) * 1000;
      if (heldByOther && !expired) return false;
      const next: Lease = {
        ...lease,
        metadata: { ...lease.metadata, annotations: { ...lease.metadata.annotations, ...annotations } },
        spec: {
          ...spec,
          holderIdentity: this.opts.identity,
          leaseDurationSeconds: durationSeconds,
          renewTime: microTime(now),
          ...(mine ? {} : { acquireTime: microTime(now), leaseTransitions: (spec.leaseTransitions ?? 0) + 1 }),
        },
      };
      await this.client.replace(next);
      return true;
    } catch (err) {
      if (isConflict(err) || isNotFound(err)) return false;
      this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'leader election request failed');
      return false;
    }
  }
}
