import type { DcosServiceSpec } from '../resources/dcos-service.ts';
import type { Deployment, PersistentVolumeClaim, StatefulSet, Workload } from './kube-objects.ts';
import type { Notice } from './field-errors.ts';

/*
 * Which workload runs a DcosService. An app with local persistent volumes ran resident tasks on
 * Marathon: each instance had its own volume, kept across restarts and scale-down, destroyed with the
 * app. That is a StatefulSet with volumeClaimTemplates (one claim per instance), claims kept when
 * scaled down and deleted with the app; pods start and stop in parallel as Marathon's tasks did
 * (no ordinal ordering). Every other app is the Deployment as built.
 *
 * Upgrades: Marathon refuses maximumOverCapacity > 0 for resident apps (a new task cannot take over
 * a volume still in use), so the only knob is minimumHealthCapacity: Marathon replaced up to
 * instances - ceil(instances x minimumHealthCapacity) tasks at once, at least one. A StatefulSet's
 * rollingUpdate.maxUnavailable needs the MaxUnavailableStatefulSet feature gate (off by default, the
 * apiserver drops the field without it), so the StatefulSet replaces one pod at a time: never below
 * Marathon's minimum capacity, slower when Marathon would have replaced several (a notice says so).
 */

export interface WorkloadParts {
  /** One claim per instance; present: the workload is a StatefulSet. */
  claimTemplates?: PersistentVolumeClaim[];
  /** Pod template annotations (docker `label` parameters); the operator's own annotations win. */
  podAnnotations?: Record<string, string>;
}

export function statefulSetMaxUnavailable(spec: DcosServiceSpec): number {
  const instances = spec.instances ?? 1;
  const minimumHealthCapacity = spec.upgradeStrategy?.minimumHealthCapacity ?? 0.5;
  // 1e-9: 3 x 0.7 is 2.0999999999999996 in floating point.
  return Math.max(1, instances - Math.ceil(instances * minimumHealthCapacity - 1e-9));
}

/** The workload for a translated app: `deployment` as built, or the StatefulSet of the same pods. */
export function workloadFor(deployment: Deployment, spec: DcosServiceSpec, parts: WorkloadParts, names: { statefulSet: string; service: string } = { statefulSet: deployment.metadata.name, service: deployment.metadata.name }): Workload {
  const own = deployment.spec.template;
  const template: Deployment['spec']['template'] =
    parts.podAnnotations === undefined ? own : { ...own, metadata: { ...own.metadata, annotations: { ...parts.podAnnotations, ...own.metadata.annotations } } };
  if (!parts.claimTemplates || parts.claimTemplates.length === 0) return { ...deployment, spec: { ...deployment.spec, template } };
  const statefulSet: StatefulSet = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { ...deployment.metadata, name: names.statefulSet },
    spec: {
      replicas: deployment.spec.replicas,
      // The governing Service: the app's own Service name (a DNS-1035 label), whether or not it has ports.
      serviceName: names.service,
      selector: deployment.spec.selector,
      podManagementPolicy: 'Parallel',
      updateStrategy: { type: 'RollingUpdate' },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' },
      template,
      volumeClaimTemplates: parts.claimTemplates,
    },
  };
  return statefulSet;
}

/** What differs from Marathon for an app that runs as a StatefulSet. */
export function statefulSetNotices(spec: DcosServiceSpec): Notice[] {
  const atOnce = statefulSetMaxUnavailable(spec);
  if (atOnce <= 1) return [];
  return [
    {
      path: 'spec.upgradeStrategy.minimumHealthCapacity',
      message: `approximated: an upgrade replaces one instance at a time (a StatefulSet, as apps with persistent volumes run, replaces one pod at a time), where Marathon replaced up to ${atOnce} at once`,
    },
  ];
}
