// Every package of the Universe corpus that renders, installed as a user would (`dcos package
// install`, with the options a user had to give where the defaults do not validate) from a
// `directory` repository on the running operator, admission webhooks on: each converges on the local
// control plane (its DcosServices have their workloads and a status for their generation), frameworks
// needing Mesos are flagged as docs/compatibility.md says, and a task that cannot run (more CPU or
// memory than a kwok node has, a host port taken) is said so in the service's Ready condition.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { dcosClusterController } from '../../src/controllers/dcos-cluster-controller.ts';
import { dcosPackageController } from '../../src/controllers/dcos-package-controller.ts';
import { dcosPackageRepositoryController } from '../../src/controllers/dcos-package-repository-controller.ts';
import { dcosServiceController } from '../../src/controllers/dcos-service-controller.ts';
import { RepositoryCatalog } from '../../src/controllers/repository-catalog.ts';
import type { KubeObjectLike } from '../../src/kube/kube-client.ts';
import { SERVICE_LABEL } from '../../src/marathon/index.ts';
import type { Operator } from '../../src/operator/operator.ts';
import type { DcosPackage } from '../../src/resources/dcos-package.ts';
import type { DcosService } from '../../src/resources/dcos-service.ts';
import { defaultsFromConfig } from '../../src/universe/package-options.ts';
import { universeCompatibilityRows, type UniverseCompatibilityRow } from '../../src/universe/universe-compatibility.ts';
import type { UniversePackage } from '../../src/universe/universe-package.ts';
import { readUniverseTree } from '../../src/universe/universe-tree.ts';
import { WEBHOOK_CONFIGURATION_NAME } from '../../src/webhooks/webhook-configurations.ts';
import { corpusPath, describeCorpus } from '../support/corpora.ts';
import { optionsAUserMustGive } from '../support/universe-required-options.ts';
import { createTestNamespace, ensureCrds, eventually, kubeClient } from './support/cluster.ts';
import { startOperator } from './support/operator.ts';
import { condition } from './support/package-operator.ts';

const API = 'dcos.dev/v1alpha1';
const ADMISSION = 'admissionregistration.k8s.io/v1';
const PATIENCE = 150_000;
type Pkg = DcosPackage & KubeObjectLike;
type Svc = DcosService & KubeObjectLike;
type Owned = KubeObjectLike & { metadata: { ownerReferences?: Array<{ uid: string }> } };
type PodLike = KubeObjectLike & { status?: { phase?: string; conditions?: Array<{ type: string; status: string; reason?: string; message?: string }> } };

const userOptions = (pkg: UniversePackage) => optionsAUserMustGive(pkg.config ?? {}, defaultsFromConfig(pkg.config));
const flaggedAsFramework = (row: UniverseCompatibilityRow) => row.result === 'framework needing Mesos' || (row.result === 'needs user options' && /once given: framework needing Mesos/.test(row.detail));

const NODE = { cpus: 8, memMiB: 32 * 1024 };

/** Why a service's tasks are staged, in a few words, from its Ready condition and its size. */
function stagedBecause(svc: Svc, message: string): string {
  if (/Insufficient (cpu|memory)/.test(message)) return (svc.spec.cpus ?? 1) > NODE.cpus || (svc.spec.mem ?? 128) > NODE.memMiB ? 'larger than a node' : 'nodes full';
  if (/free ports/.test(message)) return 'host port taken';
  if (/anti-affinity/.test(message)) return 'more instances than nodes (UNIQUE hostname)';
  if (/PersistentVolumeClaims/.test(message)) return 'no provisioner for its volume claim';
  return 'other';
}

interface Snapshot {
  packages: Map<string, Pkg>;
  services: Svc[];
  workloads: Owned[];
  pods: PodLike[];
}

describeCorpus('universe', 'every Universe package of the corpus converges on the cluster', () => {
  const client = kubeClient();
  const suffix = Math.random().toString(16).slice(2, 6);
  const repository = `universe-converge-${suffix}`;
  const namespaces = new Map<string, string>();
  let operatorNs: string;
  let operator: Operator | undefined;
  let installed: Array<{ pkg: UniversePackage; row: UniverseCompatibilityRow; ns: string }> = [];

  const inTest = (o: KubeObjectLike) => [...namespaces.values()].includes(o.metadata.namespace ?? '');

  async function snapshot(): Promise<Snapshot> {
    // One list per kind for all packages at once, never one request per object.
    const [packages, services, deployments, statefulSets, pods] = await Promise.all([
      client.list<Pkg>(API, 'DcosPackage'),
      client.list<Svc>(API, 'DcosService'),
      client.list<Owned>('apps/v1', 'Deployment', { labelSelector: SERVICE_LABEL }),
      client.list<Owned>('apps/v1', 'StatefulSet', { labelSelector: SERVICE_LABEL }),
      client.list<PodLike>('v1', 'Pod', { labelSelector: SERVICE_LABEL }),
    ]);
    return {
      packages: new Map(packages.items.filter(inTest).map((p) => [p.metadata.namespace!, p])),
      services: services.items.filter(inTest),
      workloads: [...deployments.items, ...statefulSets.items].filter(inTest),
      pods: pods.items.filter(inTest),
    };
  }

  beforeAll(async () => {
    await ensureCrds(client);
    const tree = await readUniverseTree(corpusPath('universe', 'repo', 'packages'));
    if (!tree.ok) throw new Error(tree.error.message);
    const rows = universeCompatibilityRows(tree.value.packages, { userOptions });
    installed = tree.value.packages
      .map((pkg, i) => ({ pkg, row: rows[i]! }))
      .filter(({ row }) => row.result !== 'no service (CLI only)' && row.result !== 'refused')
      .map(({ pkg, row }) => ({ pkg, row, ns: `uc-${suffix}-${pkg.name}`.slice(0, 63).replace(/-+$/, '') }));
    for (const { pkg, ns } of installed) namespaces.set(pkg.name, ns);

    operatorNs = await createTestNamespace(client, 'uc-operator');
    const catalog = new RepositoryCatalog();
    operator = await startOperator(
      client,
      [dcosServiceController(), dcosClusterController({ slot: {} }), dcosPackageRepositoryController({ catalog, retryIntervalMs: 1_000 }), dcosPackageController({ catalog })],
      { namespace: operatorNs, webhookMode: 'url', defaultRepositoryDirectory: undefined },
    );
    await client.create({ apiVersion: API, kind: 'DcosPackageRepository', metadata: { name: repository }, spec: { directory: corpusPath('universe') } } as KubeObjectLike);
    // The apiserver picks the webhook configurations up asynchronously: wait until a bad object is refused.
    await eventually(async () => {
      const probe = { apiVersion: API, kind: 'DcosService', metadata: { name: 'probe', namespace: operatorNs }, spec: { cmd: 'sleep 1', args: ['sleep'] } } as KubeObjectLike;
      const admitted = await client.create(probe, { dryRun: true }).then(
        () => true,
        () => false,
      );
      if (admitted) throw new Error('the validating webhook is not in effect yet');
    }, 30_000);
    await Promise.all(installed.map(({ ns }) => client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } as KubeObjectLike)));
  }, 120_000);

  afterAll(async () => {
    await operator?.stop();
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) await client.delete(ADMISSION, kind, WEBHOOK_CONFIGURATION_NAME).catch(() => false);
    await client.delete(API, 'DcosPackageRepository', repository).catch(() => false);
    await Promise.all([...namespaces.values(), operatorNs].filter(Boolean).map((ns) => client.delete('v1', 'Namespace', ns).catch(() => false)));
  });

  it('installs each package that renders, each in its own namespace, and each DcosService runs or says why not', async () => {
    expect(installed.length).toBeGreaterThan(40);
    await Promise.all(
      installed.map(({ pkg, row, ns }) => {
        const options = row.result === 'needs user options' ? userOptions(pkg) : undefined;
        const spec = { packageName: pkg.name, packageVersion: pkg.version, repository, ...(options && { options }) };
        return client.create({ apiVersion: API, kind: 'DcosPackage', metadata: { name: pkg.name, namespace: ns }, spec } as Pkg);
      }),
    );

    // Settled: every package Ready True, every service has its workload and a status for its
    // generation, and each task is running or held by the scheduler (unschedulable) with a reason.
    const settled = await eventually(async () => {
      const s = await snapshot();
      const waiting: string[] = [];
      for (const { pkg, ns } of installed) {
        const p = s.packages.get(ns);
        if (condition(p, 'Ready')?.status !== 'True') waiting.push(`${pkg.name}: ${JSON.stringify(p?.status?.conditions ?? 'no status')}`);
        for (const listed of p?.status?.services ?? []) {
          const svc = s.services.find((x) => x.metadata.namespace === ns && x.metadata.name === listed.name);
          if (!svc) waiting.push(`${pkg.name}/${listed.name}: no DcosService`);
          else if (svc.status?.observedGeneration !== svc.metadata.generation) waiting.push(`${pkg.name}/${listed.name}: status of generation ${svc.status?.observedGeneration}`);
          else if (!s.workloads.some((w) => w.metadata.ownerReferences?.some((o) => o.uid === svc.metadata.uid))) waiting.push(`${pkg.name}/${listed.name}: no workload`);
          else if (condition(svc, 'Ready')?.status !== 'True') {
            const pods = s.pods.filter((pod) => pod.metadata.namespace === ns && pod.metadata.labels?.[SERVICE_LABEL] === svc.metadata.name);
            const held = (pod: PodLike) => pod.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable');
            const moving = pods.length < (svc.spec.instances ?? 1) || pods.some((pod) => pod.status?.phase !== 'Running' && !held(pod));
            // A task the scheduler holds must be said in status, not left as an endless "Deploying".
            const silent = pods.some(held) && condition(svc, 'Ready')?.reason !== 'Unschedulable';
            if (moving || silent) waiting.push(`${pkg.name}/${listed.name}: ${JSON.stringify(condition(svc, 'Ready'))}`);
          }
        }
      }
      if (waiting.length > 0) throw new Error(`${waiting.length} not settled:\n${waiting.join('\n')}`);
      return s;
    }, PATIENCE, 2_000);

    const table: string[][] = [['package', 'result', 'services', 'tasks running', 'why not running']];
    const problems: string[] = [];
    const causes = new Map<string, string>();
    for (const { pkg, row, ns } of installed) {
      const p = settled.packages.get(ns)!;
      const services = settled.services.filter((x) => x.metadata.namespace === ns);
      const framework = condition(p, 'MesosFrameworkUnsupported');
      if ((framework?.status === 'True') !== flaggedAsFramework(row)) problems.push(`${pkg.name}: MesosFrameworkUnsupported ${framework?.status} (${framework?.reason}), docs/compatibility.md: ${row.result}`);
      if (services.length !== (p.status?.services?.length ?? 0)) problems.push(`${pkg.name}: ${services.length} DcosServices, status lists ${p.status?.services?.length ?? 0}`);
      const running = services.reduce((n, x) => n + (x.status?.tasksRunning ?? 0), 0);
      const wanted = services.reduce((n, x) => n + (x.spec.instances ?? 1), 0);
      const why: string[] = [];
      for (const svc of services) {
        const ready = condition(svc, 'Ready');
        if (ready?.status === 'True') continue;
        // Never silence: what keeps the tasks from running is in the condition.
        if (ready?.status !== 'False' || !ready.reason || !ready.message) problems.push(`${pkg.name}/${svc.metadata.name}: Ready ${JSON.stringify(ready)}`);
        why.push(`${svc.metadata.name}: ${ready?.reason}: ${ready?.message}`);
        causes.set(`${pkg.name}/${svc.metadata.name}`, stagedBecause(svc, ready?.message ?? ''));
      }
      const result = framework?.status === 'True' ? `Ready, needs ${p.status?.needs}` : 'Ready';
      table.push([pkg.name, why.length === 0 ? result : `${result}, tasks staged`, String(services.length), `${running}/${wanted}`, why.join('; ')]);
    }
    const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => Math.min(r[c]!.length, c === 4 ? 200 : 60))));
    const staged = table.slice(1).filter((r) => r[1]!.endsWith('tasks staged')).length;
    console.info(
      [
        `${installed.length} packages installed: ${installed.length - staged} converged with every task running, ${staged} with tasks staged (and why)`,
        `staged services by cause: ${Object.entries(Object.groupBy(causes.values(), (c) => c)).map(([c, l]) => `${c} ${l?.length}`).join(', ')}`,
        ...table.map((r) => r.map((cell, c) => cell.slice(0, widths[c]).padEnd(widths[c]!)).join('  ')),
      ].join('\n'),
    );
    expect(problems).toEqual([]);
  }, 240_000);
});
