import { z } from 'zod';
import type { KindDefinition, KubeObject } from './kind-definition.ts';
import { statusBase } from './conditions.ts';

export const dcosClusterSpecSchema = z
  .object({
    taskFailureWindowSeconds: z.number().int().min(1).optional().describe('The sliding window of the task failure rate, in seconds. Default 3600.'),
  })
  .describe('How the cluster is accounted.');
export type DcosClusterSpec = z.infer<typeof dcosClusterSpecSchema>;

/** How many unhealthy DcosService names status lists; services.unhealthy counts them all. */
export const UNHEALTHY_NAMES_LIMIT = 20;

const COUNTED_NODES = 'nodes that are Ready and schedulable (not cordoned)';

function resourceFigureSchema(resource: string, unit: string, whole: boolean, summaryExample: string) {
  const amount = whole ? z.number().int().min(0) : z.number().min(0);
  return z
    .object({
      allocated: amount.describe(`${resource} requested by the pods bound to ${COUNTED_NODES}, leaving out Succeeded and Failed pods, in ${unit}. Requests count as kubectl describe node counts them: init containers, sidecars and pod overhead included.`),
      total: amount.describe(`${resource} in all: the sum of the allocatable of ${COUNTED_NODES}, in ${unit}.`),
      percent: z.number().min(0).describe('allocated / total x 100, one decimal; 0 when total is 0.'),
      percentString: z.string().optional().describe('The percentage as the DC/OS dashboard showed it: whole, with a percent sign, e.g. "42%".'),
      summary: z.string().describe(`allocated of total for a person, e.g. "${summaryExample}".`),
    })
    .describe(`${resource} allocation over ${COUNTED_NODES}.`);
}

export const clusterResourcesSchema = z
  .object({
    cpu: resourceFigureSchema('CPU', 'shares (cores, to the milli-core)', false, '10.05 of 24 shares'),
    memory: resourceFigureSchema('Memory', 'bytes', true, '28 GiB of 82 GiB'),
    disk: resourceFigureSchema('Disk (ephemeral-storage)', 'bytes', true, '120 GiB of 1.5 TiB'),
    gpu: resourceFigureSchema('GPUs (extended resources named */gpu, such as nvidia.com/gpu and amd.com/gpu, and gpu.intel.com/*)', 'devices', true, '2 of 8 GPUs'),
  })
  .describe(`Allocation per resource, as the DC/OS dashboard showed it. Only the allocatable of ${COUNTED_NODES} and the pods bound to them count, so a cordoned or NotReady node leaves both figures.`);

export const clusterNodesSchema = z
  .object({
    total: z.number().int().min(0).describe('Nodes in the cluster.'),
    ready: z.number().int().min(0).describe('Nodes whose Ready condition is True.'),
    notReady: z.number().int().min(0).describe('Nodes whose Ready condition is False, Unknown or missing.'),
    unschedulable: z.number().int().min(0).describe('Nodes cordoned (spec.unschedulable), Ready or not.'),
    summary: z.string().describe('Ready nodes of all nodes, e.g. "4/5".'),
  })
  .describe('Nodes by state.');

export const clusterTasksSchema = z
  .object({
    running: z.number().int().min(0).describe('Pods Running.'),
    staging: z.number().int().min(0).describe('Pods Pending: waiting to be scheduled or starting.'),
    failed: z.number().int().min(0).describe('Pods Failed that still exist.'),
    finished: z.number().int().min(0).describe('Pods Succeeded that still exist.'),
  })
  .describe('Tasks (pods) by state, across all namespaces.');

export const taskFailureRateSchema = z
  .object({
    percent: z.number().min(0).max(100).describe('failed / (failed + successful) x 100 over the window, one decimal; 0 when nothing happened.'),
    percentString: z.string().optional().describe('The rate as the DC/OS dashboard showed it: whole, with a percent sign, e.g. "3%".'),
    windowSeconds: z.number().int().min(1).describe('The sliding window, in seconds (spec.taskFailureWindowSeconds).'),
    failed: z.number().int().min(0).describe('Task failures in the window: pods that became Failed, containers that terminated non-zero under restartPolicy Never, and each container restart.'),
    successful: z.number().int().min(0).describe('Tasks in the window that started (became Running) or finished well (Succeeded); each pod counts once.'),
  })
  .describe('The task failure rate over a sliding window, as the DC/OS dashboard showed it.');

export const clusterServicesSchema = z
  .object({
    total: z.number().int().min(0).describe('DcosServices in all namespaces.'),
    healthy: z.number().int().min(0).describe('Services Healthy: tasks running and all of them healthy.'),
    unhealthy: z.number().int().min(0).describe('Services Unhealthy: some task unhealthy.'),
    idle: z.number().int().min(0).describe('Services Idle: health checks, but no task running.'),
    na: z.number().int().min(0).describe('Services NA: no health checks, or health not reported yet.'),
    unhealthyNames: z.array(z.string()).max(UNHEALTHY_NAMES_LIMIT).describe(`namespace/name of the unhealthy services, sorted, at most ${UNHEALTHY_NAMES_LIMIT} (unhealthy says how many there are).`),
  })
  .describe('DcosServices by health.');

export const dcosClusterStatusSchema = z
  .object({
    ...statusBase,
    lastUpdated: z.string().optional().describe('When these figures were last written (RFC 3339).'),
    resources: clusterResourcesSchema.optional(),
    nodes: clusterNodesSchema.optional(),
    tasks: clusterTasksSchema.optional(),
    taskFailureRate: taskFailureRateSchema.optional(),
    services: clusterServicesSchema.optional(),
  })
  .describe('The cluster as the DC/OS dashboard showed it. Per-node figures are served by the operator over HTTP, not kept here, so the object stays small with thousands of nodes.');
export type DcosClusterStatus = z.infer<typeof dcosClusterStatusSchema>;

export type DcosCluster = KubeObject<DcosClusterSpec, DcosClusterStatus>;

export const dcosClusterKind: KindDefinition = {
  kind: 'DcosCluster',
  plural: 'dcosclusters',
  singular: 'dcoscluster',
  shortNames: ['dcl'],
  scope: 'Cluster',
  description: 'The cluster as DC/OS showed it: allocation, nodes, tasks, failure rate, services health. The operator keeps one named default.',
  spec: dcosClusterSpecSchema,
  status: dcosClusterStatusSchema,
  printerColumns: [
    // Percent strings ("42%"), not bare numbers that read like a count of CPUs, then the "of" figures, as the DC/OS dashboard put them.
    { name: 'CPU', type: 'string', jsonPath: '.status.resources.cpu.percentString', description: 'Percent of CPU shares allocated.' },
    { name: 'CPU-Allocated', type: 'string', jsonPath: '.status.resources.cpu.summary', description: 'CPU shares allocated of total.' },
    { name: 'Memory', type: 'string', jsonPath: '.status.resources.memory.percentString', description: 'Percent of memory allocated.' },
    { name: 'Memory-Allocated', type: 'string', jsonPath: '.status.resources.memory.summary', description: 'Memory allocated of total.' },
    { name: 'Disk', type: 'string', jsonPath: '.status.resources.disk.percentString', description: 'Percent of ephemeral storage allocated.' },
    { name: 'GPU', type: 'string', jsonPath: '.status.resources.gpu.percentString', description: 'Percent of GPUs allocated.' },
    { name: 'Nodes', type: 'string', jsonPath: '.status.nodes.summary', description: 'Ready nodes of all nodes.' },
    { name: 'Services', type: 'integer', jsonPath: '.status.services.total', description: 'DcosServices in all.' },
    { name: 'Unhealthy', type: 'integer', jsonPath: '.status.services.unhealthy', description: 'DcosServices unhealthy.' },
    { name: 'Failure-Rate', type: 'string', jsonPath: '.status.taskFailureRate.percentString', description: 'Percent of tasks failed over the window.' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
    { name: 'Disk-Allocated', type: 'string', jsonPath: '.status.resources.disk.summary', description: 'Ephemeral storage allocated of total.', priority: 1 },
    { name: 'GPU-Allocated', type: 'string', jsonPath: '.status.resources.gpu.summary', description: 'GPUs allocated of total.', priority: 1 },
    { name: 'Tasks-Running', type: 'integer', jsonPath: '.status.tasks.running', description: 'Pods running.', priority: 1 },
    { name: 'Tasks-Failed', type: 'integer', jsonPath: '.status.taskFailureRate.failed', description: 'Task failures over the window.', priority: 1 },
  ],
};
