import { Watch } from '@kubernetes/client-node';
import type { KubeClient, KubeObjectLike } from '../../../src/kube/kube-client.ts';
import type { DcosServiceSpec, DcosServiceStatus } from '../../../src/resources/dcos-service.ts';
import { eventually } from './cluster.ts';

/** What the DcosService tests read back from the apiserver. */
export type Svc = KubeObjectLike & { spec: DcosServiceSpec; status?: DcosServiceStatus };
export type Condition = NonNullable<DcosServiceStatus['conditions']>[number];
export interface DeploymentCondition {
  type: string;
  status: string;
  reason?: string;
}
export type DeploymentObj = KubeObjectLike & {
  spec: {
    replicas: number;
    template: { metadata: { annotations?: Record<string, string>; labels?: Record<string, string> }; spec: { containers: Array<{ name: string; image: string; command?: string[] }> } };
  };
  status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; availableReplicas?: number; conditions?: DeploymentCondition[] };
};
export type PodObj = KubeObjectLike & { status?: { phase?: string } };

export const DSVC_API = 'dcos.dev/v1alpha1';

export const dcosService = (namespace: string, name: string, spec: DcosServiceSpec): Svc => ({ apiVersion: DSVC_API, kind: 'DcosService', metadata: { name, namespace }, spec });

/** A small app that runs on kwok: one port, no health checks unless given. */
export const simpleApp = (extra: Partial<DcosServiceSpec> = {}): DcosServiceSpec => ({
  cmd: 'python3 -m http.server $PORT0',
  container: { type: 'DOCKER', docker: { image: 'python:3.12-slim' } },
  cpus: 0.1,
  mem: 64,
  instances: 2,
  portDefinitions: [{ port: 8080, name: 'http' }],
  ...extra,
});

export const condition = (svc: Svc | undefined, type: string): Condition | undefined => svc?.status?.conditions?.find((c) => c.type === type);

/** Reads of one namespace's DcosServices and what they run. */
export function serviceReader(client: KubeClient, namespace: string) {
  const getSvc = (name: string) => client.get<Svc>(DSVC_API, 'DcosService', name, namespace);
  const getDeployment = (name: string) => client.get<DeploymentObj>('apps/v1', 'Deployment', name, namespace);
  const podsOf = async (name: string) => (await client.list<PodObj>('v1', 'Pod', { namespace, labelSelector: `dcos.dev/service=${name}` })).items;
  /** Live pods (not being deleted) of a DcosService. */
  const livePods = async (name: string) => (await podsOf(name)).filter((p) => !p.metadata.deletionTimestamp);

  /** Waits until the DcosService's status satisfies `ok`, and says what it was last when it never does. */
  const waitForStatus = (name: string, ok: (svc: Svc) => boolean, timeoutMs = 60_000): Promise<Svc> =>
    eventually(async () => {
      const svc = await getSvc(name);
      if (!ok(svc)) {
        const ready = condition(svc, 'Ready');
        const deployment = await client.getOrUndefined<DeploymentObj>('apps/v1', 'Deployment', name, namespace);
        const live = deployment ? `Deployment generation ${deployment.metadata.generation}, replicas ${deployment.spec.replicas}, status ${JSON.stringify({ ...deployment.status, conditions: undefined })}` : 'no Deployment';
        throw new Error(`${name}: status not as expected yet: generation ${svc.metadata.generation}, ${JSON.stringify({ ...svc.status, conditions: undefined })}, Ready ${ready?.status} ${ready?.reason}: ${ready?.message}; ${live}`);
      }
      return svc;
    }, timeoutMs, 250);

  /** Ready True (reason Running) with every instance running, for the current generation. */
  const waitRunning = (name: string, instances: number, timeoutMs = 60_000) =>
    waitForStatus(
      name,
      (s) => s.status?.observedGeneration === s.metadata.generation && s.status?.tasksRunning === instances && condition(s, 'Ready')?.status === 'True' && condition(s, 'Ready')?.reason === 'Running',
      timeoutMs,
    );

  return { getSvc, getDeployment, podsOf, livePods, waitForStatus, waitRunning };
}

/** The reasons of the events recorded for one object, as `kubectl events --for` would list them. */
export async function eventReasons(client: KubeClient, namespace: string, kind: string, name: string): Promise<Array<{ reason: string; note: string }>> {
  const events = await client.list<KubeObjectLike & { reason?: string; note?: string; regarding?: { kind?: string; name?: string } }>('events.k8s.io/v1', 'Event', { namespace });
  return events.items.filter((e) => e.regarding?.kind === kind && e.regarding?.name === name).map((e) => ({ reason: e.reason ?? '', note: e.note ?? '' }));
}

/**
 * Every status a DcosService goes through, as a watch delivers it (each write is its own event, so
 * a state the operator wrote only briefly is still seen). stop() ends the watch.
 */
export async function recordStatuses(client: KubeClient, namespace: string, name: string): Promise<{ seen: DcosServiceStatus[]; stop: () => void }> {
  const seen: DcosServiceStatus[] = [];
  const controller = await new Watch(client.config).watch(
    `/apis/${DSVC_API}/namespaces/${namespace}/dcosservices`,
    { fieldSelector: `metadata.name=${name}` },
    (type: string, obj: Svc) => {
      if ((type === 'ADDED' || type === 'MODIFIED') && obj.status) seen.push(obj.status);
    },
    () => undefined,
  );
  return { seen, stop: () => controller.abort() };
}
