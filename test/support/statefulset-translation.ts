import { translateService, type TranslateOptions, type TranslateResult } from '../../src/marathon/index.ts';
import type { DcosService } from '../../src/resources/dcos-service.ts';

/**
 * The shape the Marathon core gives an app whose instances each need their own persistent volume (a
 * StatefulSet with volumeClaimTemplates), made here from today's Deployment translation of the same
 * app at one instance. Controller tests use it until the core translates such apps itself (see
 * `coreTranslatesToStatefulSet`), so they exercise the controller, not the translation.
 */
export function translateAsStatefulSet(svc: DcosService, opts: TranslateOptions = {}): TranslateResult {
  const instances = svc.spec.instances ?? 1;
  const result = translateService({ ...svc, spec: { ...svc.spec, instances: Math.min(instances, 1) } }, opts);
  if (!result.ok || result.workload.kind !== 'Deployment') return result;
  const deployment = result.workload;
  const podSpec = deployment.spec.template.spec;
  const volumeOfClaim = new Map((podSpec.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [[v.persistentVolumeClaim.claimName, v.name] as const] : [])));
  const { persistentVolumeClaims: claims = [], ...rest } = result;
  return {
    ...rest,
    workload: {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: deployment.metadata,
      spec: {
        replicas: opts.holdForDependencies ? 0 : instances,
        serviceName: deployment.metadata.name,
        selector: deployment.spec.selector,
        podManagementPolicy: 'Parallel',
        template: { ...deployment.spec.template, spec: { ...podSpec, volumes: (podSpec.volumes ?? []).filter((v) => !v.persistentVolumeClaim) } },
        volumeClaimTemplates: claims.map((c) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: volumeOfClaim.get(c.metadata.name) ?? c.metadata.name }, spec: c.spec })),
      },
    },
  };
}

/** Whether the Marathon core itself runs this app as a StatefulSet (the compatibility work makes it so). */
export function coreTranslatesToStatefulSet(svc: DcosService): boolean {
  const result = translateService(svc);
  return result.ok && result.workload.kind === 'StatefulSet';
}
