/*
 * The labels and annotations the operator writes and selects by, in one place: its children carry
 * them, its informers select by them, status reports them, and users may not set keys in its prefix.
 */
import { dnsLabelName } from './kube-names.ts';

/** Everything under this prefix is the operator's; a Marathon label there is refused. */
export const OPERATOR_PREFIX = 'dcos.dev/';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'dcos-operator';
/** The label selector of every object the operator manages. */
export const MANAGED_BY_SELECTOR = `${MANAGED_BY_LABEL}=${MANAGED_BY}`;

/** On a DcosService's children and pods: the DcosService's name (the pod selector). */
export const SERVICE_LABEL = `${OPERATOR_PREFIX}service`;
/** On a DcosService's children: the Marathon group of its app id (`/prod/db/pg` -> `prod.db`). */
export const GROUP_LABEL = `${OPERATOR_PREFIX}group`;
/** On the DcosServices a DcosPackage rendered: the package name. */
export const PACKAGE_LABEL = `${OPERATOR_PREFIX}package`;

export const APP_ID_ANNOTATION = `${OPERATOR_PREFIX}app-id`;
export const VIPS_ANNOTATION = `${OPERATOR_PREFIX}vips`;
/** Marathon labels that are not even valid annotation keys, kept together as JSON. */
export const OVERFLOW_LABELS_ANNOTATION = `${OPERATOR_PREFIX}marathon-labels`;
/** Set on a DcosService (any new value) to restart all its tasks, like `dcos marathon app restart`. */
export const RESTART_ANNOTATION = `${OPERATOR_PREFIX}restart`;
/** Carried onto the pod template, so a new value rolls the pods. */
export const RESTARTED_AT_ANNOTATION = `${OPERATOR_PREFIX}restarted-at`;

/**
 * On the pods of a DcosService whose name is too long for a label value (Marathon took app ids of any
 * length, and a group path makes long names): the whole name, as the label holds a shortened one.
 */
export const SERVICE_NAME_ANNOTATION = `${OPERATOR_PREFIX}service-name`;

/** The SERVICE_LABEL value of a DcosService's children and pods: its name, shortened with a digest past 63 characters. */
export function serviceLabelValue(serviceName: string): string {
  return serviceName.length <= 63 ? serviceName : dnsLabelName(serviceName);
}

/** The name of the DcosService a pod (or child) belongs to, from what serviceLabelValue and the annotation left on it. */
export function serviceNameOf(metadata: { labels?: Record<string, string>; annotations?: Record<string, string> }): string | undefined {
  return metadata.annotations?.[SERVICE_NAME_ANNOTATION] ?? metadata.labels?.[SERVICE_LABEL];
}

/** The label selector (as text) of a DcosService's pods. */
export function serviceSelector(serviceName: string): string {
  return `${SERVICE_LABEL}=${serviceLabelValue(serviceName)}`;
}
