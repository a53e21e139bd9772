import type { DcosServiceSpec } from '../resources/dcos-service.ts';
import type { ContainerPort, EnvVar, ServicePort } from './kube-objects.ts';
import type { FieldError, Notice } from './field-errors.ts';
import { dockerNetworkMode } from './marathon-defaults.ts';
import { isPortName } from './kube-names.ts';

/*
 * Marathon ports onto pod networking. Every pod has its own IP, so the port the process binds is the
 * container port in every Marathon network mode; host ports exist only where Marathon pinned them
 * (requirePorts, or a non-zero hostPort in a mapping). Ports Marathon picked at random (0) get the
 * first free number from 10000 (Marathon's default local_port_min), so $PORT0 is stable.
 * The Service port is, in order: the VIP_n label's port, the servicePort, the container port.
 * Legacy forms map rather than fail: `ports` (as portDefinitions), `ipAddress` (IP-per-task, which
 * every pod has: its discovery ports are the app's ports), ports beside a bridge or container
 * network's portMappings (the mappings win, as on such networks), both docker and container
 * portMappings or networks (the newer field wins); each with a warning where the meaning differs.
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
  notices: Notice[];
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

/** The deprecated ipAddress (IP-per-task), when the app sets it. */
function ipAddressOf(spec: DcosServiceSpec): { discovery?: { ports?: unknown } } | undefined {
  const ip = spec.ipAddress;
  return typeof ip === 'object' && ip !== null && !Array.isArray(ip) ? (ip as { discovery?: { ports?: unknown } }) : undefined;
}

export function networkModeOf(spec: DcosServiceSpec, errors: FieldError[], notices: Notice[] = []): NetworkMode {
  const networks = spec.networks ?? [];
  if (networks.length > 1) {
    notices.push({ path: 'spec.networks', message: `only the first of ${networks.length} networks is used: a pod joins the cluster network once` });
  }
  const docker = dockerNetworkMode(spec);
  if (docker === 'none') {
    errors.push({ path: 'spec.container.docker.network', message: 'expected BRIDGE, HOST or USER: a pod without a network (NONE) cannot be expressed' });
    return 'host';
  }
  if (networks.length > 0 && docker !== undefined) {
    if (networks[0]?.mode !== docker) notices.push({ path: 'spec.container.docker.network', message: `ignored: networks (${networks[0]?.mode}) decides the network, not the deprecated container.docker.network` });
    return networks[0]?.mode ?? 'container';
  }
  // ipAddress asked Mesos for an IP per task: every pod has one, so it is a container network.
  if (ipAddressOf(spec) !== undefined && networks.length === 0 && (docker === undefined || docker === 'container')) return 'container';
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

type Mapping = NonNullable<NonNullable<DcosServiceSpec['container']>['portMappings']>[number];

function mappingPorts(base: string, mappings: Mapping[]): RawPort[] {
  return mappings.map((p, i) => ({
    path: `${base}[${i}]`,
    name: p.name,
    number: p.containerPort || p.hostPort || undefined,
    hostPort: p.hostPort,
    servicePort: p.servicePort,
    protocol: p.protocol,
    labels: p.labels,
  }));
}

/** ipAddress.discovery.ports: [{number, name, protocol}], the ports of an IP-per-task app. */
function discoveryPorts(spec: DcosServiceSpec, errors: FieldError[]): RawPort[] {
  const ports = ipAddressOf(spec)?.discovery?.ports;
  if (ports === undefined || ports === null) return [];
  if (!Array.isArray(ports)) {
    errors.push({ path: 'spec.ipAddress.discovery.ports', message: 'expected an array of {"number": N, "name": NAME, "protocol": "tcp"}' });
    return [];
  }
  return ports.flatMap((p: unknown, i): RawPort[] => {
    const path = `spec.ipAddress.discovery.ports[${i}]`;
    const port = (typeof p === 'object' && p !== null ? p : {}) as { number?: unknown; name?: unknown; protocol?: unknown; labels?: unknown };
    if (typeof port.number !== 'number' || !Number.isInteger(port.number) || port.number < 0 || port.number > 65535) {
      errors.push({ path: `${path}.number`, message: `expected a port number 0-65535, got ${JSON.stringify(port.number)}` });
      return [];
    }
    return [{
      path,
      number: port.number,
      ...(typeof port.name === 'string' ? { name: port.name } : {}),
      ...(typeof port.protocol === 'string' ? { protocol: port.protocol.toLowerCase() } : {}),
      ...(typeof port.labels === 'object' && port.labels !== null ? { labels: port.labels as Record<string, string> } : {}),
    }];
  });
}

function rawPorts(spec: DcosServiceSpec, mode: NetworkMode, errors: FieldError[], notices: Notice[]): RawPort[] {
  let mappings = spec.container?.portMappings;
  const dockerMappings = spec.container?.docker?.portMappings;
  let base = 'spec.container.portMappings';
  if (mappings !== undefined && dockerMappings !== undefined) {
    if (JSON.stringify(mappings) !== JSON.stringify(dockerMappings)) {
      notices.push({ path: 'spec.container.docker.portMappings', message: 'ignored: container.portMappings decides the ports, not the deprecated container.docker.portMappings' });
    }
  } else if (dockerMappings !== undefined) {
    mappings = dockerMappings;
    base = 'spec.container.docker.portMappings';
  }
  const definitions = spec.portDefinitions;
  const legacyPorts = spec.ports;
  if (mode === 'host') {
    if ((mappings ?? []).length > 0) {
      errors.push({ path: base, message: 'expected no port mappings on host networking (use portDefinitions), or a container/bridge network' });
    }
    if (definitions !== undefined) {
      const same = legacyPorts === undefined || legacyPorts.every((p, i) => p === (definitions[i]?.port ?? 0));
      if (!same) notices.push({ path: 'spec.ports', message: 'ignored: portDefinitions decides the ports, not the deprecated ports' });
      return definitions.map((p, i) => ({ path: `spec.portDefinitions[${i}]`, name: p.name, number: p.port, protocol: p.protocol, labels: p.labels }));
    }
    return (legacyPorts ?? []).map((p, i) => ({ path: `spec.ports[${i}]`, number: p }));
  }
  // Marathon before 1.5 echoed a bridged app's service ports in `ports`, and old definitions often
  // carried host-style ports beside the mappings: on these networks the mappings decide.
  const echoed = (legacyPorts ?? []).every((p, i) => p === 0 || p === (mappings ?? [])[i]?.servicePort);
  if ((definitions ?? []).some((d) => (d.port ?? 0) !== 0 || d.name !== undefined || d.labels !== undefined)) {
    notices.push({ path: 'spec.portDefinitions', message: `ignored: on a ${mode} network the ports are ${mappings ? base.slice(5) : 'ipAddress.discovery.ports'}` });
  } else if (!echoed) {
    notices.push({ path: 'spec.ports', message: `ignored: on a ${mode} network the ports are ${mappings ? base.slice(5) : 'ipAddress.discovery.ports'}` });
  }
  if (mappings === undefined && ipAddressOf(spec) !== undefined) return discoveryPorts(spec, errors);
  return mappingPorts(base, mappings ?? []);
}

/** The app's ports with the numbers the pod will use, or the reasons they cannot be used. */
export function appPorts(spec: DcosServiceSpec): AppPorts {
  const errors: FieldError[] = [];
  const notices: Notice[] = [];
  const mode = networkModeOf(spec, errors, notices);
  const raws = rawPorts(spec, mode, errors, notices);
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
  return { mode, ports, errors, notices };
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
