import { dcosPackageController } from '../../../src/controllers/dcos-package-controller.ts';
import { dcosPackageRepositoryController, type DcosPackageRepositoryControllerOptions } from '../../../src/controllers/dcos-package-repository-controller.ts';
import { RepositoryCatalog } from '../../../src/controllers/repository-catalog.ts';
import type { KubeClient, KubeObjectLike } from '../../../src/kube/kube-client.ts';
import type { Operator } from '../../../src/operator/operator.ts';
import type { Condition } from '../../../src/resources/conditions.ts';
import { startOperator } from './operator.ts';

/**
 * An operator in the test process running only the package controllers, with its own catalog.
 * Failed repository reads are retried quickly so a test sees recovery within its patience.
 */
export async function startPackageOperator(client: KubeClient, namespace: string, opts: Omit<DcosPackageRepositoryControllerOptions, 'catalog'> = {}): Promise<{ operator: Operator; catalog: RepositoryCatalog }> {
  const catalog = new RepositoryCatalog();
  const factories = [dcosPackageRepositoryController({ catalog, retryIntervalMs: 1_000, ...opts }), dcosPackageController({ catalog })];
  const operator = await startOperator(client, factories, { namespace });
  return { operator, catalog };
}

export function condition(obj: { status?: { conditions?: Condition[] } } | undefined, type: string): Condition | undefined {
  return obj?.status?.conditions?.find((c) => c.type === type);
}

type EventObject = KubeObjectLike & { reason?: string; note?: string; type?: string; regarding?: { name?: string; kind?: string } };

/** The events a user sees with `kubectl events --for`, newest last. */
export async function eventsFor(client: KubeClient, namespace: string, kind: string, name: string): Promise<EventObject[]> {
  const list = await client.list<EventObject>('events.k8s.io/v1', 'Event', { namespace, fieldSelector: `regarding.kind=${kind},regarding.name=${name}` });
  return list.items;
}
