import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { EventRecorder } from '../../src/controllers/runtime/event-recorder.ts';
import type { KubeClient, KubeObjectLike } from '../../src/kube/kube-client.ts';

/** A client whose creates wait until released, so the test sees how many are in flight. */
function slowClient() {
  const written: string[] = [];
  const waiting: Array<() => void> = [];
  let inFlight = 0;
  let most = 0;
  const client = {
    create: async (event: KubeObjectLike & { note?: string }) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise<void>((r) => waiting.push(r));
      inFlight--;
      written.push(event.note!);
      return event;
    },
  } as unknown as KubeClient;
  const releaseAll = async () => {
    while (waiting.length > 0 || inFlight > 0) {
      waiting.splice(0).forEach((r) => r());
      await new Promise((r) => setTimeout(r, 1));
    }
  };
  return { client, written, releaseAll, most: () => most };
}

const regarding = (i: number) => ({ apiVersion: 'dcos.dev/v1alpha1', kind: 'DcosService', metadata: { name: `s${i}`, namespace: 'ns', uid: `u${i}` } }) as KubeObjectLike;

describe('EventRecorder', () => {
  it('writes a burst of events a few at a time, all of them, in order', async () => {
    const c = slowClient();
    const recorder = new EventRecorder(c.client, pino({ level: 'silent' }), { maxInFlight: 2 });
    const sent = Array.from({ length: 10 }, (_, i) => recorder.emit(regarding(i), 'Normal', 'Created', `note ${i}`));
    await c.releaseAll();
    await Promise.all(sent);
    expect(c.most()).toBe(2);
    expect(c.written).toEqual(Array.from({ length: 10 }, (_, i) => `note ${i}`));
  });

  it('drops the oldest waiting events past its limit instead of growing without bound', async () => {
    const c = slowClient();
    const recorder = new EventRecorder(c.client, pino({ level: 'silent' }), { maxInFlight: 1, maxPending: 2 });
    const sent = Array.from({ length: 6 }, (_, i) => recorder.emit(regarding(i), 'Normal', 'Created', `note ${i}`));
    await c.releaseAll();
    await Promise.all(sent);
    // The first went out at once; of the five that waited, the two newest were kept.
    expect(c.written).toEqual(['note 0', 'note 4', 'note 5']);
  });

  it('sends the same news about the same object once within its window', async () => {
    const c = slowClient();
    const recorder = new EventRecorder(c.client, pino({ level: 'silent' }));
    const sent = [recorder.emit(regarding(1), 'Normal', 'Scaled', 'to 3'), recorder.emit(regarding(1), 'Normal', 'Scaled', 'to 3'), recorder.emit(regarding(1), 'Normal', 'Scaled', 'to 4')];
    await c.releaseAll();
    await Promise.all(sent);
    expect(c.written).toEqual(['to 3', 'to 4']);
  });

  it('holds events while told to, and sends them all once the hold lifts', async () => {
    const c = slowClient();
    let busy = true;
    const recorder = new EventRecorder(c.client, pino({ level: 'silent' }), { holdWhile: () => busy });
    const sent = Array.from({ length: 3 }, (_, i) => recorder.emit(regarding(i), 'Normal', 'Created', `note ${i}`));
    await new Promise((r) => setTimeout(r, 250));
    expect(c.most()).toBe(0);
    busy = false;
    await new Promise((r) => setTimeout(r, 150));
    await c.releaseAll();
    await Promise.all(sent);
    expect(c.written).toEqual(['note 0', 'note 1', 'note 2']);
  });

  it('sends a held event anyway once it has waited its longest', async () => {
    const c = slowClient();
    const recorder = new EventRecorder(c.client, pino({ level: 'silent' }), { holdWhile: () => true, maxHoldMs: 200 });
    const sent = recorder.emit(regarding(1), 'Warning', 'InvalidSpec', 'cpus: must be > 0');
    await new Promise((r) => setTimeout(r, 100));
    expect(c.most()).toBe(0);
    await new Promise((r) => setTimeout(r, 250));
    await c.releaseAll();
    await sent;
    expect(c.written).toEqual(['cpus: must be > 0']);
  });
});
