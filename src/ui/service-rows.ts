/** One DcosService as the Services table shows it (DC/OS 1.x columns), from its cached object. */
import type { ServiceObject } from './ui-sources.ts';

export type Health = 'Healthy' | 'Unhealthy' | 'Idle' | 'NA';

export interface ServiceRow {
  namespace: string;
  name: string;
  appId: string;
  /** Running, Deploying, Waiting, Delayed, Suspended or Failed, as the DC/OS Services table said. */
  status: string;
  /** Why, for the tooltip: the Ready condition's message. */
  statusMessage: string;
  image: string;
  running: number;
  wanted: number;
  health: Health;
  /** Totals over the wanted instances: shares, MiB, MiB, devices (as DC/OS summed them). */
  cpus: number;
  mem: number;
  disk: number;
  gpus: number;
  /** namespace/name of the DcosPackage that installed it, or "". */
  package: string;
}

const STATUS_BY_REASON: Record<string, string> = {
  InvalidSpec: 'Failed',
  WaitingForDependencies: 'Waiting',
  Creating: 'Deploying',
  Deploying: 'Deploying',
  Suspended: 'Suspended',
  TasksNotRunning: 'Delayed',
  // DC/OS showed an app whose tasks no agent could take as Waiting (for resource offers).
  Unschedulable: 'Waiting',
};

export function healthOf(value: unknown): Health {
  return value === 'Healthy' || value === 'Unhealthy' || value === 'Idle' ? value : 'NA';
}

export function serviceStatusOf(svc: ServiceObject): { status: string; message: string } {
  const ready = svc.status?.conditions?.find((c) => c.type === 'Ready');
  if (!ready) return { status: 'Deploying', message: 'The operator has not reported on it yet' };
  return { status: STATUS_BY_REASON[ready.reason] ?? 'Running', message: ready.message };
}

export function packageOwnerOf(svc: ServiceObject): string {
  const owner = svc.metadata.ownerReferences?.find((o) => o.kind === 'DcosPackage');
  return owner ? `${svc.metadata.namespace ?? ''}/${owner.name}` : '';
}

export function serviceRow(svc: ServiceObject): ServiceRow {
  const spec = svc.spec ?? {};
  const wanted = spec.instances ?? 1;
  const { status, message } = serviceStatusOf(svc);
  return {
    namespace: svc.metadata.namespace ?? '',
    name: svc.metadata.name,
    appId: svc.status?.appId ?? `/${svc.metadata.name}`,
    status,
    statusMessage: message,
    image: svc.status?.image ?? spec.container?.docker?.image ?? '',
    running: svc.status?.tasksRunning ?? 0,
    wanted,
    health: healthOf(svc.status?.health),
    cpus: round((spec.cpus ?? 1) * wanted, 3),
    mem: round((spec.mem ?? 128) * wanted, 0),
    disk: round((spec.disk ?? 0) * wanted, 0),
    gpus: (spec.gpus ?? 0) * wanted,
    package: packageOwnerOf(svc),
  };
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/** DC/OS put the services that need a look first: Unhealthy, then Healthy, Idle and NA; by name within. */
const HEALTH_ORDER: Record<Health, number> = { Unhealthy: 0, Healthy: 1, Idle: 2, NA: 3 };

export function byHealthThenName(a: { health: Health; name: string; namespace: string }, b: { health: Health; name: string; namespace: string }): number {
  return HEALTH_ORDER[a.health] - HEALTH_ORDER[b.health] || a.name.localeCompare(b.name) || a.namespace.localeCompare(b.namespace);
}
