import type { DcosServiceSpec } from '../resources/dcos-service.ts';
import type { ContainerPort, EnvVar, ServicePort } from './kube-objects.ts';
import type { FieldError } from './field-errors.ts';
import { dockerNetworkMode } from './marathon-defaults.ts';
import { isPortName } from './kube-names.ts';

/*
 * Marathon ports onto pod networking. Every pod has its own IP, so the port the process binds is the
 * container port in every Marathon network mode; host ports exist only where Marathon pinned them
 * (requirePorts, or a non-zero hostPort in a mapping). Ports Marathon picked at random (0) get the
 * first free number from 10000 (Marathon's default local_port_min), so $PORT0 is stable.
 * The Service port is, in order: the VIP_n label's port, the servicePort, the container port.
 */

export type NetworkMode = 'host' | 'container' | 'container/bridge';

export interface AppPort {
  /** The Marathon port index: portIndex, $PORTn. */
  index: number;
  /** The field the port came from, for messages. */
  path: string;
  name?: string;
  containerPort: number;
  hostPort?: number;
  servicePort: number;
  protocols: Array<'TCP' | 'UDP'>;
  /** The VIP label ("/name:port" or "ip:port"), when the port has one. */
  vip?: string;
}

export interface AppPorts {
  mode: NetworkMode;
  ports: AppPort[];
  errors: FieldError[];
}

const FIRST_DYNAMIC_PORT = 10000;

interface RawPort {
  path: string;
  name?: string;
  number?: number;
  hostPort?: number;
  servicePort?: number;
  protocol?: string;
  labels?: Record<string, string>;
}

export function networkModeOf(spec: DcosServiceSpec, errors: FieldError[]): NetworkMode {
  const networks = spec.networks ?? [];
  if (networks.length > 1) {
    errors.push({ path: 'spec.networks', message: `expected at most one network (a pod joins the cluster network once), got ${networks.length}` });
  }
  const docker = dockerNetworkMode(spec);
  if (docker === 'none') {
    errors.push({ path: 'spec.container.docker.network', message: 'expected BRIDGE, HOST or USER: a pod without a network (NONE) cannot be expressed' });
    return 'host';
  }
  if (networks.length > 0 && docker !== undefined) {
    errors.push({ path: 'spec.container.docker.network', message: 'expected either networks or the deprecated container.docker.network, got both' });
  }
  return networks[0]?.mode ?? docker ?? 'host';
}

function protocolsOf(protocol: string | undefined): Array<'TCP' | 'UDP'> {
  if (protocol === 'udp') return ['UDP'];
  if (protocol === 'udp,tcp' || protocol === 'tcp,udp') return ['TCP', 'UDP'];
  return ['TCP'];
}

/** The port of a VIP label value: "/name:port", "name:port" or "ip:port". */
export function vipPort(value: string): number | undefined {
  const m = /^(.+):(\d{1,5})$/.exec(value);
  if (!m || m[2] === undefined) return undefined;
  const n = Number(m[2]);
  return n >= 1 && n <= 65535 ? n : undefined;
}

function vipOf(raw: RawPort, errors: FieldError[]): { vip?: string; port?: number } {
  const entries = Object.entries(raw.labels ?? {}).filter(([k]) => /^VIP_\d+$/.test(k));
  if (entries.length === 0) return {};
  if (entries.length > 1) errors.push({ path: `${raw.path}.labels`, message: `expected one VIP_n label per port (the Service has one port per Marathon port), got ${entries.map(([k]) => k).join(', ')}` });
  const [key, value] = entries[0]!;
  const port = vipPort(value);
  if (port === undefined) {
    errors.push({ path: `${raw.path}.labels.${key}`, message: `expected "/name:port" or "ip:port" with a port 1-65535, got ${JSON.stringify(value)}` });
    return {};
  }
  return { vip: value, port };
}

function rawPorts(spec: DcosServiceSpec, mode: NetworkMode, errors: FieldError[]): RawPort[] {
  const mappings = spec.container?.portMappings;
  const dockerMappings = spec.container?.docker?.portMappings;
  if (mappings !== undefined && dockerMappings !== undefined) {
    errors.push({ path: 'spec.container.docker.portMappings', message: 'expected either container.portMappings or the deprecated container.docker.portMappings, got both' });
  }
  if (spec.portDefinitions !== undefined && spec.ports !== undefined) {
    errors.push({ path: 'spec.ports', message: 'expected either portDefinitions or the deprecated ports, got both' });
  }
  if (mode === 'host') {
    if ((mappings ?? dockerMappings ?? []).length > 0) {
      const path = mappings ? 'spec.container.portMappings' : 'spec.container.docker.portMappings';
      errors.push({ path, message: 'expected no port mappings on host networking (use portDefinitions), or a container/bridge network' });
    }
    if (spec.portDefinitions) {
      return spec.portDefinitions.map((p, i) => ({ path: `spec.portDefinitions[${i}]`, name: p.name, number: p.port, protocol: p.protocol, labels: p.labels }));
    }
    return (spec.ports ?? []).map((p, i) => ({ path: `spec.ports[${i}]`, number: p }));
  }
  const base = mappings ? 'spec.container.portMappings' : 'spec.container.docker.portMappings';
  // Marathon before 1.5 echoed a bridged app's service ports in `ports`; that echo is harmless.
  const echoed = (spec.ports ?? []).every((p, i) => p === 0 || p === (mappings ?? dockerMappings ?? [])[i]?.servicePort);
  if ((spec.portDefinitions ?? []).length > 0 || !echoed) {
    const path = (spec.portDefinitions ?? []).length > 0 ? 'spec.portDefinitions' : 'spec.ports';
    errors.push({ path, message: `expected no portDefinitions or ports on a ${mode} network (use container.portMappings)` });
  }
  return (mappings ?? dockerMappings ?? []).map((p, i) => ({
    path: `${base}[${i}]`,
    name: p.name,
    number: p.containerPort || p.hostPort || undefined,
    hostPort: p.hostPort,
    servicePort: p.servicePort,
    protocol: p.protocol,
    labels: p.labels,
  }));
}

/** The app's ports with the numbers the pod will use, or the reasons they cannot be used. */
export function appPorts(spec: DcosServiceSpec): AppPorts {
  const errors: FieldError[] = [];
  const mode = networkModeOf(spec, errors);
  const raws = rawPorts(spec, mode, errors);
  const taken = new Set(raws.map((r) => r.number).filter((n): n is number => !!n));
  let next = FIRST_DYNAMIC_PORT;
  const allocate = (): number => {
    while (taken.has(next)) next++;
    taken.add(next);
    return next;
  };
  const names = new Set<string>();
  const ports: AppPort[] = raws.map((raw, index) => {
    if (raw.name !== undefined) {
      if (names.has(raw.name)) errors.push({ path: `${raw.path}.name`, message: `expected a name unique among the app's ports, got ${JSON.stringify(raw.name)} twice` });
      names.add(raw.name);
    }
    const containerPort = raw.number || allocate();
    const { vip, port: vipServicePort } = vipOf(raw, errors);
    let hostPort: number | undefined;
    if (mode === 'host') hostPort = spec.requirePorts && raw.number ? raw.number : undefined;
    else hostPort = raw.hostPort ? raw.hostPort : undefined;
    return {
      index,
      path: raw.path,
      ...(raw.name !== undefined ? { name: raw.name } : {}),
      containerPort,
      ...(hostPort !== undefined ? { hostPort } : {}),
      servicePort: vipServicePort ?? (raw.servicePort || containerPort),
      protocols: protocolsOf(raw.protocol),
      ...(vip !== undefined ? { vip } : {}),
    };
  });
  const seen = new Map<string, string>();
  for (const p of ports) {
    for (const proto of p.protocols) {
      for (const [kind, n] of [['container port', p.containerPort], ['service port', p.servicePort]] as const) {
        const key = `${kind} ${n}/${proto}`;
        const other = seen.get(key);
        if (other !== undefined) errors.push({ path: p.path, message: `expected a ${kind} not used by another port, got ${n}/${proto} already used by ${other}` });
        else seen.set(key, p.path);
      }
    }
  }
  return { mode, ports, errors };
}

/** Unique names for each (port, protocol), valid for container and Service ports; the Marathon name when it fits. */
function portNames(ports: AppPort[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  for (const p of ports) {
    for (const proto of p.protocols) {
      const suffix = proto === 'UDP' && p.protocols.length > 1 ? '-udp' : '';
      const preferred = p.name !== undefined ? `${p.name}${suffix}` : undefined;
      let name = preferred !== undefined && isPortName(preferred) && !used.has(preferred) ? preferred : `port${p.index}${suffix}`;
      for (let i = 2; used.has(name); i++) name = `p${p.index}-${i}${suffix}`;
      used.add(name);
      out.set(`${p.index}/${proto}`, name);
    }
  }
  return out;
}

export function containerPorts(ports: AppPort[]): ContainerPort[] {
  const names = portNames(ports);
  return ports.flatMap((p) =>
    p.protocols.map((protocol) => ({
      name: names.get(`${p.index}/${protocol}`)!,
      containerPort: p.containerPort,
      ...(p.hostPort !== undefined ? { hostPort: p.hostPort } : {}),
      protocol,
    })),
  );
}

export function servicePorts(ports: AppPort[]): ServicePort[] {
  const names = portNames(ports);
  return ports.flatMap((p) =>
    p.protocols.map((protocol) => ({ name: names.get(`${p.index}/${protocol}`)!, port: p.servicePort, targetPort: p.containerPort, protocol })),
  );
}

/** Marathon's port variables: $PORT0.., $PORT, $PORTS, $PORT_<NAME>; they hold the container port, which is what the pod IP serves. */
export function portEnv(ports: AppPort[]): EnvVar[] {
  const env: EnvVar[] = ports.map((p) => ({ name: `PORT${p.index}`, value: String(p.containerPort) }));
  if (ports[0]) env.push({ name: 'PORT', value: String(ports[0].containerPort) });
  if (ports.length > 0) env.push({ name: 'PORTS', value: ports.map((p) => p.containerPort).join(',') });
  for (const p of ports) {
    if (p.name !== undefined) env.push({ name: `PORT_${p.name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`, value: String(p.containerPort) });
  }
  return env;
}
