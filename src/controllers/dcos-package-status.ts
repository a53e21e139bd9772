import { mergeConditions } from '../marathon/service-conditions.ts';
import type { DcosPackage, DcosPackageStatus, PackageServiceStatus } from '../resources/dcos-package.ts';
import type { DcosService } from '../resources/dcos-service.ts';
import type { RenderedDcosPackage } from '../universe/package-render.ts';
import { mesosDependencyStatus } from '../universe/mesos-dependency-status.ts';
import type { UniverseError } from '../universe/universe-result.ts';

/** Each service the package names, with its app id and health as its DcosService reports them. */
export function serviceStatuses(names: ReadonlyArray<{ name: string; appId: string }>, lookup: (name: string) => DcosService | undefined): PackageServiceStatus[] {
  return names.map(({ name, appId }) => {
    const service = lookup(name);
    const out: PackageServiceStatus = { name, appId: service?.status?.appId ?? appId };
    if (service?.status?.health) out.health = service.status.health;
    return out;
  });
}

function servicesSentence(services: readonly PackageServiceStatus[]): string {
  return services.length === 1 ? `1 service (${services[0]!.name})` : `${services.length} services (${services.map((s) => s.name).join(', ')})`;
}

/** After every rendered service was applied. */
export function installedStatus(pkg: DcosPackage, rendered: RenderedDcosPackage, services: PackageServiceStatus[], now: string): DcosPackageStatus {
  const generation = pkg.metadata.generation;
  const { pkg: universe, repository } = rendered.resolved;
  const message = `${universe.name} ${universe.version} from repository ${repository.name}: ${servicesSentence(services)}`;
  const mesos = mesosDependencyStatus(rendered, generation);
  const status: DcosPackageStatus = {
    observedGeneration: generation,
    resolvedVersion: universe.version,
    repository: repository.name,
    ...(universe.description && { description: universe.description }),
    services,
    conditions: mergeConditions(
      pkg.status?.conditions,
      [
        { type: 'Ready', status: 'True', observedGeneration: generation, reason: 'Installed', message },
        { type: 'Failed', status: 'False', observedGeneration: generation, reason: 'Installed', message },
        mesos.condition,
      ],
      now,
    ),
  };
  if (mesos.needs !== undefined) status.needs = mesos.needs;
  if (rendered.preInstallNotes !== undefined) status.preInstallNotes = rendered.preInstallNotes;
  if (rendered.postInstallNotes !== undefined) status.postInstallNotes = rendered.postInstallNotes;
  return status;
}

/**
 * After a failure: what runs is left as it was, so the status keeps describing it (version,
 * services, notes) and says why the spec could not be installed.
 */
export function failedStatus(pkg: DcosPackage, error: UniverseError, services: PackageServiceStatus[], now: string): DcosPackageStatus {
  const generation = pkg.metadata.generation;
  const previous = pkg.status ?? {};
  const running = services.length > 0 ? `; still running: ${servicesSentence(services)}${previous.resolvedVersion ? ` of version ${previous.resolvedVersion}` : ''}` : '';
  const status: DcosPackageStatus = {
    observedGeneration: generation,
    conditions: mergeConditions(
      pkg.status?.conditions,
      [
        { type: 'Ready', status: 'False', observedGeneration: generation, reason: error.reason, message: error.message + running },
        { type: 'Failed', status: 'True', observedGeneration: generation, reason: error.reason, message: error.message },
        // What kstatus (Argo CD, Flux, kapp) reads as Failed; Ready False alone reads as still in progress.
        { type: 'Stalled', status: 'True', observedGeneration: generation, reason: error.reason, message: error.message },
      ],
      now,
    ),
  };
  if (services.length > 0) status.services = services;
  for (const field of ['resolvedVersion', 'repository', 'description', 'preInstallNotes', 'postInstallNotes'] as const) {
    if (services.length > 0 && previous[field] !== undefined) status[field] = previous[field];
  }
  return status;
}

/**
 * Before the first install of this generation, while the repositories are still being read: Ready
 * Unknown, so kstatus says InProgress instead of taking a package without conditions for done.
 * observedGeneration stays where it was, as this generation has not been rendered.
 */
export function waitingForRepositoriesStatus(pkg: DcosPackage, now: string): DcosPackageStatus {
  const generation = pkg.metadata.generation;
  const message = 'waiting for the package repositories to be read';
  return {
    ...pkg.status,
    conditions: mergeConditions(
      pkg.status?.conditions,
      [
        { type: 'Ready', status: 'Unknown', observedGeneration: generation, reason: 'WaitingForRepositories', message },
        { type: 'Failed', status: 'Unknown', observedGeneration: generation, reason: 'WaitingForRepositories', message },
      ],
      now,
    ),
  };
}
