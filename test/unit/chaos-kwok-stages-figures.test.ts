import { describe, expect, test } from 'vitest';
import { faultFigures, faultFiguresLine, faultProblems, type FaultObservation } from '../../chaos/kwok-stages-figures.ts';

// What `npm run chaos -- kwok-stages` counts as wrong in a round: each check is what a user reading
// kubectl get dsvc / dcl would notice.
const clean: FaultObservation = {
  failing: ['svc-1', 'svc-4'],
  seenFailing: ['svc-4', 'svc-1'],
  restartsMatched: ['svc-1', 'svc-4'],
  falselyFailing: [],
  restarts: 6,
  failedBefore: 10,
  failedAfter: 16,
  maxClusterUnhealthy: 2,
  node: 'dcos-agent-2',
  nodeNotReady: true,
  nodeTainted: true,
  clusterCountedNode: true,
  healed: true,
};

describe('faultProblems', () => {
  test('a round where every fault was reported and healed has none', () => {
    expect(faultProblems(clean)).toEqual([]);
  });

  test.each([
    ['a service never shown failing', { seenFailing: ['svc-1'] }, 'never shown failing (TasksFailing, Unhealthy, restarts, exit code): svc-4'],
    ['restarts that never matched the pods', { restartsMatched: [] }, "status.restarts never equal to the pods' restartCount: svc-1, svc-4"],
    ['a healthy service reported failing', { falselyFailing: ['DcosCluster: svc-7'] }, 'reported failing or unhealthy without a fault: DcosCluster: svc-7'],
    ['crash-looping pods that never restarted', { restarts: 0, failedAfter: 10 }, 'no container restarted'],
    ['restarts DcosCluster did not count as task failures', { failedAfter: 15 }, 'DcosCluster counted 5 task failures for 6 restarts'],
    ['failing services DcosCluster never called unhealthy', { maxClusterUnhealthy: 0 }, 'DcosCluster never counted a failing service unhealthy'],
    ['a node that stayed Ready', { nodeNotReady: false }, 'node dcos-agent-2 never reported Ready False'],
    ['a NotReady node without the taint', { nodeTainted: false }, 'node dcos-agent-2 never tainted node.kubernetes.io/not-ready'],
    ['a NotReady node DcosCluster kept counting', { clusterCountedNode: false }, 'DcosCluster never counted node dcos-agent-2 not ready or kept its allocatable in the total'],
    ['a round that did not heal', { healed: false }, 'not healed: a node, a DcosService or DcosCluster still shows the faults'],
  ])('%s', (_name, change, problem) => {
    expect(faultProblems({ ...clean, ...change })).toEqual([problem]);
  });

  test('more task failures than restarts are fine: a container may restart again between the reads', () => {
    expect(faultProblems({ ...clean, failedAfter: 20 })).toEqual([]);
  });
});

describe('faultFigures', () => {
  test('adds up the rounds, counting only the services that were made to fail', () => {
    const second: FaultObservation = { ...clean, failing: ['svc-2'], seenFailing: ['svc-2', 'svc-9'], restartsMatched: ['svc-2'], restarts: 3, failedBefore: 16, failedAfter: 20, nodeTainted: false, healed: false };
    const f = faultFigures([clean, second]);
    expect(f).toEqual({ failing: 3, seenFailing: 3, restartsMatched: 3, falselyFailing: 0, restarts: 9, failuresCounted: 10, nodesNotReady: 2, nodesSeen: 1, healed: 1, rounds: 2 });
    expect(faultFiguresLine(f)).toBe(
      'figures kwok-stages-faults: services crash-looping 3, shown failing 3, restarts matching the pods 3, falsely failing 0, container restarts 9, task failures counted by DcosCluster 10, nodes NotReady 2 (reported, tainted and left out of the total 1), rounds healed 1 of 2',
    );
  });
});
