/*
 * Every Marathon app field and what becomes of it: the single list that the notices for ignored fields,
 * the rejection of unsupported ones, the fixture test ("every field is mapped or reported") and
 * docs/marathon-mapping.md agree on. Paths: `[]` is any array element, `*` any map key.
 */

export type FieldFate = 'mapped' | 'ignored' | 'rejected';

export interface FieldMapping {
  fate: FieldFate;
  /** Mapped: to what. Ignored or rejected: why. */
  what: string;
  /** Ignored fields at this value (Marathon's default) are not reported. */
  quietWhen?: unknown;
}

const m = (what: string): FieldMapping => ({ fate: 'mapped', what });
const ig = (what: string, quietWhen?: unknown): FieldMapping => ({ fate: 'ignored', what, ...(quietWhen !== undefined ? { quietWhen } : {}) });
const rej = (what: string): FieldMapping => ({ fate: 'rejected', what });

const portMappingFields = (base: string): Record<string, FieldMapping> => ({
  [base]: m('container ports and Service ports'),
  [`${base}[].containerPort`]: m('containerPort (0: the host port, or the first free port from 10000)'),
  [`${base}[].hostPort`]: m('hostPort when non-zero; 0 (dynamic) needs none, the pod IP serves the port'),
  [`${base}[].servicePort`]: m('the Service port when non-zero (else the container port)'),
  [`${base}[].name`]: m('the port name (when a valid port name), $PORT_<NAME>, readinessChecks[].portName'),
  [`${base}[].protocol`]: m('TCP, UDP, or both ports for "udp,tcp"'),
  [`${base}[].labels`]: m('VIP_n ("/name:port" or "ip:port"): the Service port; other port labels are metadata for DC/OS tools and are not used'),
  [`${base}[].labels.*`]: m('see labels'),
  [`${base}[].networkNames`]: ig('a pod has one network', []),
});

export const MARATHON_FIELDS: Record<string, FieldMapping> = {
  id: m('annotation dcos.dev/app-id, status.appId, label dcos.dev/group; dependencies resolve against it'),
  cmd: m('container command ["/bin/sh", "-c", cmd]'),
  args: m('container args (the image entrypoint stays)'),
  user: m('securityContext.runAsUser when numeric, root (0) or nobody (65534); other names are ignored with a notice (Kubernetes runs by uid, the image decides)'),
  env: m('container env; a name the app sets wins over the operator\'s (PORT, HOST, ...)'),
  'env.*': m('a value, or {"secret": NAME} as valueFrom.secretKeyRef'),
  secrets: m('resolved where env, volumes and pullConfig refer to them'),
  'secrets.*': m('a secret declaration'),
  'secrets.*.source': m('a Secret by path: /GROUP/NAME/KEY is key KEY of Secret GROUP.NAME; one segment NAME is key "value" of Secret NAME (see Secrets)'),
  labels: m('Deployment and pod labels when valid, annotations otherwise'),
  'labels.*': m('a label or annotation'),
  cpus: m('requests.cpu and limits.cpu (millicores); a string holding a number is read as it (Marathon 0.x), with a warning'),
  mem: m('requests.memory and limits.memory (MiB); a numeric string as for cpus'),
  disk: m('requests and limits of ephemeral-storage (MiB) when > 0'),
  gpus: m('requests and limits of nvidia.com/gpu when > 0'),
  resourceLimits: m('container limits'),
  'resourceLimits.cpus': m('limits.cpu; "unlimited": no limit'),
  'resourceLimits.mem': m('limits.memory; "unlimited": no limit'),
  instances: m('Deployment replicas (held at 0 while dependencies are not healthy); a numeric string as for cpus'),
  container: m('the pod\'s container'),
  'container.type': m('DOCKER and MESOS both run the image'),
  'container.docker': m('the image and its options'),
  'container.docker.image': m('container image'),
  'container.docker.forcePullImage': m('imagePullPolicy Always when true'),
  'container.docker.privileged': m('securityContext.privileged'),
  'container.docker.network': m('the network mode (HOST, BRIDGE, USER) when networks is not set (beside networks: ignored with a warning); NONE is rejected'),
  ...portMappingFields('container.docker.portMappings'),
  'container.docker.parameters': m('docker run flags with a Kubernetes counterpart (cap-add/drop, privileged, user, workdir, hostname, add-host, env, label, init, shm-size, tmpfs, volume, ulimit, dns, sysctl, security-opt, pid/ipc host, read-only) onto the container and pod; daemon-only flags (log-driver, log-opt, restart, name, ...) ignored; the rest named in a warning'),
  'container.docker.credential': ig('deprecated in Marathon (Mesos containerizer credentials); use pullConfig'),
  'container.docker.pullConfig': m('imagePullSecrets'),
  'container.docker.pullConfig.secret': m('imagePullSecrets: the Secret its source names'),
  'container.volumes': m('pod volumes and volume mounts'),
  'container.volumes[].containerPath': m('mountPath (relative paths: inside the sandbox /mnt/mesos/sandbox)'),
  'container.volumes[].mode': m('readOnly for RO'),
  'container.volumes[].hostPath': m('absolute: a hostPath volume; relative: a directory of the sandbox (an emptyDir), or of the persistent volume whose containerPath it names'),
  'container.volumes[].secret': m('a secret volume (one key as one file, or the whole Secret as a directory)'),
  'container.volumes[].persistent': m('a StatefulSet volumeClaimTemplate (ReadWriteOnce): one claim per instance, as Marathon\'s resident tasks'),
  'container.volumes[].persistent.size': m('the claim\'s storage request (MiB)'),
  'container.volumes[].persistent.profileName': m('storageClassName'),
  'container.volumes[].persistent.type': ig('the storage class decides the kind of disk'),
  'container.volumes[].persistent.maxSize': ig('a claim asks for its size; the storage class decides what backs it'),
  'container.volumes[].persistent.constraints': ig('a claim cannot choose the disk path on the node; the storage class decides', []),
  'container.volumes[].external': m('a PersistentVolumeClaim named after the external volume (size, CSI access mode), provider and options kept in the annotation dcos.dev/external-volume; a warning'),
  ...portMappingFields('container.portMappings'),
  'container.linuxInfo': m('security and IPC options'),
  'container.linuxInfo.seccomp': m('seccompProfile'),
  'container.linuxInfo.seccomp.profileName': m('seccompProfile Localhost with this profile'),
  'container.linuxInfo.seccomp.unconfined': m('seccompProfile Unconfined'),
  'container.linuxInfo.ipcInfo': m('IPC namespace and /dev/shm'),
  'container.linuxInfo.ipcInfo.mode': m('hostIPC for SHARE_PARENT'),
  'container.linuxInfo.ipcInfo.shmSize': m('a memory emptyDir at /dev/shm of this size (MiB)'),
  networks: m('the network mode; a pod joins one network: more than one uses the first, with a warning'),
  'networks[].mode': m('host: ports from portDefinitions; container, container/bridge: from portMappings; every pod has its own IP'),
  'networks[].name': ig('pods join the cluster network (the DC/OS overlay\'s counterpart)'),
  'networks[].labels': ig('network attachment labels have no equivalent on the cluster network', {}),
  portDefinitions: m('container ports and Service ports (host networking); beside a bridge/container network\'s portMappings: ignored, with a warning unless all ports are 0'),
  'portDefinitions[].port': m('containerPort (0: the first free port from 10000), the Service port, hostPort with requirePorts'),
  'portDefinitions[].name': m('the port name (when valid), $PORT_<NAME>, readinessChecks[].portName'),
  'portDefinitions[].protocol': m('TCP, UDP, or both for "udp,tcp"'),
  'portDefinitions[].labels': m('VIP_n: the Service port; other port labels are not used'),
  'portDefinitions[].labels.*': m('see portDefinitions[].labels'),
  ports: m('as portDefinitions with these ports (host networking); beside portDefinitions, or beside a bridge/container network\'s portMappings: ignored with a warning unless it only echoes their ports'),
  requirePorts: m('hostPort = port for non-zero portDefinitions'),
  ipAddress: m('IP-per-task: a container network (every pod has its own IP)'),
  'ipAddress.discovery': m('the app\'s ports'),
  'ipAddress.discovery.ports': m('container ports and Service ports, as portMappings with these container ports (number, name, protocol)'),
  'ipAddress.networkName': ig('pods join the cluster network (the DC/OS overlay\'s counterpart)'),
  'ipAddress.groups': ig('ignored by Marathon too', []),
  'ipAddress.labels': ig('network attachment labels have no equivalent on the cluster network', {}),
  healthChecks: m('the most specific check: livenessProbe, startupProbe, readinessProbe; the next one: readinessProbe; the rest are warned about'),
  'healthChecks[].protocol': m('httpGet (HTTP, HTTPS and MESOS_ variants), tcpSocket (TCP, MESOS_TCP), exec sh -c (COMMAND)'),
  'healthChecks[].path': m('httpGet.path'),
  'healthChecks[].portIndex': m('the port number of that port'),
  'healthChecks[].port': m('the port number'),
  'healthChecks[].command': m('exec ["/bin/sh", "-c", value]'),
  'healthChecks[].command.value': m('the shell command'),
  'healthChecks[].gracePeriodSeconds': m('startupProbe failureThreshold ceil(grace / interval) + maxConsecutiveFailures'),
  'healthChecks[].intervalSeconds': m('periodSeconds'),
  'healthChecks[].timeoutSeconds': m('timeoutSeconds'),
  'healthChecks[].maxConsecutiveFailures': m('livenessProbe failureThreshold (0: no liveness probe for Marathon-level checks, 1 for Mesos-level)'),
  'healthChecks[].delaySeconds': m('initialDelaySeconds for Mesos-level checks (Marathon never implemented it for its own)'),
  'healthChecks[].ignoreHttp1xx': ig('Kubernetes counts a 1xx response as a failure', false),
  'healthChecks[].ipProtocol': ig('probes use the pod IP', 'IPv4'),
  readinessChecks: m('readinessProbe (at most one, as Marathon)'),
  'readinessChecks[].name': ig('a probe has no name', 'readinessCheck'),
  'readinessChecks[].protocol': m('httpGet.scheme'),
  'readinessChecks[].path': m('httpGet.path'),
  'readinessChecks[].portName': m('the number of the port with that name'),
  'readinessChecks[].intervalSeconds': m('periodSeconds'),
  'readinessChecks[].timeoutSeconds': m('timeoutSeconds'),
  'readinessChecks[].httpStatusCodesForReady': m('codes within 200-399 accepted (a probe accepts all of 200-399); others rejected'),
  'readinessChecks[].preserveLastResponse': ig('probe responses are not kept', false),
  check: ig('a Mesos check only reports a result; Kubernetes has no probe that neither restarts nor gates traffic'),
  constraints: m('nodeSelector, node affinity, pod (anti-)affinity, topologySpreadConstraints; what cannot be exact runs with a warning'),
  dependencies: m('replicas held at 0 until the dependencies are healthy (condition Ready names them)'),
  upgradeStrategy: m('Deployment strategy'),
  'upgradeStrategy.minimumHealthCapacity': m('maxUnavailable = instances - ceil(instances x minimumHealthCapacity) (a StatefulSet: one at a time, with a warning when Marathon replaced more)'),
  'upgradeStrategy.maximumOverCapacity': m('maxSurge = floor(instances x maximumOverCapacity); with persistent volumes Marathon required 0'),
  fetch: m('an init container downloading into the sandbox'),
  'fetch[].uri': m('wget'),
  'fetch[].extract': m('tar -xf / unzip for archives'),
  'fetch[].executable': m('chmod +x'),
  'fetch[].cache': ig('each pod downloads; there is no node-level fetcher cache', false),
  'fetch[].destPath': m('the file name in the sandbox'),
  uris: m('as fetch with these URIs (extracted, not executable); beside fetch, fetched as well, with a warning'),
  storeUrls: ig('obsolete in Marathon (ignored since 0.8)', []),
  backoffSeconds: ig('the kubelet restarts failed containers with its own back-off (10 s doubling to 5 min)', 1),
  backoffFactor: ig('the kubelet restarts failed containers with its own back-off (10 s doubling to 5 min)', 1.15),
  maxLaunchDelaySeconds: ig('the kubelet restarts failed containers with its own back-off (10 s doubling to 5 min)', 300),
  taskKillGracePeriodSeconds: m('terminationGracePeriodSeconds'),
  killSelection: ig('ReplicaSets remove the youngest pods first (YOUNGEST_FIRST); OLDEST_FIRST cannot be asked for', 'YOUNGEST_FIRST'),
  unreachableStrategy: m('tolerations for node.kubernetes.io/unreachable and not-ready (inactiveAfterSeconds; "disabled": never evicted)'),
  tty: m('container tty and stdin'),
  acceptedResourceRoles: ig('Kubernetes has no resource roles; place pods with constraints on node labels', ['*']),
  role: ig('Kubernetes has no resource roles'),
  executor: m('"" and //cmd: the container runs the command; a custom executor is rejected'),
  executorResources: ig('there is no executor process; pod overhead belongs to the runtime class'),
  'executorResources.cpus': ig('see executorResources'),
  'executorResources.mem': ig('see executorResources'),
  'executorResources.disk': ig('see executorResources'),
  residency: ig('deprecated and without effect in Marathon'),
  'residency.relaunchEscalationTimeoutSeconds': ig('deprecated and without effect in Marathon'),
  'residency.taskLostBehavior': ig('deprecated and without effect in Marathon'),
  version: ig('set by Marathon'),
  tasksStaged: ig('returned by Marathon (AppInfo); status.tasksStaged shows it'),
  tasksRunning: ig('returned by Marathon (AppInfo); status.tasksRunning shows it'),
  tasksHealthy: ig('returned by Marathon (AppInfo); status.tasksHealthy shows it'),
  tasksUnhealthy: ig('returned by Marathon (AppInfo); status.tasksUnhealthy shows it'),
  deployments: ig('returned by Marathon (AppInfo); status.deployment shows the one in progress'),
  lastTaskFailure: ig('returned by Marathon (AppInfo); status.lastTaskFailure shows it'),
  tasks: ig('returned by Marathon (AppInfo); the pods are the tasks'),
  versionInfo: ig('set by Marathon'),
  'versionInfo.lastScalingAt': ig('set by Marathon'),
  'versionInfo.lastConfigChangeAt': ig('set by Marathon'),
};

/** Opaque fields: their content is checked by the translation, not walked. */
const OPAQUE = new Set(['deployments', 'lastTaskFailure', 'tasks', 'constraints', 'dependencies', 'ipAddress.discovery.ports', 'check', 'unreachableStrategy', 'container.volumes[].external', 'acceptedResourceRoles', 'args', 'uris', 'ports', 'readinessChecks[].httpStatusCodesForReady', 'container.volumes[].persistent.constraints', 'env.*', 'container.docker.parameters', 'networks[].labels', 'container.portMappings[].networkNames', 'container.docker.portMappings[].networkNames']);

export interface FieldVisit {
  /** The field as written: `portDefinitions[0].name`. */
  path: string;
  /** The table key: `portDefinitions[].name`, or undefined when the field is unknown. */
  key?: string;
  /** The table key of the object holding the field (undefined at the top level). */
  parentKey?: string;
  mapping?: FieldMapping;
  value: unknown;
}

/** Keys of the table that have fields below them, computed once: the webhook visits every field of every request. */
const PARENT_KEYS: ReadonlySet<string> = (() => {
  const parents = new Set<string>();
  for (const k of Object.keys(MARATHON_FIELDS)) {
    // Every prefix ending before a `.` or a `[]` is a parent of k.
    for (let i = 0; i < k.length; i++) {
      if (k[i] === '.' || (k[i] === '[' && k[i + 1] === ']')) parents.add(k.slice(0, i));
    }
  }
  return parents;
})();

function hasChildren(key: string): boolean {
  return PARENT_KEYS.has(key);
}

/** Visits every field of an app definition down to the table's depth. */
export function visitFields(app: unknown, visit: (v: FieldVisit) => void): void {
  const walk = (value: unknown, path: string, key: string | undefined) => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => walkObject(item, `${path}[${i}]`, `${key}[]`));
      return;
    }
    walkObject(value, path, key);
  };
  const walkObject = (value: unknown, path: string, key: string | undefined) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    for (const [name, child] of Object.entries(value)) {
      const childPath = path === '' ? name : `${path}.${name}`;
      const exact = key === undefined ? name : `${key}.${name}`;
      const star = key === undefined ? undefined : `${key}.*`;
      const childKey = MARATHON_FIELDS[exact] ? exact : star !== undefined && MARATHON_FIELDS[star] ? star : undefined;
      visit({ path: childPath, ...(childKey !== undefined ? { key: childKey, mapping: MARATHON_FIELDS[childKey]! } : {}), ...(key !== undefined ? { parentKey: key } : {}), value: child });
      if (childKey !== undefined && !OPAQUE.has(childKey) && hasChildren(childKey)) walk(child, childPath, childKey);
    }
  };
  walkObject(app, '', undefined);
}
