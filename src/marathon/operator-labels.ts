/*
 * The labels and annotations the operator writes and selects by, in one place: its children carry
 * them, its informers select by them, status reports them, and users may not set keys in its prefix.
 */

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

/** The label selector (as text) of a DcosService's pods. */
export function serviceSelector(serviceName: string): string {
  return `${SERVICE_LABEL}=${serviceName}`;
}
