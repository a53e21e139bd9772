import { z } from 'zod';
import type { KindDefinition, KubeObject } from './kind-definition.ts';
import { statusBase } from './conditions.ts';

export const dcosClusterSpecSchema = z
  .object({
    taskFailureWindowSeconds: z.number().int().min(1).optional().describe('The sliding window of the task failure rate, in seconds. Default 3600.'),
  })
  .describe('How the cluster is accounted.');
export type DcosClusterSpec = z.infer<typeof dcosClusterSpecSchema>;

export const dcosClusterStatusSchema = z
  .object({
    ...statusBase,
    lastUpdated: z.string().optional().describe('When these figures were last written (RFC 3339).'),
  })
  .describe('The cluster as the DC/OS dashboard showed it.');
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
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
};
