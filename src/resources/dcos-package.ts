import { z } from 'zod';
import type { KindDefinition, KubeObject } from './kind-definition.ts';
import { statusBase } from './conditions.ts';

export const dcosPackageSpecSchema = z
  .object({
    packageName: z.string().min(1).describe('The package to install, as `dcos package install NAME`.'),
    packageVersion: z.string().optional().describe('The package version; the newest when left out.'),
    options: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ 'x-kubernetes-preserve-unknown-fields': true })
      .describe('Install options, validated against the package\'s config.json (as `dcos package install --options`).'),
    appId: z.string().optional().describe('The Marathon app id to install as; the package\'s own id when left out.'),
    repository: z.string().optional().describe('Pin the DcosPackageRepository to resolve from; all, in priority order, when left out.'),
  })
  .describe('A Universe package to install.');
export type DcosPackageSpec = z.infer<typeof dcosPackageSpecSchema>;

export const packageServiceStatusSchema = z
  .object({
    name: z.string().describe('Name of the DcosService in this namespace.'),
    appId: z.string().describe('The Marathon app id of the service.'),
    health: z.enum(['Healthy', 'Unhealthy', 'Idle', 'NA']).optional().describe('The service\'s health as its DcosService reports it.'),
  })
  .describe('A DcosService this package created.');
export type PackageServiceStatus = z.infer<typeof packageServiceStatusSchema>;

export const dcosPackageStatusSchema = z
  .object({
    ...statusBase,
    resolvedVersion: z.string().optional().describe('The package version installed.'),
    repository: z.string().optional().describe('The DcosPackageRepository the package came from.'),
    description: z.string().optional().describe('The package\'s description (package.json), as `dcos package list` showed it.'),
    services: z
      .array(packageServiceStatusSchema)
      .optional()
      .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] })
      .describe('The DcosServices this package created, with their health.'),
    needs: z
      .string()
      .optional()
      .describe('What the package\'s apps need that Kubernetes has not: `Mesos master` (a Mesos framework scheduler, e.g. the DC/OS SDK services), `Marathon API` (e.g. marathon-lb), or both. The MesosFrameworkUnsupported condition says what to do instead.'),
    preInstallNotes: z.string().optional().describe('The package\'s notes for before installing, as `dcos package install` printed them.'),
    postInstallNotes: z.string().optional().describe('The package\'s notes for after installing (where to find the service, first steps).'),
  })
  .describe('What was installed. A failed render sets the Failed condition with the reason and leaves the running services as they were.');
export type DcosPackageStatus = z.infer<typeof dcosPackageStatusSchema>;

export type DcosPackage = KubeObject<DcosPackageSpec, DcosPackageStatus>;

export const dcosPackageKind: KindDefinition = {
  kind: 'DcosPackage',
  plural: 'dcospackages',
  singular: 'dcospackage',
  shortNames: ['dpkg'],
  scope: 'Namespaced',
  description: 'An installed DC/OS Universe package: `dcos package install` as a manifest. Owns the DcosServices it renders.',
  spec: dcosPackageSpecSchema,
  status: dcosPackageStatusSchema,
  printerColumns: [
    { name: 'Package', type: 'string', jsonPath: '.spec.packageName' },
    { name: 'Version', type: 'string', jsonPath: '.status.resolvedVersion' },
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: 'Needs', type: 'string', jsonPath: '.status.needs' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
};
