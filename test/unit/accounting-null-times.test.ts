import { describe, expect, it } from 'vitest';
import { podTransitionTimes } from '../../src/accounting/pod-record.ts';
import type { PodLike } from '../../src/accounting/index.ts';

describe('pod times the API wrote as null', () => {
  it('are read as unknown, not thrown on: a failed pod whose condition has no transition time', () => {
    // What the apiserver returns for a condition set without lastTransitionTime (a zero time).
    const pod = {
      metadata: { name: 'p', namespace: 'ns', uid: 'u' },
      spec: { nodeName: 'n1', containers: [] },
      status: { phase: 'Failed', startTime: '2026-01-01T00:00:00Z', conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: null }] },
    } as unknown as PodLike;
    const times = podTransitionTimes(pod);
    expect(times.startedAtMs).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(Number.isNaN(times.endedAtMs)).toBe(true);
  });
});
