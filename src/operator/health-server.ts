import express, { type Express } from 'express';
import type { Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface HealthChecks {
  /** Alive: the event loop answers. */
  live: () => boolean;
  /** Ready: caches synced (on the leader) or webhooks serving (on every replica). */
  ready: () => { ok: boolean; reason?: string };
}

/** /metrics, /healthz and /readyz over plain HTTP; other read-only routes hang off `app`. */
export function createHealthApp(registry: Registry, checks: HealthChecks): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', async (_req, res) => {
    res.set('content-type', registry.contentType);
    res.send(await registry.metrics());
  });
  app.get('/healthz', (_req, res) => {
    if (checks.live()) res.send('ok');
    else res.status(500).send('not live');
  });
  app.get('/readyz', (_req, res) => {
    const r = checks.ready();
    if (r.ok) res.send('ok');
    else res.status(503).send(r.reason ?? 'not ready');
  });
  return app;
}

export function listen(app: Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(server)));
    server.once('error', reject);
  });
}
