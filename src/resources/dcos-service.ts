import { z } from 'zod';
import type { KindDefinition, KubeObject } from './kind-definition.ts';
import { statusBase } from './conditions.ts';
import { acceptMarathonJson, acceptNumericStrings } from './marathon-json.ts';

/*
 * The Marathon app definition (Marathon 1.8+ RAML types, field names and meanings kept).
 * No `.default()` here: Marathon's defaults are applied by applyMarathonDefaults (src/marathon)
 * in the defaulting webhook, so `kubectl get -o yaml` shows what the user wrote plus defaults once.
 * The schema stays structural (a CRD can say it); Marathon's "string or object" fields are
 * preserve-unknown-fields nodes whose real shape translateService checks. Nulls and unknown
 * fields are accepted as Marathon accepted them (see marathon-json.ts).
 */

/** A Marathon value that is one of several JSON types; the CRD cannot say a union, the validator does. */
function anyShape<T>(description: string): z.ZodType<T> {
  return z.unknown().meta({ 'x-kubernetes-preserve-unknown-fields': true }).describe(description) as unknown as z.ZodType<T>;
}

const port = (description: string) => z.number().int().min(0).max(65535).describe(description);
const kvLabels = (description: string) => z.record(z.string(), z.string()).describe(description);
const seconds = (description: string) => z.number().int().min(0).describe(description);

const protocolSchema = z
  .enum(['tcp', 'udp', 'udp,tcp', 'tcp,udp'])
  .describe('The port\'s protocol: tcp, udp or both ("udp,tcp"). Marathon default tcp.');

export const portDefinitionSchema = z
  .object({
    port: port('With requirePorts, the port the task binds (and the host port); otherwise the service port, 0 meaning "pick one". Marathon default 0.').optional(),
    name: z.string().optional().describe('Name of the service on this port (lowercase letters, digits, dashes); unique among the app\'s ports.'),
    protocol: protocolSchema.optional(),
    labels: kvLabels('Port metadata; VIP_0 ("/name:port" or "ip:port") asks for a load-balanced virtual address.').optional(),
  })
  .describe('A port of an app on host networking.');

export const portMappingSchema = z
  .object({
    containerPort: port('The port the process listens on inside the container; 0 means the same as the host port. Marathon default 0.').optional(),
    hostPort: port('The port on the node; 0 means a dynamic host port, left out means none (container networks).').optional(),
    servicePort: port('The well-known port for service discovery and load balancing; 0 means "pick one". Marathon default 0.').optional(),
    name: z.string().optional().describe('Name of the service on this port; unique among the app\'s port mappings.'),
    protocol: protocolSchema.optional(),
    labels: kvLabels('Port metadata; VIP_0 ("/name:port" or "ip:port") asks for a load-balanced virtual address.').optional(),
    networkNames: z.array(z.string()).optional().describe('The container networks this mapping applies to (all when left out).'),
  })
  .describe('A container port mapped to a host port and a service port (container and bridge networks).');

const persistentVolumeInfoSchema = z
  .object({
    type: z.enum(['root', 'path', 'mount']).optional().describe('The kind of Mesos disk resource (root, path, mount).'),
    size: z.number().int().min(0).describe('The volume size in MiB.'),
    maxSize: z.number().int().min(0).optional().describe('For mount disks, the largest disk to accept, in MiB.'),
    profileName: z.string().optional().describe('The storage profile to take the volume from.'),
    constraints: z.array(z.array(z.string()).min(2).max(3)).optional().describe('Constraints on the disk resource path, as [field, operator, value].'),
  })
  .describe('A local persistent volume, kept across restarts of the task.');

export const appVolumeSchema = z
  .object({
    containerPath: z.string().min(1).describe('Where the volume appears in the container.'),
    mode: z.enum(['RO', 'RW']).optional().describe('RO (read-only) or RW (read-write).'),
    hostPath: z.string().optional().describe('A host volume: the path on the node.'),
    persistent: persistentVolumeInfoSchema.optional(),
    external: anyShape<Record<string, unknown>>('An external volume (DVDI or CSI provider options).').optional(),
    secret: z.string().optional().describe('A secret volume: the name of an entry of `secrets`.'),
  })
  .describe('A volume of the app: exactly one of hostPath, persistent, external or secret.');

const dockerSchema = z
  .object({
    image: z.string().min(1).describe('The container image.'),
    forcePullImage: z.boolean().optional().describe('Pull the image even when the node has it. Marathon default false.'),
    privileged: z.boolean().optional().describe('Run the container privileged. Marathon default false.'),
    network: z.enum(['BRIDGE', 'HOST', 'NONE', 'USER']).optional().describe('Deprecated: the Docker networking mode (use `networks`).'),
    portMappings: z.array(portMappingSchema).optional().describe('Deprecated: port mappings (use container.portMappings).'),
    parameters: z
      .array(z.object({ key: z.string().min(1).describe('The docker CLI flag without dashes.'), value: z.string().describe('The flag value.') }).describe('A docker CLI parameter.'))
      .optional()
      .describe('Arbitrary docker CLI parameters.'),
    credential: z
      .object({ principal: z.string().describe('The principal.'), secret: z.string().optional().describe('The secret.') })
      .optional()
      .describe('Deprecated: registry credentials (use pullConfig).'),
    pullConfig: z
      .object({ secret: z.string().min(1).describe('The name of an entry of `secrets` holding a docker config.json.') })
      .optional()
      .describe('Registry credentials as a docker config.json secret.'),
  })
  .describe('The Docker image and its options.');

const containerSchema = z
  .object({
    type: z.enum(['DOCKER', 'MESOS']).optional().describe('The container engine: DOCKER or MESOS (the universal containerizer). Marathon default DOCKER.'),
    docker: dockerSchema.optional(),
    volumes: z.array(appVolumeSchema).optional().describe('Volumes mounted into the container.'),
    portMappings: z.array(portMappingSchema).optional().describe('Ports of the container on container or bridge networks.'),
    linuxInfo: z
      .object({
        seccomp: z
          .object({
            profileName: z.string().optional().describe('The seccomp profile file on the node.'),
            unconfined: z.boolean().optional().describe('Run without seccomp. Marathon default false.'),
          })
          .optional()
          .describe('The seccomp profile.'),
        ipcInfo: z
          .object({
            mode: z.enum(['PRIVATE', 'SHARE_PARENT']).describe('PRIVATE or SHARE_PARENT (the node\'s IPC namespace).'),
            shmSize: z.number().int().min(0).optional().describe('The size of /dev/shm in MiB.'),
          })
          .optional()
          .describe('Shared memory and IPC isolation.'),
      })
      .optional()
      .describe('Linux-specific options.'),
  })
  .describe('The container the task runs in.');

const healthCheckSchema = z
  .object({
    protocol: z
      .enum(['HTTP', 'HTTPS', 'TCP', 'COMMAND', 'MESOS_HTTP', 'MESOS_HTTPS', 'MESOS_TCP'])
      .optional()
      .describe('How to check: HTTP, HTTPS, TCP, COMMAND, MESOS_HTTP, MESOS_HTTPS or MESOS_TCP. Marathon default HTTP.'),
    path: z.string().optional().describe('The HTTP path to request (HTTP kinds only). Marathon default /.'),
    portIndex: z.number().int().min(0).optional().describe('The index of the port (in portDefinitions or portMappings) to check. Default 0.'),
    port: port('A fixed port number to check; overrides portIndex.').optional(),
    command: z.object({ value: z.string().describe('The shell command; exit code 0 means healthy.') }).optional().describe('The command of a COMMAND check.'),
    gracePeriodSeconds: seconds('Failures are ignored for this long after start or until the first success. Marathon default 300.').optional(),
    intervalSeconds: seconds('Seconds between checks. Marathon default 60.').optional(),
    timeoutSeconds: seconds('Seconds before a check counts as failed. Marathon default 20.').optional(),
    maxConsecutiveFailures: seconds('Consecutive failures after which the task is killed (0: never, for HTTP/HTTPS/TCP). Marathon default 3.').optional(),
    delaySeconds: seconds('Seconds before the first check (Mesos checks). Marathon default 15.').optional(),
    ignoreHttp1xx: z.boolean().optional().describe('Ignore 1xx responses (HTTP and HTTPS). Marathon default false.'),
    ipProtocol: z.enum(['IPv4', 'IPv6']).optional().describe('IPv4 or IPv6. Marathon default IPv4.'),
  })
  .describe('A health check: failing tasks are reported unhealthy and killed after maxConsecutiveFailures.');

const readinessCheckSchema = z
  .object({
    name: z.string().optional().describe('The check\'s name. Marathon default readinessCheck.'),
    protocol: z.enum(['HTTP', 'HTTPS']).optional().describe('HTTP or HTTPS. Marathon default HTTP.'),
    path: z.string().optional().describe('The path to request. Marathon default /.'),
    portName: z.string().optional().describe('The name of the port (portDefinitions or portMappings) to check. Marathon default http-api.'),
    intervalSeconds: seconds('Seconds between checks. Marathon default 30.').optional(),
    timeoutSeconds: z.number().int().min(1).optional().describe('Seconds before a check counts as failed; smaller than intervalSeconds. Marathon default 10.'),
    httpStatusCodesForReady: z.array(z.number().int().min(100).max(999)).optional().describe('The HTTP status codes meaning ready. Marathon default [200].'),
    preserveLastResponse: z.boolean().optional().describe('Keep the last response for the deployment API. Marathon default false.'),
  })
  .describe('A readiness check: a deployment proceeds when new tasks are ready.');

const fetchSchema = z
  .object({
    uri: z.string().min(1).max(1024).describe('The URI to download before the task starts.'),
    extract: z.boolean().optional().describe('Extract archives (.tgz, .tar.gz, .tar, .zip, ...). Marathon default true.'),
    executable: z.boolean().optional().describe('Make the file executable. Marathon default false.'),
    cache: z.boolean().optional().describe('Cache the download on the node. Marathon default false.'),
    destPath: z.string().optional().describe('The file name in the sandbox.'),
  })
  .describe('An artifact fetched into the task\'s sandbox.');

/** An env value: a string, or `{secret: NAME}` naming an entry of `secrets`. */
export type MarathonEnvValue = string | { secret: string };
/** Marathon's resource limit: a number (cpus or MiB) or "unlimited". */
export type MarathonResourceLimit = number | 'unlimited';
/** Marathon's unreachableStrategy: "disabled" or the timeouts. */
export type MarathonUnreachableStrategy = 'disabled' | { inactiveAfterSeconds?: number; expungeAfterSeconds?: number };

/** The Marathon app definition, with Marathon's field names, as the translation reads it. */
const marathonAppSchema = z
  .object({
    id: z.string().optional().describe('The Marathon app id, e.g. /prod/db/postgres (relative ids resolve from /). Defaults to the object name.'),
    cmd: z.string().min(1).optional().describe('The command, run with `sh -c`. Mutually exclusive with args.'),
    args: z.array(z.string()).optional().describe('The command and its arguments, run without a shell (after the image entrypoint). Mutually exclusive with cmd.'),
    user: z
      .string()
      .optional()
      .describe('The user to run the task as: a uid, root (0) or nobody (65534); any other name is ignored with a warning (the image\'s own user runs the task).'),
    env: z
      .record(z.string(), anyShape<MarathonEnvValue>('A string, or {"secret": NAME} naming an entry of `secrets`.'))
      .optional()
      .describe('Environment variables of the task.'),
    secrets: z
      .record(
        z.string(),
        z.object({ source: z.string().min(1).describe('The Kubernetes secret as NAME/KEY (a leading / is allowed, as DC/OS secret paths had).') }).describe('A secret declaration.'),
      )
      .optional()
      .describe('Secrets the app uses, by a local name that env and volumes refer to.'),
    labels: kvLabels('Metadata of the app; valid ones become Kubernetes labels, the others annotations.').optional(),
    cpus: z.number().min(0.001).optional().describe('CPU shares (cores) per instance. Marathon default 1.'),
    mem: z.number().min(0).optional().describe('Memory per instance in MiB. Marathon default 128.'),
    disk: z.number().min(0).optional().describe('Scratch disk per instance in MiB. Marathon default 0.'),
    gpus: z.number().int().min(0).optional().describe('GPUs per instance. Marathon default 0.'),
    resourceLimits: z
      .object({
        cpus: anyShape<MarathonResourceLimit>('The CPU limit: a number of cores or "unlimited". Defaults to cpus.').optional(),
        mem: anyShape<MarathonResourceLimit>('The memory limit: MiB or "unlimited". Defaults to mem.').optional(),
      })
      .optional()
      .describe('Limits above the requested resources.'),
    instances: z.number().int().min(0).optional().describe('How many tasks (pods) to run; 0 suspends the app. Marathon default 1.'),
    container: containerSchema.optional(),
    networks: z
      .array(
        z
          .object({
            mode: z.enum(['container', 'container/bridge', 'host']).optional().describe('container, container/bridge or host. Marathon default container.'),
            name: z.string().optional().describe('The container network to join (container mode).'),
            labels: kvLabels('Labels of the network attachment.').optional(),
          })
          .describe('A network the app joins.'),
      )
      .optional()
      .describe('The networks of the app. Marathon default [{mode: host}].'),
    portDefinitions: z.array(portDefinitionSchema).optional().describe('Ports of an app on host networking. Marathon default one port, [{port: 0}].'),
    ports: z.array(port('A port; see portDefinitions.port.')).optional().describe('Deprecated: port numbers (use portDefinitions).'),
    requirePorts: z.boolean().optional().describe('Use the portDefinitions port numbers as host ports. Marathon default false.'),
    ipAddress: anyShape<Record<string, unknown>>('Deprecated: per-task IP address (use networks).').optional(),
    healthChecks: z.array(healthCheckSchema).optional().describe('Health checks of the tasks.'),
    readinessChecks: z.array(readinessCheckSchema).optional().describe('Readiness checks of new tasks during deployments (at most one).'),
    check: anyShape<Record<string, unknown>>('A Mesos check whose result is only reported.').optional(),
    constraints: z
      .array(z.array(z.string()).min(2).max(3).describe('[field, operator] or [field, operator, value].'))
      .optional()
      .describe('Placement constraints: [field, operator, value?] with UNIQUE, CLUSTER, GROUP_BY, LIKE, UNLIKE, MAX_PER, IS on hostname or node attributes.'),
    dependencies: z.array(z.string()).optional().describe('App ids (absolute or relative) that must be healthy before this app starts.'),
    upgradeStrategy: z
      .object({
        minimumHealthCapacity: z.number().min(0).max(1).optional().describe('The share of instances kept healthy during an upgrade. Marathon default 1.'),
        maximumOverCapacity: z.number().min(0).max(1).optional().describe('The share of extra instances allowed during an upgrade. Marathon default 1.'),
      })
      .optional()
      .describe('How instances are replaced during an upgrade.'),
    fetch: z.array(fetchSchema).optional().describe('Artifacts downloaded into the sandbox before the task starts.'),
    uris: z.array(z.string()).optional().describe('Deprecated: URIs to fetch (use fetch).'),
    backoffSeconds: seconds('Delay before relaunching a failed task. Marathon default 1.').optional(),
    backoffFactor: z.number().min(1).optional().describe('The factor the relaunch delay grows by per failure. Marathon default 1.15.'),
    maxLaunchDelaySeconds: seconds('The longest relaunch delay. Marathon default 300 (3600 before 1.8).').optional(),
    taskKillGracePeriodSeconds: seconds('Seconds between SIGTERM and SIGKILL when a task is stopped.').optional(),
    killSelection: z.enum(['YOUNGEST_FIRST', 'OLDEST_FIRST']).optional().describe('Which tasks go first on scale-down. Marathon default YOUNGEST_FIRST.'),
    unreachableStrategy: anyShape<MarathonUnreachableStrategy>('"disabled", or {inactiveAfterSeconds, expungeAfterSeconds}: when tasks on an unreachable node are replaced.').optional(),
    tty: z.boolean().optional().describe('Allocate a TTY for the task.'),
    acceptedResourceRoles: z.array(z.string()).optional().describe('Mesos resource roles the app accepts offers from.'),
    role: z.string().optional().describe('The Mesos role of the app.'),
    executor: z.string().optional().describe('The Mesos executor ("" or //cmd: the default).'),
    executorResources: z
      .object({
        cpus: z.number().optional().describe('CPUs for the executor.'),
        mem: z.number().optional().describe('MiB for the executor.'),
        disk: z.number().optional().describe('MiB of disk for the executor.'),
      })
      .optional()
      .describe('Resources of the Mesos executor.'),
    residency: z
      .object({
        relaunchEscalationTimeoutSeconds: z.number().int().optional().describe('Deprecated, no effect.'),
        taskLostBehavior: z.enum(['WAIT_FOREVER', 'RELAUNCH_AFTER_TIMEOUT']).optional().describe('Deprecated, no effect.'),
      })
      .optional()
      .describe('Deprecated, no effect in Marathon.'),
    version: z.string().optional().describe('Set by Marathon: the version of the definition.'),
    versionInfo: z
      .object({
        lastScalingAt: z.string().optional().describe('Set by Marathon.'),
        lastConfigChangeAt: z.string().optional().describe('Set by Marathon.'),
      })
      .optional()
      .describe('Set by Marathon: version timestamps.'),
  })
  .describe('A Marathon app definition (see the Marathon REST API /v2/apps).');
/** The app the translation reads: nulls dropped (withoutNulls), unknown fields left aside. */
export type DcosServiceSpec = z.infer<typeof marathonAppSchema>;

/**
 * The spec as users write it (CRD, admission): Marathon's own JSON, nulls and unknown fields included,
 * and numbers written as strings in the top-level resource fields (Marathon 0.x read them).
 */
export const dcosServiceSpecSchema: z.ZodType<DcosServiceSpec> = acceptNumericStrings(acceptMarathonJson(marathonAppSchema));

export const taskFailureSchema = z
  .object({
    time: z.string().describe('When the task ended (RFC 3339).'),
    message: z.string().describe('What ended it, for a person.'),
    exitCode: z.number().int().optional().describe('The exit code, when the process exited.'),
    reason: z.string().optional().describe('The container runtime\'s reason (Error, OOMKilled, Evicted, ...).'),
    taskId: z.string().optional().describe('The pod the task ran in.'),
  })
  .describe('The last task that failed, as Marathon\'s lastTaskFailure.');
export type TaskFailure = z.infer<typeof taskFailureSchema>;

export const deploymentProgressSchema = z
  .object({
    message: z.string().describe('What the deployment waits for.'),
    targetInstances: z.number().int().min(0).describe('Instances the deployment aims at.'),
    updatedInstances: z.number().int().min(0).describe('Instances already running the new definition.'),
    readyInstances: z.number().int().min(0).describe('Instances ready (healthy when health checks exist).'),
  })
  .describe('The deployment in progress, when there is one.');
export type DeploymentProgress = z.infer<typeof deploymentProgressSchema>;

export const dcosServiceStatusSchema = z
  .object({
    ...statusBase,
    appId: z.string().optional().describe('The full Marathon app id.'),
    image: z.string().optional().describe("The image the tasks run: the app's own, or the operator's default image for an app that names none."),
    instances: z.number().int().min(0).optional().describe('Instances the Deployment has (the scale subresource reads this).'),
    tasksRunning: z.number().int().min(0).optional().describe('Tasks (pods) running.'),
    tasksStaged: z.number().int().min(0).optional().describe('Tasks (pods) created but not yet running, and tasks whose container crashed and is being restarted (CrashLoopBackOff, exited non-zero, or restarted and not running again).'),
    tasksHealthy: z.number().int().min(0).optional().describe('Running tasks whose health checks pass.'),
    tasksUnhealthy: z.number().int().min(0).optional().describe('Running tasks whose health checks fail.'),
    restarts: z.number().int().min(0).optional().describe("Container restarts of the tasks (the sum of their containers' restartCount, as RESTARTS in `kubectl get pods`); a replaced task starts again from 0."),
    health: z.enum(['Healthy', 'Unhealthy', 'Idle', 'NA']).optional().describe('Marathon-style health: Healthy, Unhealthy, Idle (checks but nothing runs) or NA (no checks).'),
    lastTaskFailure: taskFailureSchema.optional(),
    deployment: deploymentProgressSchema.optional(),
    waitingFor: z.array(z.string()).optional().describe('Dependencies (app ids) this app waits for before it starts.'),
    selector: z.string().optional().describe('The label selector of the tasks, for the scale subresource.'),
  })
  .describe('The observed state, as Marathon showed it.');
export type DcosServiceStatus = z.infer<typeof dcosServiceStatusSchema>;

export type DcosService = KubeObject<DcosServiceSpec, DcosServiceStatus>;

export const dcosServiceKind: KindDefinition = {
  kind: 'DcosService',
  plural: 'dcosservices',
  singular: 'dcosservice',
  shortNames: ['dsvc'],
  scope: 'Namespaced',
  description: 'A long-running service described as a Marathon app, run as a Deployment (and a Service for its ports).',
  spec: dcosServiceSpecSchema,
  status: dcosServiceStatusSchema,
  printerColumns: [
    { name: 'Instances', type: 'integer', jsonPath: '.spec.instances', description: 'Instances asked for.' },
    { name: 'Running', type: 'integer', jsonPath: '.status.tasksRunning', description: 'Tasks running.' },
    { name: 'Healthy', type: 'integer', jsonPath: '.status.tasksHealthy', description: 'Tasks healthy.' },
    { name: 'Health', type: 'string', jsonPath: '.status.health', description: 'Healthy, Unhealthy, Idle or NA.' },
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status', description: 'Whether the app runs as asked (True, False).' },
    { name: 'Reason', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].reason', description: 'Why it is (not) ready: Running, Deploying, TasksFailing, InvalidSpec, DeploymentRefused, ...' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    { name: 'App-Id', type: 'string', jsonPath: '.status.appId', description: 'The Marathon app id.', priority: 1 },
    { name: 'Message', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].message', description: 'The Ready condition\'s message (the apiserver\'s words when a child is refused).', priority: 1 },
    { name: 'Image', type: 'string', jsonPath: '.status.image', description: "The image the tasks run (the operator's default for an app that names none).", priority: 1 },
    { name: 'Restarts', type: 'integer', jsonPath: '.status.restarts', description: 'Container restarts of the tasks.', priority: 1 },
  ],
  scale: { specReplicasPath: '.spec.instances', statusReplicasPath: '.status.instances', labelSelectorPath: '.status.selector' },
};
