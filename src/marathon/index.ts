// The Marathon core's public surface, for the controllers and webhooks.
export { translateService, appIdOf, podSelector } from './translate-service.ts';
export { RESTART_ANNOTATION, APP_ID_ANNOTATION, SERVICE_LABEL, MANAGED_BY_LABEL, MANAGED_BY_SELECTOR, serviceNameOf } from './operator-labels.ts';
export type { TranslateOptions, TranslateResult } from './translate-service.ts';
export { applyMarathonDefaults } from './marathon-defaults.ts';
export { computeServiceStatus } from './service-status.ts';
export type { StatusInput } from './service-status.ts';
export { mergeConditions } from './service-conditions.ts';
export { dependencyGate, resolveDependencies } from './marathon-dependencies.ts';
export type { DependencyGate, DependencyState } from './marathon-dependencies.ts';
export { resolveAppId, objectNameForAppId } from './app-id.ts';
export type { FieldError, Notice } from './field-errors.ts';
