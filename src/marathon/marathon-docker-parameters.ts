import type { ContainerSecurityContext, EnvVar, PodSpec, Volume, VolumeMount } from './kube-objects.ts';
import type { FieldError, Notice } from './field-errors.ts';
import { isDns1123Label, isQualifiedName } from './kube-names.ts';

/*
 * container.docker.parameters: the `docker run` flags Marathon passed through (key without dashes).
 * Each flag with a Kubernetes counterpart maps onto the container or the pod; a flag that only tells
 * the Docker daemon how to keep the container (logging, restart policy, its name) is ignored with a
 * notice; any other flag is named in a notice as not applied. Only a flag whose value Docker itself
 * would refuse (e.g. `cap-add` without a capability) is an error.
 */

export interface DockerParameter {
  key: string;
  value: string;
}

export interface DockerParameterEffects {
  securityContext: ContainerSecurityContext;
  /** Pod-level fields (hostname, hostAliases, dns, sysctls, host namespaces, shareProcessNamespace). */
  pod: Partial<Pick<PodSpec, 'hostname' | 'hostAliases' | 'shareProcessNamespace' | 'dnsPolicy' | 'dnsConfig' | 'hostPID' | 'hostIPC' | 'securityContext'>>;
  workingDir?: string;
  env: EnvVar[];
  /** docker labels: annotations of the pod. */
  annotations: Record<string, string>;
  volumes: Volume[];
  volumeMounts: VolumeMount[];
  /** Shell commands run before `cmd` (ulimits); only an app with cmd has a shell to run them in. */
  shellPrefix: string[];
  errors: FieldError[];
  notices: Notice[];
}

/** Flags that only configure the Docker daemon's handling of the container: Kubernetes decides these. */
const DAEMON_ONLY: Record<string, string> = {
  'log-driver': 'the kubelet keeps container logs (kubectl logs); cluster log shipping replaces Docker log drivers',
  'log-opt': 'the kubelet keeps container logs (kubectl logs); cluster log shipping replaces Docker log drivers',
  restart: 'the kubelet restarts the container (restartPolicy Always), as Marathon relaunched tasks',
  name: 'Kubernetes names the container and the pod',
  rm: 'Kubernetes removes stopped containers',
  detach: 'containers always run detached',
  d: 'containers always run detached',
  'sig-proxy': 'the kubelet delivers stop signals',
  cidfile: 'there is no Docker container id file',
  'stop-signal': 'the kubelet stops containers with SIGTERM, then SIGKILL after the grace period',
  'stop-timeout': 'the stop timeout is taskKillGracePeriodSeconds',
  'health-cmd': 'Docker health checks are not run; use healthChecks',
  'no-healthcheck': 'Docker health checks are not run; use healthChecks',
  'pull': 'the image pull policy is container.docker.forcePullImage',
};

/** docker ulimit names with a POSIX shell `ulimit` flag, as dash, bash and busybox agree. */
const ULIMIT_FLAGS: Record<string, string> = { nofile: 'n', core: 'c', stack: 's', memlock: 'l', fsize: 'f', data: 'd', cpu: 't' };

const ALIASES: Record<string, string> = { e: 'env', l: 'label', h: 'hostname', w: 'workdir', u: 'user', v: 'volume', net: 'network', 'dns-option': 'dns-opt' };

/** Well-known names whose uid is the same in every Linux image (as for spec.user). */
const WELL_KNOWN_IDS: Record<string, number> = { root: 0, nobody: 65534 };

/** A docker size (`64m`, `1g`, `1048576`, units of 1024) as a Kubernetes quantity, or undefined. */
export function dockerSize(value: string): string | undefined {
  const m = /^(\d+)([bkmg]?)b?$/i.exec(value.trim());
  if (!m) return undefined;
  const unit = m[2]!.toLowerCase();
  return unit === '' || unit === 'b' ? m[1]! : `${m[1]}${unit.toUpperCase()}i`;
}

function bool(value: string): boolean | undefined {
  if (value === '' || value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

export function translateDockerParameters(parameters: DockerParameter[] | undefined): DockerParameterEffects {
  const out: DockerParameterEffects = { securityContext: {}, pod: {}, env: [], annotations: {}, volumes: [], volumeMounts: [], shellPrefix: [], errors: [], notices: [] };
  const sc = out.securityContext;
  const add: string[] = [];
  const drop: string[] = [];
  const aliases = new Map<string, string[]>();
  const dns: NonNullable<PodSpec['dnsConfig']> = {};
  const sysctls: Array<{ name: string; value: string }> = [];

  (parameters ?? []).forEach(({ key: rawKey, value }, i) => {
    const path = `spec.container.docker.parameters[${i}]`;
    const key = ALIASES[rawKey.replace(/^-+/, '')] ?? rawKey.replace(/^-+/, '');
    const note = (message: string) => out.notices.push({ path, message: `${key}=${JSON.stringify(value)}: ${message}` });
    const invalid = (expected: string) => out.errors.push({ path: `${path}.value`, message: `expected ${expected} for docker flag --${key}, got ${JSON.stringify(value)}` });
    const daemon = DAEMON_ONLY[key];
    if (daemon !== undefined) {
      note(`ignored: ${daemon}`);
      return;
    }
    switch (key) {
      case 'cap-add':
      case 'cap-drop': {
        const caps = value.split(',').map((c) => c.trim().toUpperCase().replace(/^CAP_/, '')).filter(Boolean);
        if (caps.length === 0) return invalid('a capability name like NET_ADMIN');
        (key === 'cap-add' ? add : drop).push(...caps);
        return;
      }
      case 'privileged': {
        const b = bool(value);
        if (b === undefined) return invalid('true or false');
        if (b) sc.privileged = true;
        return;
      }
      case 'read-only': {
        const b = bool(value);
        if (b === undefined) return invalid('true or false');
        if (b) sc.readOnlyRootFilesystem = true;
        return;
      }
      case 'user': {
        const [u = '', g] = value.split(':');
        const uid = /^\d+$/.test(u) ? Number(u) : WELL_KNOWN_IDS[u];
        const gid = g === undefined ? undefined : /^\d+$/.test(g) ? Number(g) : WELL_KNOWN_IDS[g];
        if (uid !== undefined) sc.runAsUser = uid;
        if (gid !== undefined) sc.runAsGroup = gid;
        if (uid === undefined || (g !== undefined && gid === undefined)) note('partly ignored: Kubernetes runs containers by numeric uid and gid, not by names the image defines; the image\'s own user runs the task');
        return;
      }
      case 'workdir':
        if (!value.startsWith('/')) return invalid('an absolute path');
        out.workingDir = value;
        return;
      case 'hostname': {
        const [first = '', ...domain] = value.split('.');
        const label = first.toLowerCase();
        if (!isDns1123Label(label)) return invalid('a host name');
        out.pod.hostname = label;
        if (domain.length > 0 || label !== first) note(`mapped to the pod hostname ${JSON.stringify(label)}: a pod's domain is its namespace's, not ${JSON.stringify(domain.join('.'))}`);
        return;
      }
      case 'add-host': {
        // HOST:IP, the IP possibly IPv6 (with colons of its own).
        const sep = value.indexOf(':');
        const host = value.slice(0, sep);
        const ip = value.slice(sep + 1);
        if (sep <= 0 || ip === '') return invalid('HOST:IP');
        aliases.set(ip, [...(aliases.get(ip) ?? []), host]);
        return;
      }
      case 'env': {
        const eq = value.indexOf('=');
        if (eq === 0) return invalid('NAME=VALUE');
        if (eq < 0) note('ignored: a variable passed on from the Docker host\'s environment has no source on Kubernetes');
        else out.env.push({ name: value.slice(0, eq), value: value.slice(eq + 1) });
        return;
      }
      case 'label': {
        const eq = value.indexOf('=');
        const name = eq < 0 ? value : value.slice(0, eq);
        if (!isQualifiedName(name) || name.startsWith('dcos.dev/')) return note('ignored: not a valid Kubernetes annotation key');
        out.annotations[name] = eq < 0 ? '' : value.slice(eq + 1);
        return;
      }
      case 'init': {
        const b = bool(value);
        if (b === undefined) return invalid('true or false');
        if (!b) return;
        out.pod.shareProcessNamespace = true;
        note('mapped to shareProcessNamespace: the pod\'s pause process is PID 1 and reaps zombies as docker-init (tini) did; the app is not PID 1 and sees the pod\'s other processes');
        return;
      }
      case 'shm-size': {
        const size = dockerSize(value);
        if (size === undefined) return invalid('a size like 64m or 1g');
        out.volumes.push({ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: size } });
        out.volumeMounts.push({ name: 'dshm', mountPath: '/dev/shm' });
        return;
      }
      case 'tmpfs': {
        const [target = '', opts = ''] = value.split(':');
        if (!target.startsWith('/')) return invalid('an absolute path, optionally :size=64m');
        const size = /(?:^|,)size=([^,]+)/.exec(opts)?.[1];
        const limit = size !== undefined ? dockerSize(size) : undefined;
        const name = `tmpfs-${out.volumes.length}`;
        out.volumes.push({ name, emptyDir: { medium: 'Memory', ...(limit !== undefined ? { sizeLimit: limit } : {}) } });
        out.volumeMounts.push({ name, mountPath: target });
        return;
      }
      case 'volume': {
        const [a = '', b, mode] = value.split(':');
        const target = b ?? a;
        if (!target.startsWith('/')) return invalid('HOST_PATH:CONTAINER_PATH[:ro] with absolute paths');
        const name = `docker-vol-${out.volumes.length}`;
        if (b !== undefined && a.startsWith('/')) out.volumes.push({ name, hostPath: { path: a } });
        else {
          out.volumes.push({ name, emptyDir: {} });
          if (b !== undefined) note(`mapped to an emptyDir: the named Docker volume ${JSON.stringify(a)} is not shared with other containers and does not outlive the pod`);
        }
        out.volumeMounts.push({ name, mountPath: target, ...(mode?.split(',').includes('ro') ? { readOnly: true } : {}) });
        return;
      }
      case 'ulimit': {
        const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(value);
        if (!m) return invalid('NAME=SOFT[:HARD]');
        const flag = ULIMIT_FLAGS[m[1]!];
        const limit = (n: string) => (n === '-1' ? 'unlimited' : n);
        if (flag === undefined) return note('not applied: Kubernetes has no per-pod resource limits; the node\'s defaults apply');
        const soft = limit(m[2]!);
        const hard = limit(m[3] ?? m[2]!);
        out.shellPrefix.push(`ulimit -H -${flag} ${hard} 2>/dev/null; ulimit -S -${flag} ${soft} 2>/dev/null;`);
        note('applied by the shell before cmd (Kubernetes has no per-pod resource limits): without cmd the node\'s defaults apply, and raising a hard limit above the node\'s needs CAP_SYS_RESOURCE');
        return;
      }
      case 'dns':
        dns.nameservers = [...(dns.nameservers ?? []), value];
        return;
      case 'dns-search':
        dns.searches = [...(dns.searches ?? []), value];
        return;
      case 'dns-opt': {
        const [name = '', v] = value.split(':');
        dns.options = [...(dns.options ?? []), { name, ...(v !== undefined ? { value: v } : {}) }];
        return;
      }
      case 'sysctl': {
        const eq = value.indexOf('=');
        if (eq <= 0) return invalid('NAME=VALUE');
        sysctls.push({ name: value.slice(0, eq), value: value.slice(eq + 1) });
        return;
      }
      case 'pid':
      case 'ipc':
        if (value === 'host') out.pod[key === 'pid' ? 'hostPID' : 'hostIPC'] = true;
        else note('ignored: a pod shares namespaces with the node (host) or keeps its own');
        return;
      case 'security-opt': {
        if (value === 'no-new-privileges' || value === 'no-new-privileges:true' || value === 'no-new-privileges=true') sc.allowPrivilegeEscalation = false;
        else if (/^seccomp[=:]unconfined$/.test(value)) sc.seccompProfile = { type: 'Unconfined' };
        else if (/^apparmor[=:]unconfined$/.test(value)) sc.appArmorProfile = { type: 'Unconfined' };
        else note('not applied: only no-new-privileges, seccomp=unconfined and apparmor=unconfined have a Kubernetes counterpart');
        return;
      }
      case 'network':
      case 'ip':
      case 'ip6':
      case 'mac-address':
      case 'publish':
      case 'p':
      case 'expose':
        note('ignored: a pod joins the cluster network and gets its IP from it; ports are portMappings / portDefinitions');
        return;
      default:
        note('not applied: this docker flag has no Kubernetes counterpart the operator maps');
    }
  });

  if (add.length > 0 || drop.length > 0) sc.capabilities = { ...(add.length > 0 ? { add } : {}), ...(drop.length > 0 ? { drop } : {}) };
  if (aliases.size > 0) out.pod.hostAliases = [...aliases].map(([ip, hostnames]) => ({ ip, hostnames }));
  if (dns.nameservers !== undefined) out.pod.dnsPolicy = 'None'; // --dns replaced resolv.conf's servers
  if (Object.keys(dns).length > 0) out.pod.dnsConfig = dns;
  if (sysctls.length > 0) out.pod.securityContext = { sysctls };
  return out;
}
