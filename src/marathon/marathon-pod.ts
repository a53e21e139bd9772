import type { DcosServiceSpec, MarathonUnreachableStrategy } from '../resources/dcos-service.ts';
import type { Container, EnvVar, ObjectMeta, PersistentVolumeClaim, PodSpec, Toleration } from './kube-objects.ts';
import type { FieldError, Notice } from './field-errors.ts';
import { describeValue } from './field-errors.ts';
import { appPorts, containerPorts, portEnv, type AppPort } from './marathon-ports.ts';
import { translateHealthChecks } from './marathon-health-checks.ts';
import { translateConstraints } from './marathon-constraints.ts';
import { mergeEnv, translateEnv } from './marathon-env.ts';
import { translateResources } from './marathon-resources.ts';
import { translateVolumes, SANDBOX_PATH } from './marathon-volumes.ts';
import { fetchInitContainer, DEFAULT_FETCH_IMAGE } from './marathon-fetch.ts';
import { resolveSecret } from './marathon-secrets.ts';
import { translateDockerParameters } from './marathon-docker-parameters.ts';
import { statefulSetNotices } from './marathon-workload.ts';

/** How the operator is configured for what Marathon left to the agent. */
export interface PodOptions {
  /** The image for apps without one (Marathon ran them on the agent's own filesystem). None: such apps are rejected. */
  defaultImage?: string;
  /** The image of the init container that fetches artifacts (wget, tar, unzip). */
  fetchImage?: string;
}

export interface PodContext extends PodOptions {
  appId: string;
  /** The labels that select the app's pods (constraints refer to them). */
  selector: Record<string, string>;
  /** Metadata for a claim of a persistent volume, given its containerPath. */
  claimMeta: (containerPath: string) => ObjectMeta;
}

export interface PodTranslation {
  podSpec: PodSpec;
  ports: AppPort[];
  claims: PersistentVolumeClaim[];
  errors: FieldError[];
  notices: Notice[];
  /** One claim per instance (local persistent volumes): the workload is then a StatefulSet. */
  claimTemplates?: PersistentVolumeClaim[];
  /** Annotations for the pod template (docker `label` parameters). */
  podAnnotations?: Record<string, string>;
}

const CONTAINER_NAME = 'app';

/** Names whose uid is the same in every Linux image; any other name means a different uid per image. */
const WELL_KNOWN_UIDS: Record<string, number> = { root: 0, nobody: 65534 };

/**
 * Marathon ran the task as a user of the agent. Kubernetes runs a container by uid and never looks
 * names up in the image, so a name other than the well-known ones is ignored (the image's own user
 * runs it) with a notice; rejecting it would refuse most Universe packages, which set "nobody".
 */
function runAsUser(user: string | undefined, notices: Notice[]): number | undefined {
  if (user === undefined) return undefined;
  if (/^\d+$/.test(user)) return Number(user);
  const uid = WELL_KNOWN_UIDS[user];
  if (uid !== undefined) return uid;
  notices.push({ path: 'spec.user', message: `ignored: ${JSON.stringify(user)} is a name, and Kubernetes runs containers by uid; the image's own user runs the task` });
  return undefined;
}

function unreachableTolerations(strategy: MarathonUnreachableStrategy | undefined, errors: FieldError[]): Toleration[] | undefined {
  if (strategy === undefined) return undefined;
  const toleration = (seconds?: number): Toleration[] =>
    ['node.kubernetes.io/unreachable', 'node.kubernetes.io/not-ready'].map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', ...(seconds !== undefined ? { tolerationSeconds: seconds } : {}) }));
  if (strategy === 'disabled') return toleration();
  const s = strategy as unknown;
  if (typeof s === 'object' && s !== null && !Array.isArray(s)) {
    const { inactiveAfterSeconds = 0, expungeAfterSeconds = 0, ...rest } = s as Record<string, unknown>;
    const ok = typeof inactiveAfterSeconds === 'number' && typeof expungeAfterSeconds === 'number' && inactiveAfterSeconds >= 0 && Object.keys(rest).length === 0;
    if (ok && inactiveAfterSeconds <= expungeAfterSeconds) return toleration(Math.floor(inactiveAfterSeconds));
    if (ok) {
      errors.push({ path: 'spec.unreachableStrategy.inactiveAfterSeconds', message: `expected at most expungeAfterSeconds (${expungeAfterSeconds}), got ${inactiveAfterSeconds}` });
      return undefined;
    }
  }
  errors.push({ path: 'spec.unreachableStrategy', message: `expected "disabled" or {"inactiveAfterSeconds": N, "expungeAfterSeconds": N}, got ${describeValue(s)}` });
  return undefined;
}

/** Marathon's task variables that do not depend on ports. HOST is the pod IP: that is where the ports are served. */
function marathonEnv(spec: DcosServiceSpec, appId: string): EnvVar[] {
  return [
    { name: 'HOST', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
    { name: 'MESOS_TASK_ID', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    { name: 'MESOS_SANDBOX', value: SANDBOX_PATH },
    { name: 'MARATHON_APP_ID', value: appId },
    { name: 'MARATHON_APP_RESOURCE_CPUS', value: String(spec.cpus ?? 1) },
    { name: 'MARATHON_APP_RESOURCE_MEM', value: String(spec.mem ?? 128) },
    { name: 'MARATHON_APP_RESOURCE_DISK', value: String(spec.disk ?? 0) },
    { name: 'MARATHON_APP_RESOURCE_GPUS', value: String(spec.gpus ?? 0) },
  ];
}

/** The pod of a (defaulted) Marathon app, or the reasons it cannot be built. */
export function translatePod(spec: DcosServiceSpec, ctx: PodContext): PodTranslation {
  const errors: FieldError[] = [];
  const notices: Notice[] = [];
  const collect = <T extends { errors: FieldError[]; notices?: Notice[] }>(r: T): T => {
    errors.push(...r.errors);
    notices.push(...(r.notices ?? []));
    return r;
  };

  const ports = collect(appPorts(spec));
  const probes = collect(translateHealthChecks(spec, ports.ports));
  const placement = collect(translateConstraints(spec.constraints, ctx.selector));
  const env = collect(translateEnv(spec));
  const resources = collect(translateResources(spec));
  const volumes = collect(translateVolumes(spec, ctx.claimMeta));
  const fetch = collect(fetchInitContainer(spec, ctx.fetchImage ?? DEFAULT_FETCH_IMAGE));
  const docker = spec.container?.docker;
  const params = collect(translateDockerParameters(docker?.parameters));
  const tolerations = unreachableTolerations(spec.unreachableStrategy, errors);
  const uid = runAsUser(spec.user, notices);

  if (spec.cmd !== undefined && spec.args !== undefined) {
    errors.push({ path: 'spec.args', message: 'expected either cmd or args, got both' });
  }
  const ownImage = spec.container?.docker?.image;
  // `--default-image ''` turns the default off: such apps are refused rather than given an empty image.
  const image = ownImage ?? (ctx.defaultImage || undefined);
  if (image === undefined) {
    errors.push({
      path: 'spec.container.docker.image',
      message: 'expected an image: an app without one ran on the Mesos agent\'s own filesystem, which a pod does not have (set container.docker.image, or configure the operator\'s default image)',
    });
  } else if (ownImage === undefined && spec.cmd === undefined && spec.args === undefined) {
    errors.push({ path: 'spec.cmd', message: 'expected cmd, args or container.docker.image' });
  }
  if (spec.executor !== undefined && spec.executor !== '' && spec.executor !== '//cmd') {
    errors.push({ path: 'spec.executor', message: `expected "" or "//cmd" (the container runs the command), got ${JSON.stringify(spec.executor)}: custom executors have no equivalent` });
  }

  const seccomp = spec.container?.linuxInfo?.seccomp;
  const ipc = spec.container?.linuxInfo?.ipcInfo;
  const securityContext: NonNullable<Container['securityContext']> = {};
  if (uid !== undefined) securityContext.runAsUser = uid;
  if (docker?.privileged) securityContext.privileged = true;
  if (seccomp?.unconfined) securityContext.seccompProfile = { type: 'Unconfined' };
  else if (seccomp?.profileName !== undefined) securityContext.seccompProfile = { type: 'Localhost', localhostProfile: seccomp.profileName };
  // `docker run` flags come last on Docker's command line, so they win.
  Object.assign(securityContext, params.securityContext);
  const volumeMounts = [...volumes.volumeMounts, ...params.volumeMounts];
  const podVolumes = [...volumes.volumes, ...params.volumes];
  if (ipc?.shmSize !== undefined && !podVolumes.some((v) => v.name === 'dshm')) {
    podVolumes.push({ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: `${ipc.shmSize}Mi` } });
    volumeMounts.push({ name: 'dshm', mountPath: '/dev/shm' });
  }

  const container: Container = {
    name: CONTAINER_NAME,
    image: image ?? '',
    ...(spec.cmd !== undefined ? { command: ['/bin/sh', '-c', [...params.shellPrefix, spec.cmd].join(' ')] } : {}),
    ...(spec.args !== undefined ? { args: spec.args } : {}),
    // Mesos ran image-less tasks in their sandbox; image tasks keep the image's working directory.
    ...(ownImage === undefined ? { workingDir: SANDBOX_PATH } : {}),
    ...(params.workingDir !== undefined ? { workingDir: params.workingDir } : {}),
    env: mergeEnv(mergeEnv([...marathonEnv(spec, ctx.appId), ...portEnv(ports.ports)], params.env), env.env),
    resources: resources.resources,
    volumeMounts,
    ...(ports.ports.length > 0 ? { ports: containerPorts(ports.ports) } : {}),
    ...(probes.livenessProbe ? { livenessProbe: probes.livenessProbe } : {}),
    ...(probes.startupProbe ? { startupProbe: probes.startupProbe } : {}),
    ...(probes.readinessProbe ? { readinessProbe: probes.readinessProbe } : {}),
    ...(docker?.forcePullImage ? { imagePullPolicy: 'Always' as const } : {}),
    ...(Object.keys(securityContext).length > 0 ? { securityContext } : {}),
    ...(spec.tty ? { tty: true, stdin: true } : {}),
  };

  const podSpec: PodSpec = { containers: [container], volumes: podVolumes, ...params.pod };
  if (fetch.initContainer) podSpec.initContainers = [fetch.initContainer];
  if (placement.nodeSelector) podSpec.nodeSelector = placement.nodeSelector;
  if (placement.affinity) podSpec.affinity = placement.affinity;
  if (placement.topologySpreadConstraints) podSpec.topologySpreadConstraints = placement.topologySpreadConstraints;
  if (tolerations) podSpec.tolerations = tolerations;
  if (spec.taskKillGracePeriodSeconds !== undefined) podSpec.terminationGracePeriodSeconds = spec.taskKillGracePeriodSeconds;
  if (ipc?.mode === 'SHARE_PARENT') podSpec.hostIPC = true;
  if (docker?.pullConfig) {
    const ref = resolveSecret(spec, docker.pullConfig.secret, 'spec.container.docker.pullConfig.secret', errors);
    if (ref) podSpec.imagePullSecrets = [{ name: ref.name }];
  }
  if (volumes.claimTemplates.length > 0) notices.push(...statefulSetNotices(spec));
  const podAnnotations = Object.keys(params.annotations).length > 0 ? { podAnnotations: params.annotations } : {};
  const claimTemplates = volumes.claimTemplates.length > 0 ? { claimTemplates: volumes.claimTemplates } : {};
  return { podSpec, ports: ports.ports, claims: volumes.claims, errors, notices, ...claimTemplates, ...podAnnotations };
}
