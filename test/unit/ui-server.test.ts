import type { Server } from 'node:http';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedReviewer, requireToken, type AccessDecision } from '../../src/ui/ui-auth.ts';
import { SseHub, type Topic } from '../../src/ui/sse-hub.ts';
import { uiAuthMode } from '../../src/operator/ui-auth-mode.ts';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

async function serve(app: express.Express): Promise<string> {
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

describe('UI access', () => {
  it('is open without a token only on loopback, unless set', () => {
    expect(uiAuthMode({ uiAuth: 'auto', metricsHost: '127.0.0.1' })).toBe('none');
    expect(uiAuthMode({ uiAuth: 'auto', metricsHost: '0.0.0.0' })).toBe('token');
    expect(uiAuthMode({ uiAuth: 'none', metricsHost: '0.0.0.0' })).toBe('none');
    expect(uiAuthMode({ uiAuth: 'off', metricsHost: '127.0.0.1' })).toBe('off');
  });

  it('refuses no token (401), an unknown one (401) and a user without the right (403); lets the right one through', async () => {
    const decisions: Record<string, AccessDecision> = {
      good: { allowed: true, status: 200, user: 'alice', message: 'allowed' },
      weak: { allowed: false, status: 403, user: 'bob', message: 'bob may not get dcosclusters (the UI needs it)' },
    };
    const app = express();
    app.use(requireToken(async (t) => decisions[t] ?? { allowed: false, status: 401, message: 'the token was not accepted' }, () => {}));
    app.get('/data', (_req, res) => res.json({ ok: true }));
    const base = await serve(app);
    const get = (token?: string) => fetch(`${base}/data`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const none = await get();
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(((await (await get("forged")).json()) as { message: string }).message).toMatch(/not accepted/);
    const weak = await get('weak');
    expect(weak.status).toBe(403);
    expect(((await weak.json()) as { message: string }).message).toMatch(/bob may not get dcosclusters/);
    expect((await get('good')).status).toBe(200);
    // The page's own header, which the apiserver's proxy passes on.
    expect((await fetch(`${base}/data`, { headers: { 'x-dcos-ui-token': 'good' } })).status).toBe(200);
    expect((await fetch(`${base}/data`, { headers: { 'x-dcos-ui-token': 'weak' } })).status).toBe(403);
  });

  it('answers 503, not 200, when the apiserver cannot review the token', async () => {
    const app = express();
    app.use(requireToken(async () => { throw new Error('connect ECONNREFUSED'); }, () => {}));
    app.get('/data', (_req, res) => res.json({ ok: true }));
    const base = await serve(app);
    expect((await fetch(`${base}/data`, { headers: { authorization: 'Bearer x' } })).status).toBe(503);
  });

  it('reviews a token once per cache period, keeping refusals shorter than approvals', async () => {
    let now = 0;
    let calls = 0;
    const review = cachedReviewer(async (t) => (calls++, { allowed: t === 'good', status: t === 'good' ? 200 : 401, message: '' }), { allowedTtlMs: 60_000, refusedTtlMs: 5_000, now: () => now });
    await review('good');
    await review('good');
    await review('bad');
    expect(calls).toBe(2);
    now = 10_000;
    await review('good');
    await review('bad');
    expect(calls).toBe(3);
  });
});

describe('live updates', () => {
  function counterTopic(): Topic & { value: number } {
    let sent = -1;
    const t = {
      value: 0,
      snapshot: () => ((sent = t.value), { value: t.value }),
      update: () => (t.value === sent ? undefined : ((sent = t.value), { value: t.value })),
      dependsOn: (c: string) => c === 'count',
    };
    return t;
  }

  async function readFrames(res: Response, until: (frames: string[]) => boolean): Promise<string[]> {
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
      const frames = text.split('\n\n').filter((f) => f.startsWith('event:'));
      if (until(frames)) {
        await reader.cancel();
        return frames;
      }
    }
    return text.split('\n\n').filter((f) => f.startsWith('event:'));
  }

  it('sends the view, then coalesces a burst of changes into one message, and none for a change of another kind', async () => {
    const hub = new SseHub({ minIntervalMs: 200 });
    const topic = counterTopic();
    const app = express();
    app.get('/stream', (_req, res) => hub.subscribe('t', res, () => topic));
    const base = await serve(app);
    const res = await fetch(`${base}/stream`);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reading = readFrames(res, (f) => f.length >= 2);
    await new Promise((r) => setTimeout(r, 50));
    for (let i = 0; i < 100; i++) {
      topic.value++;
      hub.changed('count');
      hub.changed('other');
    }
    const frames = await reading;
    expect(frames[0]).toBe('event: full\ndata: {"value":0}');
    expect(frames[1]).toBe('event: delta\ndata: {"value":100}');
    hub.close();
  });

  it('ends every stream on close, so the server can close', async () => {
    const hub = new SseHub();
    const app = express();
    app.get('/stream', (_req, res) => hub.subscribe('t', res, counterTopic));
    const base = await serve(app);
    const res = await fetch(`${base}/stream`);
    const reading = readFrames(res, () => false);
    await new Promise((r) => setTimeout(r, 50));
    expect(hub.viewers).toBe(1);
    hub.close();
    expect(await reading).toHaveLength(1);
    await new Promise((r) => server!.close(r));
    server = undefined;
  });
});
