import { applyMarathonDefaults } from '../marathon/marathon-defaults.ts';
import { appIdOf } from '../marathon/translate-service.ts';
import type { DcosService } from '../resources/dcos-service.ts';
import { EMPTY_CELL, truncate, type Cell } from './table.ts';

/*
 * `dcos marathon app list` and `dcos marathon group list`, cell by cell as dcos-cli computed them
 * from Marathon's /v2/apps, here from a DcosService's spec (Marathon's defaults filled in) and status.
 */

export const APP_HEADERS = ['ID', 'MEM', 'CPUS', 'TASKS', 'HEALTH', 'DEPLOYMENT', 'WAITING', 'CONTAINER', 'CMD'] as const;

/** The Marathon app id a user typed or sees: status.appId once the operator wrote it, else from spec.id / the name. */
export function appIdOfService(svc: DcosService): string {
  return svc.status?.appId ?? appIdOf(svc);
}

/** TASKS: running of asked for. */
export function tasksCell(svc: DcosService): string {
  const spec = applyMarathonDefaults(svc.spec);
  return `${svc.status?.tasksRunning ?? 0}/${spec.instances ?? 1}`;
}

/** HEALTH: healthy of running when the app has health checks, else nothing to say. */
export function healthCell(svc: DcosService): string {
  if (!svc.spec.healthChecks || svc.spec.healthChecks.length === 0) return EMPTY_CELL;
  return `${svc.status?.tasksHealthy ?? 0}/${svc.status?.tasksRunning ?? 0}`;
}

/** DEPLOYMENT: the action of the deployment in progress, in dcos-cli's words (start, stop, scale, restart). */
export function deploymentCell(svc: DcosService): string {
  const d = svc.status?.deployment;
  if (!d) return EMPTY_CELL;
  if (d.targetInstances === 0) return 'stop';
  if ((svc.status?.tasksRunning ?? 0) === 0 && d.readyInstances === 0) return 'start';
  if (d.updatedInstances < d.targetInstances) return 'restart';
  return 'scale';
}

/** WAITING: Marathon's "overdue": tasks that cannot start, here waiting for dependencies or for a node to take them. */
export function waitingCell(svc: DcosService): boolean {
  return (svc.status?.waitingFor?.length ?? 0) > 0 || (svc.status?.tasksStaged ?? 0) > 0;
}

/** CONTAINER: the container type, `mesos` for an app without one (as dcos-cli printed it). */
export function containerCell(svc: DcosService): string {
  return svc.spec.container?.type ?? 'mesos';
}

/** CMD: cmd, else args, cut at 35 characters. */
export function cmdCell(svc: DcosService): string {
  if (svc.spec.cmd) return truncate(svc.spec.cmd, 35);
  if (svc.spec.args && svc.spec.args.length > 0) return truncate(JSON.stringify(svc.spec.args), 35);
  return EMPTY_CELL;
}

export function appRow(svc: DcosService): Cell[] {
  const spec = applyMarathonDefaults(svc.spec);
  return [appIdOfService(svc), spec.mem, spec.cpus, tasksCell(svc), healthCell(svc), deploymentCell(svc), waitingCell(svc), containerCell(svc), cmdCell(svc)];
}

/** Every group of the apps (the root `/` included) with the number of apps under it, nested groups counted in. */
export function groupCounts(appIds: readonly string[]): Array<{ id: string; apps: number }> {
  const counts = new Map<string, number>([['/', 0]]);
  for (const id of appIds) {
    const segments = id.split('/').filter(Boolean);
    counts.set('/', (counts.get('/') ?? 0) + 1);
    for (let i = 1; i < segments.length; i++) {
      const group = '/' + segments.slice(0, i).join('/');
      counts.set(group, (counts.get(group) ?? 0) + 1);
    }
  }
  return [...counts].map(([id, apps]) => ({ id, apps })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Finds an app by its Marathon id (`/prod/db/postgres`, or without the leading slash) or by its object name. */
export function matchesApp(svc: DcosService, wanted: string): boolean {
  const id = wanted.startsWith('/') ? wanted : `/${wanted}`;
  return appIdOfService(svc) === id.replace(/\/+$/, '') || svc.metadata.name === wanted;
}
