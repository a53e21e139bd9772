import type { ConditionInput } from '../resources/conditions.ts';
import { mesosDependencies, mesosDependencyMessage, neededApis } from './mesos-dependencies.ts';
import type { RenderedDcosPackage } from './package-render.ts';
import type { JsonObject } from './universe-result.ts';

export const MESOS_CONDITION = 'MesosFrameworkUnsupported';

/**
 * What a DcosPackage's status says about the DC/OS APIs its apps need. The install itself stands
 * (Ready stays True: everything the package asked for was applied and runs, and retrying cannot
 * change the outcome, so tools that wait for Ready are not left waiting forever); this condition,
 * True, says in plain words which API is missing and what to do instead, and `status.needs` puts
 * it in `kubectl get dpkg`'s NEEDS column.
 */
export function mesosDependencyStatus(rendered: RenderedDcosPackage, generation: number | undefined): { condition: ConditionInput; needs?: string } {
  const deps = mesosDependencies(rendered.services.map((s) => s.spec as unknown as JsonObject));
  const pkg = rendered.resolved.pkg;
  const at = generation === undefined ? {} : { observedGeneration: generation };
  if (deps.length === 0) {
    return { condition: { type: MESOS_CONDITION, status: 'False', ...at, reason: 'PlainApps', message: `${pkg.name} runs as plain apps: it needs neither a Mesos master nor Marathon's API` } };
  }
  const mesos = deps.some((d) => d.api === 'Mesos');
  return {
    condition: { type: MESOS_CONDITION, status: 'True', ...at, reason: mesos ? 'NeedsMesosMaster' : 'NeedsMarathonAPI', message: mesosDependencyMessage(pkg, deps) },
    needs: neededApis(deps)!,
  };
}
