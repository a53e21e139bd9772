import { resolveAppId } from './app-id.ts';

/*
 * Marathon starts an app after the apps it depends on. Here the app is held at 0 replicas until every
 * dependency is healthy: it exists, runs at least the instances it asks for (at least one), and is not
 * unhealthy (Healthy, or NA when it has no health checks). Once the app runs it is never scaled down
 * because a dependency degrades later; Marathon only ordered deployments, it never stopped dependents.
 */

export interface DependencyState {
  instances: number;
  tasksRunning: number;
  health: 'Healthy' | 'Unhealthy' | 'Idle' | 'NA';
}

export interface DependencyGate {
  /** Keep replicas at 0. */
  hold: boolean;
  /** The dependencies (absolute ids) still waited for, each with why. */
  waitingFor: Array<{ appId: string; reason: string }>;
  /** For the Ready condition. */
  message: string;
}

/** The absolute ids of an app's dependencies (relative ones resolve against the app's group). */
export function resolveDependencies(appId: string, dependencies: string[] | undefined): string[] {
  return [...new Set((dependencies ?? []).map((d) => resolveAppId(d, appId)))];
}

function waitReason(state: DependencyState | undefined): string | undefined {
  if (!state) return 'not found';
  if (state.health === 'Unhealthy') return 'unhealthy';
  if (state.instances === 0) return 'suspended (instances 0)';
  if (state.tasksRunning < state.instances) return `${state.tasksRunning} of ${state.instances} tasks running`;
  if (state.health === 'Idle') return 'no task running';
  if (state.health === 'NA' || state.health === 'Healthy') return undefined;
  return 'not healthy yet';
}

/**
 * Whether to hold the app. `dependencies` are absolute ids; `states` maps an absolute id to what its
 * DcosService reports; `running` is whether the app's Deployment already asks for pods.
 */
export function dependencyGate(dependencies: string[], states: ReadonlyMap<string, DependencyState>, running: boolean): DependencyGate {
  if (running) return { hold: false, waitingFor: [], message: 'Started' };
  const waitingFor = dependencies.flatMap((appId) => {
    const reason = waitReason(states.get(appId));
    return reason === undefined ? [] : [{ appId, reason }];
  });
  if (waitingFor.length === 0) return { hold: false, waitingFor, message: dependencies.length > 0 ? 'All dependencies are healthy' : 'No dependencies' };
  return {
    hold: true,
    waitingFor,
    message: `Waiting for ${waitingFor.map((w) => `${w.appId} (${w.reason})`).join(', ')}`,
  };
}
