import { describe, expect, test } from 'vitest';
import { computeServiceStatus } from '../../src/marathon/service-status.ts';
import { mergeConditions } from '../../src/marathon/service-conditions.ts';
import type { ContainerState, Deployment, Pod } from '../../src/marathon/kube-objects.ts';
import type { DcosServiceSpec } from '../../src/resources/dcos-service.ts';
import { pod, service } from './marathon-builders.ts';

const NOW = '2025-06-01T12:00:00Z';
const checks: DcosServiceSpec = { healthChecks: [{ protocol: 'TCP' }], instances: 2 };
const noChecks: DcosServiceSpec = { instances: 2 };

function deployment(replicas: number, s: Partial<NonNullable<Deployment['status']>> = {}, generation = 1): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', generation },
    spec: { replicas, selector: { matchLabels: {} }, strategy: { type: 'Recreate' }, template: { metadata: { labels: {} }, spec: { containers: [] } } },
    status: { observedGeneration: generation, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, ...s },
  };
}

describe('task counts and health', () => {
  test.each([
    ['all running tasks healthy', checks, [pod('a', 'Running', { ready: true }), pod('b', 'Running', { ready: true })], { tasksRunning: 2, tasksHealthy: 2, tasksUnhealthy: 0, tasksStaged: 0, health: 'Healthy' }],
    ['one unhealthy makes the app unhealthy', checks, [pod('a', 'Running', { ready: true }), pod('b', 'Running', { ready: false })], { tasksRunning: 2, tasksHealthy: 1, tasksUnhealthy: 1, health: 'Unhealthy' }],
    ['in the grace period a task is neither', checks, [pod('a', 'Running', { ready: true }), pod('b', 'Running', { started: false })], { tasksRunning: 2, tasksHealthy: 1, tasksUnhealthy: 0, health: 'NA' }],
    ['health checks and nothing running: Idle', checks, [pod('a', 'Pending')], { tasksRunning: 0, tasksStaged: 1, health: 'Idle' }],
    ['no health checks: NA, nothing counted healthy', noChecks, [pod('a', 'Running', { ready: true })], { tasksRunning: 1, tasksHealthy: 0, health: 'NA' }],
    ['terminating pods are not tasks', checks, [pod('a', 'Running', { ready: true }), pod('b', 'Running', { ready: false, deleting: true })], { tasksRunning: 1, tasksUnhealthy: 0, health: 'Healthy' }],
  ])('%s', (_name, spec, pods, expected) => {
    expect(computeServiceStatus({ service: service(spec), deployment: deployment(2), pods, now: NOW })).toMatchObject(expected);
  });
});

describe('lastTaskFailure', () => {
  const crashed = (name: string, finishedAt: string, exitCode: number): Pod => ({
    metadata: { name },
    status: { phase: 'Running', containerStatuses: [{ name: 'app', ready: false, restartCount: 1, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode, reason: 'Error', finishedAt } } }] },
  });

  test.each([
    ['the newest non-zero exit', [crashed('a', '2025-06-01T10:00:00Z', 1), crashed('b', '2025-06-01T11:00:00Z', 137)], undefined, { time: '2025-06-01T11:00:00Z', exitCode: 137, taskId: 'b' }],
    ['exit 0 is no failure', [crashed('a', '2025-06-01T10:00:00Z', 0)], undefined, undefined],
    ['a newer failure in status is kept when its pod is gone', [crashed('a', '2025-06-01T10:00:00Z', 1)], { time: '2025-06-01T11:30:00Z', message: 'old pod', exitCode: 2 }, { time: '2025-06-01T11:30:00Z', exitCode: 2 }],
    ['an evicted pod', [{ metadata: { name: 'e' }, status: { phase: 'Failed' as const, reason: 'Evicted', message: 'low on memory', conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: '2025-06-01T09:00:00Z' }] } }], undefined, { time: '2025-06-01T09:00:00Z', reason: 'Evicted', message: 'e failed (Evicted): low on memory' }],
  ])('%s', (_name, pods, previous, expected) => {
    const svc = service(noChecks);
    if (previous) svc.status = { lastTaskFailure: previous };
    const status = computeServiceStatus({ service: svc, deployment: deployment(2), pods, now: NOW });
    if (expected === undefined) expect(status.lastTaskFailure).toBeUndefined();
    else expect(status.lastTaskFailure).toMatchObject(expected);
  });

  test('the message names the pod, the exit code and the reason', () => {
    const status = computeServiceStatus({ service: service(noChecks), deployment: deployment(2), pods: [crashed('web-1', '2025-06-01T10:00:00Z', 3)], now: NOW });
    expect(status.lastTaskFailure?.message).toBe('container app of web-1 terminated with exit code 3 (Error)');
  });
});

describe('deployment in progress and conditions', () => {
  const running = [pod('a', 'Running', { ready: true }), pod('b', 'Running', { ready: true })];
  const conditions = (s: ReturnType<typeof computeServiceStatus>) => Object.fromEntries((s.conditions ?? []).map((c) => [c.type, `${c.status}/${c.reason}`]));

  test.each([
    ['steady', deployment(2), running, {}, { Ready: 'True/Running', Progressing: 'False/Complete', Degraded: 'False/AsExpected' }, undefined],
    ['a rollout half done', deployment(2, { replicas: 3, updatedReplicas: 1 }), running, {}, { Ready: 'False/Deploying', Progressing: 'True/Deploying' }, '1 of 2 instances updated'],
    ['a new generation not yet observed', deployment(2, { observedGeneration: 1 }, 2), running, {}, { Progressing: 'True/Deploying' }, 'Waiting for the new definition to be picked up'],
    ['stuck past the deadline', deployment(2, { conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'too slow' }] }), running, {}, { Progressing: 'False/ProgressDeadlineExceeded', Degraded: 'True/ProgressDeadlineExceeded', Stalled: 'True/ProgressDeadlineExceeded' }, undefined],
    ['held for dependencies', deployment(0), [], { gate: { hold: true, waitingFor: [{ appId: '/db', reason: 'not found' }], message: 'Waiting for /db (not found)' } }, { Ready: 'False/WaitingForDependencies' }, undefined],
    ['a spec that cannot be translated', undefined, [], { errors: [{ path: 'spec.user', message: 'expected a numeric uid' }] }, { Ready: 'False/InvalidSpec', Degraded: 'True/InvalidSpec', Stalled: 'True/InvalidSpec' }, undefined],
  ])('%s', (_name, dep, pods, extra, expected, progressMessage) => {
    const status = computeServiceStatus({ service: service(noChecks), deployment: dep, pods, now: NOW, ...extra });
    expect(conditions(status)).toMatchObject(expected);
    expect(status.deployment?.message).toBe(progressMessage);
  });

  test.each([
    ['steady', deployment(2), running, {}],
    ['a rollout half done', deployment(2, { replicas: 3, updatedReplicas: 1 }), running, {}],
    ['held for dependencies', deployment(0), [], { gate: { hold: true, waitingFor: [{ appId: '/db', reason: 'not found' }], message: 'Waiting for /db (not found)' } }],
    ['tasks not placed yet', deployment(2, { availableReplicas: 0, readyReplicas: 0 }), [pod('a', 'Pending'), pod('b', 'Pending')], {}],
  ])('%s: no Stalled condition, so GitOps tools wait rather than fail', (_name, dep, pods, extra) => {
    const status = computeServiceStatus({ service: service(noChecks), deployment: dep, pods, now: NOW, ...extra });
    expect(conditions(status)).not.toHaveProperty('Stalled');
  });

  describe('tasks the scheduler cannot place say why, in the scheduler\'s words', () => {
    const unschedulable = (name: string, message: string): Pod => ({
      metadata: { name },
      status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }] },
    });
    const full = '0/4 nodes are available: 4 Insufficient cpu. no new claims to deallocate, preemption: 0/4 nodes are available: 4 No preemption victims found for incoming pod.';
    const rollingOut = deployment(2, { availableReplicas: 1, readyReplicas: 1 });

    test('Ready and Degraded False/True Unschedulable, naming how many and why, not a silent Deploying', () => {
      const status = computeServiceStatus({ service: service(noChecks), deployment: rollingOut, pods: [pod('a', 'Running', { ready: true }), unschedulable('b', full)], now: NOW });
      expect(conditions(status)).toMatchObject({ Ready: 'False/Unschedulable', Degraded: 'True/Unschedulable', Progressing: 'True/Deploying' });
      expect(status.conditions?.find((c) => c.type === 'Ready')?.message).toBe('1 of 2 tasks cannot be placed on any node: 0/4 nodes are available: 4 Insufficient cpu.');
      expect(status).toMatchObject({ tasksRunning: 1, tasksStaged: 1 });
      // A bigger node or a freed port ends it: GitOps tools wait rather than fail.
      expect(conditions(status)).not.toHaveProperty('Stalled');
    });

    test('a host port taken on every node is said the same way', () => {
      const status = computeServiceStatus({ service: service(noChecks), deployment: rollingOut, pods: [unschedulable('a', "0/4 nodes are available: 4 node(s) didn't have free ports for the requested pod ports.")], now: NOW });
      expect(status.conditions?.find((c) => c.type === 'Ready')?.message).toBe("1 of 2 tasks cannot be placed on any node: 0/4 nodes are available: 4 node(s) didn't have free ports for the requested pod ports.");
    });

    test('a pod not yet tried by the scheduler, or being deleted, is plain Deploying', () => {
      const deleting = { ...unschedulable('b', full), metadata: { name: 'b', deletionTimestamp: '2025-01-01T00:00:00Z' } };
      const status = computeServiceStatus({ service: service(noChecks), deployment: rollingOut, pods: [pod('a', 'Pending'), deleting], now: NOW });
      expect(conditions(status).Ready).toBe('False/Deploying');
    });
  });

  test('a spec fixed after it could not be translated drops Stalled', () => {
    const broken = computeServiceStatus({ service: service(noChecks), deployment: deployment(2), pods: running, errors: [{ path: 'spec.user', message: 'expected a numeric uid' }], now: NOW });
    const fixed = computeServiceStatus({ service: { ...service(noChecks), status: broken }, deployment: deployment(2), pods: running, now: NOW });
    expect(conditions(fixed)).toEqual({ Ready: 'True/Running', Progressing: 'False/Complete', Degraded: 'False/AsExpected' });
  });

  test('suspended (instances 0) is ready', () => {
    const status = computeServiceStatus({ service: service({ instances: 0 }), deployment: deployment(0), pods: [], now: NOW });
    expect(conditions(status).Ready).toBe('True/Suspended');
  });

  test('status names the app and the pod selector for the scale subresource', () => {
    const status = computeServiceStatus({ service: service({ id: 'prod/web', instances: 2 }), deployment: deployment(2), pods: running, now: NOW });
    expect(status).toMatchObject({ appId: '/prod/web', selector: 'dcos.dev/service=web', instances: 2, observedGeneration: 1 });
  });
});

describe('mergeConditions', () => {
  const before = [{ type: 'Ready', status: 'True' as const, reason: 'Running', message: '2 of 2', lastTransitionTime: 'T0' }];
  test.each([
    ['same status keeps the time, takes the new message', { type: 'Ready', status: 'True' as const, reason: 'Running', message: '3 of 3' }, 'T0'],
    ['a changed status takes now', { type: 'Ready', status: 'False' as const, reason: 'Unhealthy', message: 'x' }, 'T1'],
    ['a new condition takes now', { type: 'Degraded', status: 'False' as const, reason: 'AsExpected', message: 'x' }, 'T1'],
  ])('%s', (_name, next, time) => {
    const [c] = mergeConditions(before, [next], 'T1');
    expect(c).toEqual({ ...next, lastTransitionTime: time });
  });
});

describe('the image shown by `kubectl get dsvc -o wide`', () => {
  test('is the image the translated pod template runs', () => {
    expect(computeServiceStatus({ service: service(noChecks), deployment: deployment(2), pods: [], image: 'debian:12-slim', now: NOW }).image).toBe('debian:12-slim');
  });

  test('stays the running one while a changed spec cannot be translated', () => {
    const before = computeServiceStatus({ service: service(noChecks), deployment: deployment(2), pods: [], image: 'nginx:1.27', now: NOW });
    const errors = [{ path: 'spec.args', message: 'expected either cmd or args, got both' }];
    const after = computeServiceStatus({ service: { ...service(noChecks), status: before }, deployment: deployment(2), pods: [], errors, now: NOW });
    expect(after.image).toBe('nginx:1.27');
  });
});

describe('tasks whose container crashes (CrashLoopBackOff)', () => {
  const conditions = (s: ReturnType<typeof computeServiceStatus>) => Object.fromEntries((s.conditions ?? []).map((c) => [c.type, `${c.status}/${c.reason}`]));
  const ok = (name: string, restartCount = 0): Pod => ({
    metadata: { name },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'app', ready: true, started: true, restartCount, state: { running: { startedAt: NOW } } }] },
  });
  const crashing = (name: string, restartCount: number, state: ContainerState): Pod => ({
    metadata: { name },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [{ name: 'app', ready: false, started: false, restartCount, state, lastState: { terminated: { exitCode: 3, reason: 'Error', finishedAt: '2025-06-01T11:59:00Z' } } }],
    },
  });
  const backOff = { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s' } };

  test.each([
    ['waiting in CrashLoopBackOff', crashing('b', 2, backOff)],
    ['just exited non-zero, not yet restarted', crashing('b', 0, { terminated: { exitCode: 1, reason: 'Error', finishedAt: NOW } })],
    ['restarted, not running again yet', crashing('b', 1, { waiting: { reason: 'ContainerCreating' } })],
  ])('%s: failing and staged, not running; Unhealthy even without health checks', (_name, failing) => {
    const status = computeServiceStatus({ service: service(noChecks), deployment: deployment(2), pods: [ok('a'), failing], now: NOW });
    expect(status).toMatchObject({ tasksRunning: 1, tasksStaged: 1, health: 'Unhealthy' });
    expect(conditions(status)).toMatchObject({ Ready: 'False/TasksFailing', Degraded: 'True/TasksFailing' });
    // Waiting does not end it by itself, but a fixed image or command does: GitOps tools wait rather than fail.
    expect(conditions(status)).not.toHaveProperty('Stalled');
  });

  test('the Ready message says how many fail and why, in the kubelet\'s words', () => {
    const status = computeServiceStatus({ service: service(noChecks), deployment: deployment(3), pods: [ok('a'), crashing('b', 4, backOff), crashing('c', 1, backOff)], now: NOW });
    expect(status.conditions?.find((c) => c.type === 'Ready')?.message).toBe('2 of 3 tasks failing: container app exited with code 3, restarted 4 times (CrashLoopBackOff)');
  });

  test('a task that restarted and runs ready again is running, its restarts still counted', () => {
    const status = computeServiceStatus({ service: service(noChecks), deployment: deployment(2), pods: [ok('a', 3), ok('b')], now: NOW });
    expect(status).toMatchObject({ tasksRunning: 2, tasksStaged: 0, restarts: 3, health: 'NA' });
    expect(conditions(status).Ready).toBe('True/Running');
  });

  test('restarts add up every container of every task, not of pods being deleted', () => {
    const deleting = { ...crashing('c', 7, backOff), metadata: { name: 'c', deletionTimestamp: NOW } };
    const status = computeServiceStatus({ service: service(noChecks), deployment: deployment(2), pods: [ok('a', 2), crashing('b', 5, backOff), deleting], now: NOW });
    expect(status.restarts).toBe(7);
  });

  test('restarted by a failed liveness probe and running again, not ready: unhealthy, not failing', () => {
    const probeKilled: Pod = { metadata: { name: 'b' }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [{ name: 'app', ready: false, started: true, restartCount: 1, state: { running: { startedAt: NOW } } }] } };
    const status = computeServiceStatus({ service: service(checks), deployment: deployment(2), pods: [ok('a'), probeKilled], now: NOW });
    expect(status).toMatchObject({ tasksRunning: 2, tasksUnhealthy: 1, tasksStaged: 0, restarts: 1, health: 'Unhealthy' });
    expect(conditions(status).Ready).toBe('False/Unhealthy');
  });

  test('with health checks a crashing task is neither healthy nor unhealthy: it is not running', () => {
    const status = computeServiceStatus({ service: service(checks), deployment: deployment(2), pods: [ok('a'), crashing('b', 1, backOff)], now: NOW });
    expect(status).toMatchObject({ tasksRunning: 1, tasksHealthy: 1, tasksUnhealthy: 0, health: 'Unhealthy' });
  });

  test('once the crashing task is replaced by a running one, the app is ready again', () => {
    const failing = computeServiceStatus({ service: service(noChecks), deployment: deployment(2), pods: [ok('a'), crashing('b', 2, backOff)], now: NOW });
    const healed = computeServiceStatus({ service: { ...service(noChecks), status: failing }, deployment: deployment(2), pods: [ok('a'), ok('c')], now: NOW });
    expect(conditions(healed)).toEqual({ Ready: 'True/Running', Progressing: 'False/Complete', Degraded: 'False/AsExpected' });
    expect(healed).toMatchObject({ tasksRunning: 2, restarts: 0, health: 'NA' });
  });
});
