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
  /** The wall and the monotonic clock (Date.now, performance.now); tests jump them. */
  clock?: { wall: () => number; monotonic: () => number };
}

const systemClock = { wall: () => Date.now(), monotonic: () => performance.now() };

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
  /** When the last successful renewal was sent, on both clocks. */
  private lastRenew = { wall: 0, monotonic: 0 };
  private lastSeen?: Lease;

  constructor(client: KubeClient, log: Logger, opts: LeaderElectionOptions) {
    this.client = client;
    this.log = log.child({ lease: `${opts.namespace}/${opts.name}`, identity: opts.identity });
    this.opts = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, holderAnnotations: {}, clock: systemClock, ...opts };
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /**
   * Whether this replica may still act as the leader at this very moment: it holds the lease and
   * renewed it less than the renew deadline ago, which is shorter than the lease duration the others
   * wait out. A process that was paused (SIGSTOP, a frozen VM) past that finds it false as soon as it
   * runs again, before its renew loop has noticed; the later of both clocks counts, so neither a wall
   * clock step back nor a monotonic clock that stood still during a suspend can extend it.
   */
  isLeaderNow(): boolean {
    return this.leading && this.sinceRenewMs() < this.opts.renewDeadlineMs;
  }

  private sinceRenewMs(): number {
    const { wall, monotonic } = this.opts.clock;
    return Math.max(wall() - this.lastRenew.wall, monotonic() - this.lastRenew.monotonic);
  }

  private now(): { wall: number; monotonic: number } {
    return { wall: this.opts.clock.wall(), monotonic: this.opts.clock.monotonic() };
  }

  /** An annotation the current holder wrote on the Lease, as last read (every retry period). */
  holderAnnotation(key: string): string | undefined {
    const lease = this.lastSeen;
    return lease?.spec.holderIdentity ? lease.metadata.annotations?.[key] : undefined;
  }

  /** Resolves once this process leads; `onLost` runs if it later fails to renew in time. */
  async acquire(onLost: () => void): Promise<void> {
    while (!this.stopped) {
      const sent = this.now();
      if (await this.tryAcquireOrRenew()) {
        this.leading = true;
        this.lastRenew = sent;
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
      // Past the deadline (a pause) another replica may lead already: give up without writing the Lease.
      if (this.isLeaderNow()) {
        const sent = this.now();
        if (await this.tryAcquireOrRenew()) this.lastRenew = sent;
      }
      // Released while the renewal was on its way: a stop, not a loss.
      if (this.stopped) return;
      if (!this.isLeaderNow()) {
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
      // A renewal whose read straddled a pause past the deadline: the Lease may be another's by now.
      // Or released meanwhile: writing now would take the Lease back.
      if (this.stopped || (this.leading && !this.isLeaderNow())) return false;
      await this.client.replace(next);
      return true;
    } catch (err) {
      if (isConflict(err) || isNotFound(err)) return false;
      this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'leader election request failed');
      return false;
    }
  }
}
