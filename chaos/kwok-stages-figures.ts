// What one round of `npm run chaos -- kwok-stages` saw of its faults, what of that was wrong, and the
// figures of a run. Pure, so that what the scenario counts as a failure is pinned by unit tests.

/** One round's observations: the services made to crash-loop, the node made NotReady, and what reported them. */
export interface FaultObservation {
  /** DcosServices whose pods were labelled to crash-loop. */
  failing: string[];
  /** Of those, the ones seen with Ready False TasksFailing, health Unhealthy, restarts > 0 and the exit code asked for. */
  seenFailing: string[];
  /** Of those, the ones whose status.restarts was seen equal to the sum of their pods' restartCount. */
  restartsMatched: string[];
  /** DcosServices (or DcosCluster unhealthyNames) reported failing or Unhealthy that were not made to fail. */
  falselyFailing: string[];
  /** Container restarts of the failing services' pods, just before the heal. */
  restarts: number;
  /** DcosCluster taskFailureRate.failed before the faults and after the heal. */
  failedBefore: number;
  failedAfter: number;
  /** The most DcosServices of the round's namespace DcosCluster listed as unhealthy at once. */
  maxClusterUnhealthy: number;
  node: string;
  /** The node reported Ready False, and was tainted node.kubernetes.io/not-ready. */
  nodeNotReady: boolean;
  nodeTainted: boolean;
  /** DcosCluster counted the node as not ready and took its allocatable out of the total. */
  clusterCountedNode: boolean;
  /** After the heal: the node Ready and untainted, DcosCluster with no unhealthy service of the namespace and no extra NotReady node, every DcosService Ready. */
  healed: boolean;
}

/** Everything the round saw that a user would call wrong; empty when the faults were reported as they happened. */
export function faultProblems(o: FaultObservation): string[] {
  const problems: string[] = [];
  const missing = (seen: string[]) => o.failing.filter((n) => !seen.includes(n));
  const unseen = missing(o.seenFailing);
  if (unseen.length > 0) problems.push(`never shown failing (TasksFailing, Unhealthy, restarts, exit code): ${unseen.join(', ')}`);
  const unmatched = missing(o.restartsMatched);
  if (unmatched.length > 0) problems.push(`status.restarts never equal to the pods' restartCount: ${unmatched.join(', ')}`);
  if (o.falselyFailing.length > 0) problems.push(`reported failing or unhealthy without a fault: ${o.falselyFailing.join(', ')}`);
  if (o.failing.length > 0 && o.restarts === 0) problems.push('no container restarted');
  if (o.failedAfter - o.failedBefore < o.restarts) problems.push(`DcosCluster counted ${o.failedAfter - o.failedBefore} task failures for ${o.restarts} restarts`);
  if (o.failing.length > 0 && o.maxClusterUnhealthy === 0) problems.push('DcosCluster never counted a failing service unhealthy');
  if (!o.nodeNotReady) problems.push(`node ${o.node} never reported Ready False`);
  if (!o.nodeTainted) problems.push(`node ${o.node} never tainted node.kubernetes.io/not-ready`);
  if (!o.clusterCountedNode) problems.push(`DcosCluster never counted node ${o.node} not ready or kept its allocatable in the total`);
  if (!o.healed) problems.push('not healed: a node, a DcosService or DcosCluster still shows the faults');
  return problems;
}

export interface FaultFigures {
  failing: number;
  seenFailing: number;
  restartsMatched: number;
  falselyFailing: number;
  restarts: number;
  failuresCounted: number;
  nodesNotReady: number;
  nodesSeen: number;
  healed: number;
  rounds: number;
}

export function faultFigures(observations: readonly FaultObservation[]): FaultFigures {
  const sum = (f: (o: FaultObservation) => number) => observations.reduce((a, o) => a + f(o), 0);
  return {
    failing: sum((o) => o.failing.length),
    seenFailing: sum((o) => o.seenFailing.filter((n) => o.failing.includes(n)).length),
    restartsMatched: sum((o) => o.restartsMatched.filter((n) => o.failing.includes(n)).length),
    falselyFailing: sum((o) => o.falselyFailing.length),
    restarts: sum((o) => o.restarts),
    failuresCounted: sum((o) => o.failedAfter - o.failedBefore),
    nodesNotReady: observations.length,
    nodesSeen: sum((o) => (o.nodeNotReady && o.nodeTainted && o.clusterCountedNode ? 1 : 0)),
    healed: sum((o) => (o.healed ? 1 : 0)),
    rounds: observations.length,
  };
}

/** The `figures kwok-stages-faults: ...` line. */
export function faultFiguresLine(f: FaultFigures): string {
  return `figures kwok-stages-faults: services crash-looping ${f.failing}, shown failing ${f.seenFailing}, restarts matching the pods ${f.restartsMatched}, falsely failing ${f.falselyFailing}, container restarts ${f.restarts}, task failures counted by DcosCluster ${f.failuresCounted}, nodes NotReady ${f.nodesNotReady} (reported, tainted and left out of the total ${f.nodesSeen}), rounds healed ${f.healed} of ${f.rounds}`;
}
