// `npm run chaos -- kwok-stages [rounds] [services]`: faults kwok plays as a kubelet would (the chaos-*
// stages of src/cluster/kwok-stages.yaml). Each round some DcosServices get the label
// chaos.dcos.dev/fail-after in spec.labels, which reaches their pods: the containers exit non-zero (with
// the chaos.dcos.dev/exit-code asked for) and crash-loop; and one node gets chaos.dcos.dev/not-ready,
// so its kubelet reports NotReady. Meanwhile the DcosServices must show the failing tasks (Ready False
// TasksFailing, Unhealthy, status.restarts equal to the pods' restarts, lastTaskFailure's exit code) and
// no other, and DcosCluster the unhealthy services, the task failures and the NotReady node. Then the
// labels go and everything must converge again.
import { quantityToMilli } from '../src/accounting/index.ts';
import { clusterUp } from '../src/cluster/local-cluster.ts';
import type { KubeObjectLike } from '../src/kube/kube-client.ts';
import type { DcosClusterStatus } from '../src/resources/dcos-cluster.ts';
import type { DcosServiceStatus } from '../src/resources/dcos-service.ts';
import { awaitConverged, closeWorld, figures, openWorld, roundLine, serviceManifest, sleep, startOperatorReady, type ChaosWorld, type RoundResult } from './harness.ts';
import { faultFigures, faultFiguresLine, faultProblems, type FaultObservation } from './kwok-stages-figures.ts';

export const FAIL_AFTER_LABEL = 'chaos.dcos.dev/fail-after';
export const EXIT_CODE_LABEL = 'chaos.dcos.dev/exit-code';
export const NOT_READY_LABEL = 'chaos.dcos.dev/not-ready';
const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
/** Every other failing service asks for an exit code; the rest take the stage's default, 1. */
const EXIT_CODES = [undefined, 3, undefined, 137, undefined, 42];

export type KwokStagesResult = RoundResult & { fault: FaultObservation };

type Service = KubeObjectLike & { status?: DcosServiceStatus };
type Pod = KubeObjectLike & { status?: { containerStatuses?: Array<{ restartCount?: number }> } };
type Node = KubeObjectLike & { spec?: { taints?: Array<{ key: string }> }; status?: { conditions?: Array<{ type: string; status: string }>; allocatable?: Record<string, string> } };
type Cluster = KubeObjectLike & { status?: DcosClusterStatus };

export async function kwokStagesRounds(args: string[]): Promise<void> {
  const report = await clusterUp(() => undefined);
  const results = await runKwokStagesRounds({ rounds: Number(args[0] ?? 5), count: Number(args[1] ?? 40), kubeconfig: report.kubeconfig, say: console.log });
  if (results.some((r) => !r.converged)) process.exitCode = 1;
}

const readyOf = (s: Service) => s.status?.conditions?.find((c) => c.type === 'Ready');
const nodeReady = (n: Node) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status;

/** The rounds, against the cluster of `kubeconfig`; the short version in npm test calls this too. */
export async function runKwokStagesRounds(opts: {
  rounds: number;
  count: number;
  kubeconfig: string;
  /** DcosServices made to crash-loop per round (a fifth of them by default). */
  failing?: number;
  say?: (line: string) => void;
  /** Called once the faults were seen, before the heal: what a test reads with kubectl meanwhile. */
  onFault?: (fault: { ns: string; failing: string[]; node: string }) => Promise<void>;
}): Promise<KwokStagesResult[]> {
  const say = opts.say ?? (() => undefined);
  const world = await openWorld('kwok-stages', opts.kubeconfig, opts.count);
  const failingPerRound = opts.failing ?? Math.max(1, Math.round(opts.count / 5));
  const results: KwokStagesResult[] = [];
  say(`kwok-stages: ${opts.rounds} rounds, ${failingPerRound} of ${opts.count} DcosServices crash-looping and one node NotReady in each, in ${world.ns} (operator log: ${world.logPath})`);

  const operator = await startOperatorReady(world);
  // A run cut short (an error, a failed expectation in onFault) must not leave a node NotReady behind.
  let notReadyNode: string | undefined;
  try {
    for (const name of world.names) {
      const want = { instances: 1 + Math.floor(Math.random() * 2), version: 1 };
      await world.client.apply(serviceManifest(world.ns, name, want.instances, want.version));
      world.live.set(name, want);
    }
    const start = await awaitConverged(world);
    if (!start.check.converged) throw new Error(`the DcosServices did not start: ${start.check.problems.slice(0, 5).join('; ')}`);
    const nodes = (await world.client.list<Node>('v1', 'Node', { labelSelector: 'kwok.x-k8s.io/node=fake' })).items.map((n) => n.metadata.name).sort();
    await ensureFailureWindow(world);

    for (let round = 1; round <= opts.rounds; round++) {
      const failing = [...world.names].sort(() => Math.random() - 0.5).slice(0, failingPerRound);
      const exitCodes = new Map(failing.map((name, i) => [name, EXIT_CODES[i % EXIT_CODES.length]]));
      const node = nodes[(round - 1) % nodes.length]!;
      const before = (await cluster(world)).status!;
      let ops = 0;
      for (const name of failing) {
        const code = exitCodes.get(name);
        await world.client.patch('dcos.dev/v1alpha1', 'DcosService', name, world.ns, { spec: { labels: { [FAIL_AFTER_LABEL]: '3s', ...(code !== undefined ? { [EXIT_CODE_LABEL]: String(code) } : {}) } } });
        ops++;
      }
      notReadyNode = node;
      await world.client.patch('v1', 'Node', node, undefined, { metadata: { labels: { [NOT_READY_LABEL]: 'true' } } });
      ops++;
      const fault = await observeFaults(world, failing, exitCodes, node, before);
      await opts.onFault?.({ ns: world.ns, failing, node });

      for (const name of failing) {
        await world.client.patch('dcos.dev/v1alpha1', 'DcosService', name, world.ns, { spec: { labels: { [FAIL_AFTER_LABEL]: null, [EXIT_CODE_LABEL]: null } } });
        ops++;
      }
      await world.client.patch('v1', 'Node', node, undefined, { metadata: { labels: { [NOT_READY_LABEL]: null } } });
      notReadyNode = undefined;
      ops++;
      const healedAt = Date.now();
      const { check } = await awaitConverged(world, healedAt);
      const healed = await awaitHealed(world, node, before, fault.restarts);
      fault.healed = healed.healed;
      fault.failedAfter = healed.failed;
      const problems = faultProblems(fault);
      const result: KwokStagesResult = {
        ...check,
        converged: check.converged && problems.length === 0,
        statusWrong: check.statusWrong + problems.length,
        problems: [...check.problems, ...problems],
        round,
        ops,
        convergeSeconds: (Date.now() - healedAt) / 1000,
        fault,
      };
      results.push(result);
      say(roundLine(result, `${failing.length} DcosServices crash-looping (${fault.restarts} restarts, ${fault.failedAfter - fault.failedBefore} task failures counted) and node ${node} NotReady`));
      if (problems.length > 0) say(`    wrong: ${problems.join('; ')}`);
    }
  } finally {
    if (notReadyNode) await world.client.patch('v1', 'Node', notReadyNode, undefined, { metadata: { labels: { [NOT_READY_LABEL]: null } } });
    await closeWorld(world, operator);
  }
  figures(world, results, say);
  say(faultFiguresLine(faultFigures(results.map((r) => r.fault))));
  return results;
}

const cluster = (world: ChaosWorld) => world.client.get<Cluster>('dcos.dev/v1alpha1', 'DcosCluster', 'default');

/**
 * The rounds compare DcosCluster's count of task failures before and after: a window shorter than a
 * round (a test set one) would let them age out, so it goes back to the default hour (which starts empty).
 */
async function ensureFailureWindow(world: ChaosWorld): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const c = await world.client.getOrUndefined<Cluster & { spec?: { taskFailureWindowSeconds?: number } }>('dcos.dev/v1alpha1', 'DcosCluster', 'default');
    const window = c?.status?.taskFailureRate?.windowSeconds;
    if (window !== undefined && window >= 600) return;
    if (Date.now() > deadline) throw new Error(`DcosCluster default has no task failure window of at least 600 s (${window ?? 'no status'})`);
    if (c && (c.spec?.taskFailureWindowSeconds ?? 3600) < 600) await world.client.patch('dcos.dev/v1alpha1', 'DcosCluster', 'default', undefined, { spec: { taskFailureWindowSeconds: null } });
    await sleep(500);
  }
}
const servicePods = async (world: ChaosWorld, name: string) => (await world.client.list<Pod>('v1', 'Pod', { namespace: world.ns, labelSelector: `dcos.dev/service=${name}` })).items.filter((p) => !p.metadata.deletionTimestamp);
const restartsOf = (pods: Pod[]) => pods.reduce((sum, p) => sum + (p.status?.containerStatuses ?? []).reduce((a, c) => a + (c.restartCount ?? 0), 0), 0);
const nsUnhealthy = (world: ChaosWorld, c: Cluster) => (c.status?.services?.unhealthyNames ?? []).filter((n) => n.startsWith(`${world.ns}/`)).map((n) => n.slice(world.ns.length + 1));

/** Polls until every fault was seen as the user would see it (or 150 s), noting anything reported failing that was not. */
async function observeFaults(world: ChaosWorld, failing: string[], exitCodes: Map<string, number | undefined>, node: string, before: DcosClusterStatus): Promise<FaultObservation> {
  const o: FaultObservation = { failing, seenFailing: [], restartsMatched: [], falselyFailing: [], restarts: 0, failedBefore: before.taskFailureRate?.failed ?? 0, failedAfter: 0, maxClusterUnhealthy: 0, node, nodeNotReady: false, nodeTainted: false, clusterCountedNode: false, healed: false };
  const falsely = new Set<string>();
  const nodeCpu = quantityToMilli((await world.client.get<Node>('v1', 'Node', node)).status?.allocatable?.cpu ?? '0') / 1000;
  const deadline = Date.now() + 150_000;
  const done = () => o.seenFailing.length === failing.length && o.restartsMatched.length === failing.length && o.nodeNotReady && o.nodeTainted && o.clusterCountedNode && o.maxClusterUnhealthy > 0;
  while (!done() && Date.now() < deadline) {
    const services = (await world.client.list<Service>('dcos.dev/v1alpha1', 'DcosService', { namespace: world.ns })).items;
    for (const svc of services) {
      const name = svc.metadata.name;
      const showsFailing = readyOf(svc)?.reason === 'TasksFailing' || svc.status?.health === 'Unhealthy';
      if (!failing.includes(name)) {
        if (showsFailing) falsely.add(name);
        continue;
      }
      const code = exitCodes.get(name) ?? 1;
      if (!o.seenFailing.includes(name) && readyOf(svc)?.status === 'False' && readyOf(svc)?.reason === 'TasksFailing' && svc.status?.health === 'Unhealthy' && (svc.status.restarts ?? 0) > 0 && svc.status.lastTaskFailure?.exitCode === code) o.seenFailing.push(name);
      if (!o.restartsMatched.includes(name) && (svc.status?.restarts ?? 0) > 0) {
        const pods = await servicePods(world, name);
        const again = await world.client.get<Service>('dcos.dev/v1alpha1', 'DcosService', name, world.ns);
        // Read around the pods: a restart between the two reads would compare different moments.
        if (again.status?.restarts === svc.status?.restarts && restartsOf(pods) === svc.status?.restarts) o.restartsMatched.push(name);
      }
    }
    const n = await world.client.get<Node>('v1', 'Node', node);
    if (nodeReady(n) === 'False') o.nodeNotReady = true;
    if (n.spec?.taints?.some((t) => t.key === NOT_READY_TAINT)) o.nodeTainted = true;
    const c = await cluster(world);
    const unhealthy = nsUnhealthy(world, c);
    for (const name of unhealthy) if (!failing.includes(name)) falsely.add(`DcosCluster: ${name}`);
    o.maxClusterUnhealthy = Math.max(o.maxClusterUnhealthy, unhealthy.length);
    const nodes = c.status?.nodes;
    const cpuTotal = c.status?.resources?.cpu.total ?? 0;
    if (nodes && nodes.notReady === (before.nodes?.notReady ?? 0) + 1 && nodes.summary === `${nodes.ready}/${nodes.total}` && Math.abs(cpuTotal - ((before.resources?.cpu.total ?? 0) - nodeCpu)) < 1e-9) o.clusterCountedNode = true;
    if (!done()) await sleep(1_000);
  }
  o.restarts = (await Promise.all(failing.map(async (name) => restartsOf(await servicePods(world, name))))).reduce((a, b) => a + b, 0);
  o.falselyFailing = [...falsely].sort();
  return o;
}

/** After the heal: polls (up to 120 s) until the node, every DcosService and DcosCluster are back, and DcosCluster counted the round's restarts. */
async function awaitHealed(world: ChaosWorld, node: string, before: DcosClusterStatus, restarts: number): Promise<{ healed: boolean; failed: number }> {
  const deadline = Date.now() + 120_000;
  const failedBefore = before.taskFailureRate?.failed ?? 0;
  let failed = failedBefore;
  for (;;) {
    const n = await world.client.get<Node>('v1', 'Node', node);
    const services = (await world.client.list<Service>('dcos.dev/v1alpha1', 'DcosService', { namespace: world.ns })).items;
    const c = await cluster(world);
    failed = c.status?.taskFailureRate?.failed ?? 0;
    const healed =
      nodeReady(n) === 'True' &&
      !n.spec?.taints?.some((t) => t.key === NOT_READY_TAINT) &&
      services.every((s) => readyOf(s)?.status === 'True' && s.status?.health !== 'Unhealthy') &&
      nsUnhealthy(world, c).length === 0 &&
      c.status?.nodes?.notReady === (before.nodes?.notReady ?? 0);
    if ((healed && failed - failedBefore >= restarts) || Date.now() > deadline) return { healed, failed };
    await sleep(1_000);
  }
}
