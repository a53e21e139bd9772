import { describe, expect, it } from 'vitest';
import { WorkQueue } from '../../src/controllers/runtime/work-queue.ts';
import { jitteredBackoffMs } from '../../src/controllers/runtime/backoff.ts';

describe('WorkQueue', () => {
  it('coalesces repeated adds of a waiting key into one reconcile', async () => {
    const q = new WorkQueue();
    q.add('ns/a');
    q.add('ns/a');
    q.add('ns/b');
    q.add('ns/a');
    expect(q.length).toBe(2);
    expect(await q.get()).toBe('ns/a');
    expect(await q.get()).toBe('ns/b');
  });

  it('never hands out a key that is being processed; a change meanwhile runs it again after', async () => {
    const q = new WorkQueue();
    q.add('k');
    const first = await q.get();
    q.add('k');
    expect(q.length).toBe(0);
    q.done(first!);
    expect(q.length).toBe(1);
    expect(await q.get()).toBe('k');
  });

  it('wakes a waiting worker when a key arrives', async () => {
    const q = new WorkQueue();
    const pending = q.get();
    q.add('late');
    expect(await pending).toBe('late');
  });

  it('backs off a failing key exponentially and starts over after success', () => {
    const q = new WorkQueue({ backoffBaseMs: 10, backoffMaxMs: 10_000, retryBurst: 1000 });
    for (let i = 0; i < 5; i++) q.addRateLimited('bad');
    expect(q.retries('bad')).toBe(5);
    q.forget('bad');
    expect(q.retries('bad')).toBe(0);
    q.shutDown();
  });

  it('keeps the earlier time when a waiting key is added again later, so bursts cannot starve it', async () => {
    const q = new WorkQueue();
    q.addAfter('k', 30);
    q.addAfter('k', 60_000);
    q.addAfter('j', 60_000);
    q.addAfter('j', 10);
    const first = await q.get();
    q.done(first!);
    const second = await q.get();
    expect([first, second]).toEqual(['j', 'k']);
    q.shutDown();
  });

  it('hands out every normal-priority key before any low-priority one, first in first out within each', async () => {
    const q = new WorkQueue();
    q.add('status-1', 'low');
    q.add('apply-1');
    q.add('status-2', 'low');
    q.add('apply-2');
    expect(q.hasWaiting('normal')).toBe(true);
    const order = [];
    for (let i = 0; i < 4; i++) {
      const key = (await q.get())!;
      order.push(key);
      q.done(key);
    }
    expect(order).toEqual(['apply-1', 'apply-2', 'status-1', 'status-2']);
    expect(q.hasWaiting('normal') || q.hasWaiting('low')).toBe(false);
  });

  it('holds low-priority work back while normal work is in progress, then gives it to an idle worker', async () => {
    const q = new WorkQueue();
    q.add('apply-1');
    q.add('apply-2');
    expect(await q.get()).toBe('apply-1');
    expect(q.hasNormalWorkBesides('apply-1')).toBe(true);
    expect(await q.get()).toBe('apply-2');
    q.done('apply-2');
    expect(q.hasNormalWorkBesides('apply-1')).toBe(false);
    q.add('status', 'low');
    let handed: string | undefined;
    const idle = q.get().then((k) => (handed = k));
    await new Promise((r) => setTimeout(r, 10));
    expect(handed).toBeUndefined();
    expect(q.hasNormalWork).toBe(true);
    q.done('apply-1');
    await idle;
    expect(handed).toBe('status');
    expect(q.hasNormalWork).toBe(false);
  });

  it('raises a waiting low-priority key when it is added at normal priority, and hands it out once', async () => {
    const q = new WorkQueue();
    q.add('a', 'low');
    q.add('b', 'low');
    q.add('b');
    q.add('b', 'low');
    expect(q.length).toBe(2);
    expect(await q.get()).toBe('b');
    q.done('b');
    expect(await q.get()).toBe('a');
    expect(q.length).toBe(0);
    q.add('c', 'low');
    expect(await q.get()).toBe('c');
  });

  it('runs a key again at the higher of the priorities it was asked for while it was processing', async () => {
    const q = new WorkQueue();
    q.add('k');
    const key = await q.get();
    q.add('k', 'low');
    q.add('k');
    q.add('other', 'low');
    q.done(key!);
    expect(q.hasWaiting('normal')).toBe(true);
    expect(await q.get()).toBe('k');
  });

  it('keeps the higher priority when a delayed key is added again', async () => {
    const q = new WorkQueue();
    q.addAfter('k', 20, 'low');
    q.addAfter('k', 60_000);
    q.add('x', 'low');
    expect(await q.get()).toBe('x');
    const next = q.get();
    q.add('y', 'low');
    expect(await next).toBe('y');
    q.done('x');
    q.done('y');
    q.add('z', 'low');
    await new Promise((r) => setTimeout(r, 40));
    expect(q.hasWaiting('normal')).toBe(true);
    expect(await q.get()).toBe('k');
    q.shutDown();
  });

  it('gives low-priority keys that waited too long one in every few turns, so status is never starved and a bulk of applies is barely slowed', async () => {
    const q = new WorkQueue({ lowPriorityMaxWaitMs: 20, overdueLowShare: 3 });
    q.add('status-1', 'low');
    q.add('status-2', 'low');
    q.add('apply-1');
    expect(await q.get()).toBe('apply-1');
    await new Promise((r) => setTimeout(r, 30));
    for (let i = 2; i <= 6; i++) q.add(`apply-${i}`);
    const order: string[] = [];
    for (let i = 0; i < 7; i++) order.push((await q.get())!);
    expect(order).toEqual(['apply-2', 'status-1', 'apply-3', 'apply-4', 'status-2', 'apply-5', 'apply-6']);
  });

  it('hands out an overdue low-priority key at once when no normal work waits, even while some is in progress', async () => {
    const q = new WorkQueue({ lowPriorityMaxWaitMs: 20 });
    q.add('apply');
    expect(await q.get()).toBe('apply');
    q.add('status', 'low');
    await new Promise((r) => setTimeout(r, 30));
    expect(await q.get()).toBe('status');
  });

  it('returns undefined to workers after shut down', async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    q.shutDown();
    expect(await waiting).toBeUndefined();
    q.add('ignored');
    expect(q.length).toBe(0);
  });
});

describe('jittered backoff', () => {
  it.each([
    [0, 5, 2.5, 5],
    [3, 5, 20, 40],
    [20, 5, 500_000, 1_000_000],
  ])('failure %i with base %i ms waits between %i and %i ms', (failures, base, lo, hi) => {
    for (const r of [0, 0.5, 0.999]) {
      const ms = jitteredBackoffMs(failures, base, 1_000_000, () => r);
      expect(ms).toBeGreaterThanOrEqual(lo);
      expect(ms).toBeLessThanOrEqual(hi);
    }
  });
});
