import { z } from 'zod';
import type { KindDefinition, KubeObject } from './kind-definition.ts';
import { statusBase } from './conditions.ts';

export const configMapIndexRefSchema = z
  .object({
    name: z.string().min(1).describe('Name of the ConfigMap.'),
    namespace: z.string().min(1).describe('Namespace of the ConfigMap (the repository itself is cluster-scoped).'),
    key: z.string().min(1).describe('The data key whose value is the repository index JSON.'),
  })
  .describe('A ConfigMap holding a Universe repository index (repo JSON, v3 to v5) under one key.');

export const dcosPackageRepositorySpecSchema = z
  .object({
    url: z
      .string()
      .optional()
      .describe(
        'An HTTP(S) URL of a Universe repository index (repo JSON, v3 to v5), or of a .tar.gz of a Universe checkout as a Git host publishes it (e.g. https://github.com/mesosphere/universe/archive/refs/heads/version-3.x.tar.gz, holding <top>/repo/packages/...). Set exactly one of url, configMap and directory.',
      ),
    configMap: configMapIndexRefSchema.optional(),
    directory: z
      .string()
      .optional()
      .describe('A path, readable by the operator, of a Universe source tree (<Letter>/<name>/<releaseVersion>/package.json ...), or of a Universe checkout holding one under packages/ or repo/packages/.'),
    priority: z.number().int().optional().describe('Lower is searched first, as `dcos package repo add --index`. Repositories without one come last, by name.'),
  })
  .meta({
    'x-kubernetes-validations': [
      { rule: '[has(self.url), has(self.configMap), has(self.directory)].exists_one(x, x)', message: 'set exactly one of url, configMap and directory' },
    ],
  })
  .describe('Where packages come from.');
export type DcosPackageRepositorySpec = z.infer<typeof dcosPackageRepositorySpecSchema>;

export const dcosPackageRepositoryStatusSchema = z
  .object({
    ...statusBase,
    packageCount: z.number().int().min(0).optional().describe('Packages (all versions) in the last good copy of the index.'),
    lastSyncTime: z.string().optional().describe('When the index was last read successfully (RFC 3339).'),
  })
  .describe('The state of the repository index. A failed read sets Ready False with the reason and keeps serving the last good copy.');
export type DcosPackageRepositoryStatus = z.infer<typeof dcosPackageRepositoryStatusSchema>;

export type DcosPackageRepository = KubeObject<DcosPackageRepositorySpec, DcosPackageRepositoryStatus>;

export const dcosPackageRepositoryKind: KindDefinition = {
  kind: 'DcosPackageRepository',
  plural: 'dcospackagerepositories',
  singular: 'dcospackagerepository',
  shortNames: ['dprepo'],
  scope: 'Cluster',
  description: 'A DC/OS Universe repository that DcosPackages resolve from.',
  spec: dcosPackageRepositorySpecSchema,
  status: dcosPackageRepositoryStatusSchema,
  printerColumns: [
    { name: 'Priority', type: 'integer', jsonPath: '.spec.priority' },
    { name: 'Packages', type: 'integer', jsonPath: '.status.packageCount' },
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
};
