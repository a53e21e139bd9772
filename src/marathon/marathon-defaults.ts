import type { DcosServiceSpec } from '../resources/dcos-service.ts';

/*
 * Marathon's defaults (RAML types of Marathon 1.8+, docs/*.md), applied once by the defaulting
 * webhook so `kubectl get -o yaml` shows what runs. Idempotent: defaults(defaults(x)) = defaults(x).
 * Not defaulted on purpose: unreachableStrategy (Marathon's 0 s would evict pods at the first node
 * blip; Kubernetes' 300 s toleration stays), taskKillGracePeriodSeconds (Kubernetes' 30 s stays).
 */

type Spec = DcosServiceSpec;
type HealthCheck = NonNullable<Spec['healthChecks']>[number];
type ReadinessCheck = NonNullable<Spec['readinessChecks']>[number];
type PortMapping = NonNullable<NonNullable<Spec['container']>['portMappings']>[number];

const HTTP_KINDS = new Set(['HTTP', 'HTTPS', 'MESOS_HTTP', 'MESOS_HTTPS']);

export function hasPersistentVolumes(spec: Spec): boolean {
  return (spec.container?.volumes ?? []).some((v) => v.persistent !== undefined);
}

/** Marathon's upgradeStrategy default: 1/1, but 0.5/0 for apps with local persistent or external volumes (a new task cannot take the volume over while the old one holds it). */
function defaultUpgradeStrategy(spec: Spec): { minimumHealthCapacity: number; maximumOverCapacity: number } {
  const holdsVolumes = hasPersistentVolumes(spec) || (spec.container?.volumes ?? []).some((v) => v.external !== undefined);
  return holdsVolumes ? { minimumHealthCapacity: 0.5, maximumOverCapacity: 0 } : { minimumHealthCapacity: 1, maximumOverCapacity: 1 };
}

function hasPortMappings(spec: Spec): boolean {
  return spec.container?.portMappings !== undefined || spec.container?.docker?.portMappings !== undefined;
}

function defaultHealthCheck(hc: HealthCheck): HealthCheck {
  const protocol = hc.protocol ?? 'HTTP';
  const out: HealthCheck = {
    protocol,
    gracePeriodSeconds: 300,
    intervalSeconds: 60,
    timeoutSeconds: 20,
    maxConsecutiveFailures: 3,
    delaySeconds: 15,
    ...hc,
  };
  if (HTTP_KINDS.has(protocol)) out.path ??= '/';
  if (protocol === 'HTTP' || protocol === 'HTTPS') out.ignoreHttp1xx ??= false;
  if (protocol !== 'COMMAND') {
    out.ipProtocol ??= 'IPv4';
    if (out.port === undefined) out.portIndex ??= 0;
  }
  return out;
}

function defaultReadinessCheck(rc: ReadinessCheck): ReadinessCheck {
  return {
    name: 'readinessCheck',
    protocol: 'HTTP',
    path: '/',
    portName: 'http-api',
    intervalSeconds: 30,
    timeoutSeconds: 10,
    httpStatusCodesForReady: [200],
    preserveLastResponse: false,
    ...rc,
  };
}

function defaultPortMapping(pm: PortMapping, bridge: boolean): PortMapping {
  const out: PortMapping = { containerPort: 0, servicePort: 0, protocol: 'tcp', ...pm };
  // In bridge mode an unset hostPort means a dynamic one; on container networks it means none.
  if (bridge) out.hostPort ??= 0;
  return out;
}

/** The spec with Marathon's defaults filled in; fields the user set are never changed. */
export function applyMarathonDefaults(input: Spec): Spec {
  const spec: Spec = structuredClone(input);
  spec.cpus ??= 1;
  spec.mem ??= 128;
  spec.disk ??= 0;
  spec.gpus ??= 0;
  spec.instances ??= 1;
  spec.backoffSeconds ??= 1;
  spec.backoffFactor ??= 1.15;
  spec.maxLaunchDelaySeconds ??= 300;
  spec.requirePorts ??= false;
  spec.killSelection ??= 'YOUNGEST_FIRST';
  spec.upgradeStrategy = { ...defaultUpgradeStrategy(spec), ...spec.upgradeStrategy };

  if (spec.networks === undefined && spec.container?.docker?.network === undefined) {
    // The deprecated ipAddress asked for an IP per task: a container network (Marathon 1.5 migrated it so).
    const ipPerTask = typeof spec.ipAddress === 'object' && spec.ipAddress !== null;
    spec.networks = [{ mode: ipPerTask ? 'container' : hasPortMappings(spec) ? 'container/bridge' : 'host' }];
  }
  const networkMode = spec.networks?.[0]?.mode ?? dockerNetworkMode(spec);
  if (spec.networks) spec.networks = spec.networks.map((n) => ({ mode: 'container', ...n }));

  if (networkMode === 'host' && spec.portDefinitions === undefined && spec.ports === undefined) {
    spec.portDefinitions = [{ port: 0 }];
  }
  if (spec.portDefinitions) spec.portDefinitions = spec.portDefinitions.map((p) => ({ port: 0, protocol: 'tcp', ...p }));

  if (spec.container) {
    const bridge = networkMode === 'container/bridge';
    spec.container.type ??= 'DOCKER';
    if (spec.container.portMappings) spec.container.portMappings = spec.container.portMappings.map((pm) => defaultPortMapping(pm, bridge));
    const docker = spec.container.docker;
    if (docker) {
      docker.forcePullImage ??= false;
      docker.privileged ??= false;
      if (docker.portMappings) docker.portMappings = docker.portMappings.map((pm) => defaultPortMapping(pm, bridge));
    }
  }
  if (spec.healthChecks) spec.healthChecks = spec.healthChecks.map(defaultHealthCheck);
  if (spec.readinessChecks) spec.readinessChecks = spec.readinessChecks.map(defaultReadinessCheck);
  if (spec.fetch) spec.fetch = spec.fetch.map((f) => ({ extract: true, executable: false, cache: false, ...f }));
  return spec;
}

/** The network mode the deprecated container.docker.network means, in the `networks` vocabulary. */
export function dockerNetworkMode(spec: Spec): 'host' | 'container' | 'container/bridge' | 'none' | undefined {
  switch (spec.container?.docker?.network) {
    case 'HOST':
      return 'host';
    case 'BRIDGE':
      return 'container/bridge';
    case 'USER':
      return 'container';
    case 'NONE':
      return 'none';
    default:
      return undefined;
  }
}
