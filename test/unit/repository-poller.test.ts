import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { pollRepositories } from '../../src/controllers/dcos-package-repository-poller.ts';
import type { KubeClient } from '../../src/kube/kube-client.ts';

/** A client whose list fails `failing` times (as an apiserver still starting answers 429), then lists no repositories. */
function startingApiserver(failing: number) {
  const calls: number[] = [];
  const client = {
    list: async () => {
      calls.push(Date.now());
      if (calls.length <= failing) throw new Error('GET /apis/dcos.dev/v1alpha1/dcospackagerepositories: 429 storage is (re)initializing');
      return { metadata: {}, items: [] };
    },
  } as unknown as KubeClient;
  return { client, calls };
}

describe('the webhook replica’s repository poller', () => {
  it('retries a failed list soon, backing off, instead of waiting a whole interval', async () => {
    const { client, calls } = startingApiserver(3);
    // The delays it chose, from its log: wall-clock gaps move with the machine's load.
    const retries: number[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void retries.push((JSON.parse(line) as { retryMs: number }).retryMs) });
    const poller = pollRepositories(client, log, { intervalMs: 60_000, retryBaseMs: 10 });
    try {
      await expect.poll(() => calls.length, { timeout: 2_000 }).toBe(4);
      // Then it is back to its interval: no fifth list.
      await new Promise((r) => setTimeout(r, 200));
      expect(calls.length).toBe(4);
      // Jittered within [ceiling / 2, ceiling], the ceiling doubling from 10 ms.
      expect(retries).toHaveLength(3);
      expect(retries.map((ms, i) => ms >= 5 * 2 ** i && ms <= 10 * 2 ** i)).toEqual([true, true, true]);
    } finally {
      poller.stop();
    }
  });

  it('lists nothing more once stopped', async () => {
    const { client, calls } = startingApiserver(100);
    const poller = pollRepositories(client, pino({ level: 'silent' }), { intervalMs: 60_000, retryBaseMs: 10 });
    await expect.poll(() => calls.length, { timeout: 2_000 }).toBeGreaterThanOrEqual(2);
    poller.stop();
    const seen = calls.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(calls.length).toBe(seen);
  });
});
