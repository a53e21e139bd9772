import type { DcosService, DcosServiceSpec } from '../../src/resources/dcos-service.ts';
import type { Pod } from '../../src/marathon/kube-objects.ts';

/** A DcosService named `name` in namespace `ns` with the given Marathon spec. */
export function service(spec: DcosServiceSpec, name = 'web', extra: Partial<DcosService['metadata']> = {}): DcosService {
  return { apiVersion: 'dcos.dev/v1alpha1', kind: 'DcosService', metadata: { name, namespace: 'ns', uid: 'uid-1', generation: 1, ...extra }, spec };
}

export const image = (img = 'nginx:1.27') => ({ container: { type: 'DOCKER' as const, docker: { image: img } } });

/** A pod in a phase; `ready` and `started` describe its one container. */
export function pod(name: string, phase: NonNullable<NonNullable<Pod['status']>['phase']>, o: { ready?: boolean; started?: boolean; deleting?: boolean } = {}): Pod {
  return {
    metadata: { name, ...(o.deleting ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}) },
    status: {
      phase,
      conditions: [{ type: 'Ready', status: o.ready ? 'True' : 'False' }],
      containerStatuses: [{ name: 'app', ready: !!o.ready, started: o.started ?? phase === 'Running', restartCount: 0 }],
    },
  };
}
