import type { DcosService } from '../resources/dcos-service.ts';
import { API_VERSION } from '../resources/api-group.ts';
import type { Deployment, ObjectMeta, OwnerReference, PersistentVolumeClaim, Service, Workload } from './kube-objects.ts';
import type { FieldError, Notice } from './field-errors.ts';
import { withoutNulls } from '../resources/marathon-json.ts';
import { numbersFromStrings } from './marathon-numeric-strings.ts';
import { legacyContainer } from './marathon-legacy-container.ts';
import { applyMarathonDefaults, hasPersistentVolumes } from './marathon-defaults.ts';
import { fieldFates, marathonAppRules } from './marathon-validation.ts';
import { translatePod, type PodOptions } from './marathon-pod.ts';
import { servicePorts } from './marathon-ports.ts';
import { splitMarathonLabels } from './marathon-labels.ts';
import { deploymentStrategy } from './marathon-upgrade-strategy.ts';
import { claimName } from './marathon-volumes.ts';
import { resolveAppId } from './app-id.ts';
import { workloadFor } from './marathon-workload.ts';
import { dnsLabelName, isLabelValue } from './kube-names.ts';
import {
  APP_ID_ANNOTATION,
  GROUP_LABEL,
  MANAGED_BY,
  MANAGED_BY_LABEL,
  RESTART_ANNOTATION,
  RESTARTED_AT_ANNOTATION,
  SERVICE_LABEL,
  SERVICE_NAME_ANNOTATION,
  serviceLabelValue,
  VIPS_ANNOTATION,
} from './operator-labels.ts';

/*
 * A DcosService -> the Kubernetes objects that run it, the warnings and the errors, in one pass: this
 * is the one judgement of an app. The admission webhook refuses what has errors and returns the
 * warnings, the controller applies the objects (server-side apply) or writes the errors to status,
 * `npm run render` prints all three. The pod selector is only dcos.dev/service=<name>, so no spec
 * change ever orphans pods (a Deployment's selector is immutable).
 */

export interface TranslateOptions extends PodOptions {
  /** Hold replicas at 0 (dependencies not healthy yet; see dependencyGate). */
  holdForDependencies?: boolean;
}

/** Each error and warning names its field (`spec.container.docker.image`). */
export type TranslateResult =
  /** workload: a Deployment, or a StatefulSet when each instance has its own persistent volume. */
  | { ok: true; appId: string; workload: Workload; service?: Service; persistentVolumeClaims?: PersistentVolumeClaim[]; warnings: Notice[]; errors: [] }
  | { ok: false; appId: string; errors: FieldError[]; warnings: Notice[] };

/** The absolute Marathon app id of a DcosService: spec.id, else the object name. */
export function appIdOf(svc: DcosService): string {
  return resolveAppId(svc.spec.id ?? svc.metadata.name);
}

/**
 * The name of the StatefulSet of a DcosService named `name`: its pods are `<name>-<ordinal>` and take
 * that as their hostname (a DNS-1123 label), and the controller-revision-hash label `<name>-<hash>`
 * must stay within 63 characters, so at most 52 characters without dots.
 */
export function statefulSetName(name: string): string {
  return dnsLabelName(name, 52);
}

/** The label selector of a DcosService's pods, as the scale subresource wants it in status.selector. */
export function podSelector(svc: DcosService): Record<string, string> {
  return { [SERVICE_LABEL]: serviceLabelValue(svc.metadata.name) };
}

function ownerReference(svc: DcosService): OwnerReference {
  return { apiVersion: API_VERSION, kind: 'DcosService', name: svc.metadata.name, uid: svc.metadata.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/** The group of an app id as a label value (`/prod/db/pg` -> `prod.db`), when it can be one. */
function groupLabel(appId: string): Record<string, string> {
  const group = appId.split('/').filter(Boolean).slice(0, -1).join('.');
  return group !== '' && isLabelValue(group) ? { [GROUP_LABEL]: group } : {};
}

export function translateService(svc: DcosService, opts: TranslateOptions = {}): TranslateResult {
  // Marathon's JSON may say null for "not set"; the defaulting webhook drops them, older objects may have them.
  // Numbers written as strings (Marathon 0.x): the defaulting webhook stores the numbers, older objects may not.
  const numeric = numbersFromStrings(withoutNulls(svc.spec));
  const legacy = legacyContainer(numeric.spec);
  const spec = applyMarathonDefaults(legacy.spec);
  const appId = appIdOf(svc);
  const name = svc.metadata.name;
  const namespace = svc.metadata.namespace;
  const selector = podSelector(svc);
  const owner = ownerReference(svc);
  const userLabels = splitMarathonLabels(spec.labels);
  const labels = { ...userLabels.labels, ...groupLabel(appId), [MANAGED_BY_LABEL]: MANAGED_BY, ...selector };
  const annotations = {
    ...userLabels.annotations,
    [APP_ID_ANNOTATION]: appId,
    ...(selector[SERVICE_LABEL] !== name && { [SERVICE_NAME_ANNOTATION]: name }),
  };
  const meta = (objectName: string, extraAnnotations: Record<string, string> = {}): ObjectMeta => ({
    name: objectName,
    ...(namespace !== undefined ? { namespace } : {}),
    labels: { ...labels },
    annotations: { ...annotations, ...extraAnnotations },
    ownerReferences: [{ ...owner }],
  });

  const fates = fieldFates(spec);
  const pod = translatePod(spec, { ...opts, appId, selector, claimMeta: (containerPath) => meta(claimName(name, containerPath)) });
  const warnings = [...numeric.notices, ...legacy.notices, ...fates.notices, ...pod.notices];
  const errors = [...marathonAppRules(spec, appId), ...fates.errors, ...userLabels.errors, ...pod.errors];
  if (errors.length > 0) return { ok: false, appId, errors, warnings };

  const restartedAt = svc.metadata.annotations?.[RESTART_ANNOTATION];
  const templateAnnotations = { ...annotations, ...(restartedAt !== undefined ? { [RESTARTED_AT_ANNOTATION]: restartedAt } : {}) };
  const deployment: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(name),
    spec: {
      replicas: opts.holdForDependencies ? 0 : (spec.instances ?? 1),
      selector: { matchLabels: { ...selector } },
      strategy: deploymentStrategy(spec, hasPersistentVolumes(spec)),
      template: { metadata: { labels: { ...labels }, annotations: templateAnnotations }, spec: pod.podSpec },
    },
  };
  const serviceName = dnsLabelName(name);
  const workload = workloadFor(deployment, spec, pod, { statefulSet: statefulSetName(name), service: serviceName });
  const renamed = [...(workload.kind === 'StatefulSet' && workload.metadata.name !== name ? [`the StatefulSet ${JSON.stringify(workload.metadata.name)} (its pods' hostnames are <name>-<ordinal>, labels that hold no '.')`] : []), ...(pod.ports.length > 0 && serviceName !== name ? [`the Service ${JSON.stringify(serviceName)} (a Service name is a DNS-1035 label: lowercase letters, digits and '-', starting with a letter)`] : [])];
  if (renamed.length > 0) warnings.push({ path: 'metadata.name', message: `mapped: ${JSON.stringify(name)} cannot name every child; ${renamed.join(' and ')} take${renamed.length > 1 ? '' : 's'} a name derived from it` });
  const result: TranslateResult = { ok: true, appId, workload, warnings, errors: [] };
  if (pod.ports.length > 0) {
    const vips = pod.ports.flatMap((p) => (p.vip !== undefined ? [p.vip] : []));
    result.service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(serviceName, vips.length > 0 ? { [VIPS_ANNOTATION]: vips.join(',') } : {}),
      spec: { type: 'ClusterIP', selector: { ...selector }, ports: servicePorts(pod.ports) },
    };
  }
  if (pod.claims.length > 0) result.persistentVolumeClaims = pod.claims;
  return result;
}
