import { describe, expect, it } from 'vitest';
import { AllocationLedger } from '../../src/accounting/allocation-ledger.ts';
import { FailureRateWindow } from '../../src/accounting/failure-rate-window.ts';
import type { ContainerStateLike, PodLike } from '../../src/accounting/kube-shapes.ts';

const T0 = Date.parse('2025-06-01T12:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('FailureRateWindow', () => {
  it('is 0 when nothing happened', () => {
    expect(new FailureRateWindow(3600).rate(T0)).toEqual({ percent: 0, failed: 0, successful: 0, windowSeconds: 3600 });
  });

  it('is failed / (failed + successful) x 100', () => {
    const window = new FailureRateWindow(3600);
    window.recordFailed(1, T0, T0);
    window.recordSuccessful(3, T0, T0);
    expect(window.rate(T0).percent).toBe(25);
  });

  it('decays as events leave the window', () => {
    const window = new FailureRateWindow(3600);
    window.recordFailed(2, T0, T0);
    window.recordSuccessful(2, T0 + 30 * MINUTE, T0 + 30 * MINUTE);
    expect(window.rate(T0 + 59 * MINUTE).percent).toBe(50);
    // The failures, an hour old, have left; the successes, half an hour younger, remain.
    expect(window.rate(T0 + 61 * MINUTE)).toMatchObject({ percent: 0, failed: 0, successful: 2 });
    expect(window.rate(T0 + 91 * MINUTE)).toMatchObject({ failed: 0, successful: 0 });
  });

  it('forgets everything after a gap longer than the window', () => {
    const window = new FailureRateWindow(60);
    window.recordFailed(5, T0, T0);
    expect(window.rate(T0 + 10 * HOUR).failed).toBe(0);
    window.recordFailed(1, T0 + 10 * HOUR, T0 + 10 * HOUR);
    expect(window.rate(T0 + 10 * HOUR).failed).toBe(1);
  });

  it('files past events in their own bucket and drops those already outside', () => {
    const window = new FailureRateWindow(3600);
    window.recordFailed(1, T0 - 50 * MINUTE, T0);
    window.recordFailed(1, T0 - 2 * HOUR, T0);
    expect(window.rate(T0).failed).toBe(1);
    expect(window.rate(T0 + 11 * MINUTE).failed).toBe(0);
  });

  it('loses nothing when the clock steps back', () => {
    const window = new FailureRateWindow(3600);
    window.recordFailed(1, T0, T0);
    window.recordFailed(1, T0 - 5 * MINUTE, T0 - 5 * MINUTE);
    expect(window.rate(T0 - 5 * MINUTE).failed).toBe(2);
  });
});

function pod(uid: string, phase: string, options: { restarts?: number; state?: ContainerStateLike; restartPolicy?: string; startTime?: string } = {}): PodLike {
  return {
    metadata: { uid, name: uid, namespace: 'jobs' },
    spec: { nodeName: 'a', restartPolicy: options.restartPolicy ?? 'Always', containers: [{ name: 'main' }] },
    status: {
      phase,
      ...(options.startTime ? { startTime: options.startTime } : {}),
      containerStatuses: [{ name: 'main', restartCount: options.restarts ?? 0, ...(options.state ? { state: options.state } : {}) }],
    },
  };
}

function rateAfter(steps: Array<[type: 'ADDED' | 'MODIFIED' | 'DELETED', pod: PodLike]>, now = T0) {
  const ledger = new AllocationLedger({ failureWindowSeconds: 3600 });
  for (const [type, p] of steps) ledger.applyPod(type, p, now);
  return ledger.figures(now).failureRate;
}

describe('task outcomes counted by the ledger', () => {
  it.each([
    { name: 'a pod that starts is one success', steps: [['ADDED', pod('p', 'Pending')], ['MODIFIED', pod('p', 'Running')]], failed: 0, successful: 1 },
    {
      name: 'a pod that starts and succeeds counts once',
      steps: [['ADDED', pod('p', 'Pending')], ['MODIFIED', pod('p', 'Running')], ['MODIFIED', pod('p', 'Succeeded')]],
      failed: 0,
      successful: 1,
    },
    {
      name: 'each restart increment is one failure, counted once however often it is reported',
      steps: [['ADDED', pod('p', 'Pending')], ['MODIFIED', pod('p', 'Running')], ['MODIFIED', pod('p', 'Running', { restarts: 2 })], ['MODIFIED', pod('p', 'Running', { restarts: 2 })], ['MODIFIED', pod('p', 'Running', { restarts: 3 })]],
      failed: 3,
      successful: 1,
    },
    {
      name: 'a pod that fails is one failure',
      steps: [['ADDED', pod('p', 'Pending')], ['MODIFIED', pod('p', 'Running')], ['MODIFIED', pod('p', 'Failed')], ['MODIFIED', pod('p', 'Failed')]],
      failed: 1,
      successful: 1,
    },
    {
      name: 'restartPolicy Never: a non-zero exit is the failure, and the Failed phase after it is the same one',
      steps: [
        ['ADDED', pod('p', 'Running', { restartPolicy: 'Never' })],
        ['MODIFIED', pod('p', 'Running', { restartPolicy: 'Never', state: { terminated: { exitCode: 1 } } })],
        ['MODIFIED', pod('p', 'Failed', { restartPolicy: 'Never', state: { terminated: { exitCode: 1 } } })],
      ],
      failed: 1,
      successful: 1,
    },
    {
      name: 'a zero exit is no failure',
      steps: [['ADDED', pod('p', 'Running', { restartPolicy: 'Never' })], ['MODIFIED', pod('p', 'Succeeded', { restartPolicy: 'Never', state: { terminated: { exitCode: 0 } } })]],
      failed: 0,
      successful: 1,
    },
    {
      name: 'a failure shown only by the deleted object still counts',
      steps: [['ADDED', pod('p', 'Pending')], ['DELETED', pod('p', 'Failed')]],
      failed: 1,
      successful: 0,
    },
    { name: 'deleting a running pod is no failure', steps: [['ADDED', pod('p', 'Running')], ['DELETED', pod('p', 'Running')]], failed: 0, successful: 1 },
  ] as const)('$name', ({ steps, failed, successful }) => {
    const rate = rateAfter(steps as unknown as Array<['ADDED' | 'MODIFIED' | 'DELETED', PodLike]>);
    expect({ failed: rate.failed, successful: rate.successful }).toEqual({ failed, successful });
  });

  it('gives the percentage and lets it decay', () => {
    const ledger = new AllocationLedger({ failureWindowSeconds: 600 });
    ledger.applyPod('ADDED', pod('p', 'Pending'), T0);
    ledger.applyPod('MODIFIED', pod('p', 'Running'), T0);
    ledger.applyPod('MODIFIED', pod('p', 'Running', { restarts: 1 }), T0 + MINUTE);
    ledger.applyPod('MODIFIED', pod('p', 'Running', { restarts: 3 }), T0 + 2 * MINUTE);
    expect(ledger.figures(T0 + 2 * MINUTE).failureRate.percent).toBe(75);
    expect(ledger.figures(T0 + 10 * MINUTE + 30_000).failureRate).toMatchObject({ failed: 3, successful: 0, percent: 100 });
    expect(ledger.figures(T0 + 13 * MINUTE).failureRate).toMatchObject({ failed: 0, successful: 0, percent: 0 });
  });

  describe('pods found when the operator starts', () => {
    const at = (ms: number) => new Date(ms).toISOString();

    it('count only what happened inside the window, by the times in their status', () => {
      const rate = rateAfter([
        ['ADDED', pod('old', 'Running', { state: { running: { startedAt: at(T0 - 2 * 24 * HOUR) } } })],
        ['ADDED', pod('new', 'Running', { state: { running: { startedAt: at(T0 - 5 * MINUTE) } } })],
        ['ADDED', pod('failed-recently', 'Failed', { restartPolicy: 'Never', state: { terminated: { exitCode: 2, finishedAt: at(T0 - 10 * MINUTE) } } })],
        ['ADDED', pod('failed-long-ago', 'Failed', { restartPolicy: 'Never', state: { terminated: { exitCode: 2, finishedAt: at(T0 - 3 * HOUR) } } })],
      ]);
      expect({ failed: rate.failed, successful: rate.successful }).toEqual({ failed: 1, successful: 1 });
    });

    it('take the restarts they already have as a baseline', () => {
      const ledger = new AllocationLedger();
      ledger.applyPod('ADDED', pod('p', 'Running', { restarts: 40, startTime: at(T0 - 3 * HOUR) }), T0);
      expect(ledger.figures(T0).failureRate.failed).toBe(0);
      ledger.applyPod('MODIFIED', pod('p', 'Running', { restarts: 41, startTime: at(T0 - 3 * HOUR) }), T0);
      expect(ledger.figures(T0).failureRate.failed).toBe(1);
    });

    it('do not count again for their start once already counted', () => {
      const ledger = new AllocationLedger();
      ledger.applyPod('ADDED', pod('p', 'Running', { startTime: at(T0 - 3 * HOUR) }), T0);
      ledger.applyPod('MODIFIED', pod('p', 'Succeeded', { startTime: at(T0 - 3 * HOUR) }), T0);
      expect(ledger.figures(T0).failureRate.successful).toBe(0);
    });
  });

  it('starts a new, empty window when the window length changes', () => {
    const ledger = new AllocationLedger({ failureWindowSeconds: 600 });
    ledger.applyPod('ADDED', pod('p', 'Running'), T0);
    ledger.setFailureWindowSeconds(60);
    expect(ledger.figures(T0).failureRate).toMatchObject({ windowSeconds: 60, successful: 0 });
  });
});
