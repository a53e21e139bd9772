export const GROUP = 'dcos.dev';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;
/** `kubectl get dcos` lists every kind of this project. */
export const CATEGORY = 'dcos';
