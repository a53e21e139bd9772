/**
 * DcosService health counts, kept per event, with the names of the unhealthy ones.
 * Health values are DC/OS's (see ARCHITECTURE.md); a service whose status has no health yet
 * counts as NA, so the four counts add up to the number of services.
 */
import { UNHEALTHY_NAMES_LIMIT } from '../resources/dcos-cluster.ts';
import type { DcosServiceLike, WatchEventType } from './kube-shapes.ts';

export type ServiceHealth = 'Healthy' | 'Unhealthy' | 'Idle' | 'NA';

export { UNHEALTHY_NAMES_LIMIT };

export interface ServicesFigures {
  total: number;
  healthy: number;
  unhealthy: number;
  idle: number;
  na: number;
  /** namespace/name of unhealthy services, sorted, at most the limit asked for. */
  unhealthyNames: string[];
}

function healthOf(service: DcosServiceLike): ServiceHealth {
  const health = service.status?.health;
  return health === 'Healthy' || health === 'Unhealthy' || health === 'Idle' ? health : 'NA';
}

export class ServicesHealth {
  private readonly healthByName = new Map<string, ServiceHealth>();
  private readonly counts: Record<ServiceHealth, number> = { Healthy: 0, Unhealthy: 0, Idle: 0, NA: 0 };
  private readonly unhealthy = new Set<string>();

  apply(type: WatchEventType, service: DcosServiceLike): void {
    const name = `${service.metadata?.namespace ?? ''}/${service.metadata?.name ?? ''}`;
    const previous = this.healthByName.get(name);
    if (previous !== undefined) {
      this.counts[previous]--;
      if (previous === 'Unhealthy') this.unhealthy.delete(name);
    }
    if (type === 'DELETED') {
      this.healthByName.delete(name);
      return;
    }
    const health = healthOf(service);
    this.healthByName.set(name, health);
    this.counts[health]++;
    if (health === 'Unhealthy') this.unhealthy.add(name);
  }

  /** Sorting happens here, at status-write rate, so events stay O(1). */
  figures(namesLimit = UNHEALTHY_NAMES_LIMIT): ServicesFigures {
    const names = [...this.unhealthy].sort().slice(0, namesLimit);
    return {
      total: this.healthByName.size,
      healthy: this.counts.Healthy,
      unhealthy: this.counts.Unhealthy,
      idle: this.counts.Idle,
      na: this.counts.NA,
      unhealthyNames: names,
    };
  }
}
