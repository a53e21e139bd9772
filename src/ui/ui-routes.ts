/**
 * The UI's HTTP routes on the operator's metrics port: the page and its modules (static, no build
 * step), uPlot from node_modules, and the data as JSON and server-sent events under api/. Every URL
 * the page uses is relative, so it works the same at /ui/, behind `kubectl port-forward` and under
 * the apiserver's proxy path.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express, type Request, type Response, type Router } from 'express';
import type { SseHub, Topic } from './sse-hub.ts';

const STATIC_DIR = fileURLToPath(new URL('./static/', import.meta.url));
const UPLOT_DIR = dirname(createRequire(import.meta.url).resolve('uplot'));

/** What the routes serve: built per request from the caches, or undefined on a replica standing by. */
export interface UiViews {
  topic(name: string): Topic | undefined;
  /** Why there is no data here, when there is none (a standby replica). */
  unavailable(): string | undefined;
}

const TOPIC = /^(dashboard|services|nodes|service\/[a-z0-9.-]{1,253}\/[a-z0-9.-]{1,253})$/;

const SECURITY_HEADERS = {
  // Everything the page loads is its own; uPlot sizes its canvas with inline styles.
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export function mountUiRoutes(app: Express, views: UiViews, hub: SseHub, guard: express.RequestHandler | undefined): void {
  app.get('/', (_req, res) => res.redirect(302, 'ui/'));
  // Express matches /ui/ here too: only the bare /ui needs its slash (relative URLs resolve from it).
  app.get('/ui', (req, res, next) => (req.originalUrl.split('?')[0]!.endsWith('/') ? next() : res.redirect(302, 'ui/')));
  const ui: Router = express.Router();
  ui.use((_req, res, next) => {
    res.set(SECURITY_HEADERS);
    next();
  });
  ui.use('/vendor/uplot', express.static(UPLOT_DIR, { index: false, maxAge: '1h' }));
  ui.use('/api', ...(guard ? [guard] : []), apiRouter(views, hub));
  // The page and its modules change with the operator's version: always revalidated.
  ui.use(express.static(STATIC_DIR, { index: 'index.html', maxAge: 0 }));
  app.use('/ui', ui);
}

function apiRouter(views: UiViews, hub: SseHub): Router {
  const api = express.Router();
  api.use((_req, res, next) => {
    res.set('cache-control', 'no-store');
    const why = views.unavailable();
    if (why) res.status(503).json({ standby: true, message: why });
    else next();
  });
  const topicOf = (req: Request, res: Response): { name: string; topic: Topic } | undefined => {
    const name = String(req.query.topic ?? '');
    const topic = TOPIC.test(name) ? views.topic(name) : undefined;
    if (!topic) res.status(400).json({ message: `topic: expected dashboard, services, nodes or service/<namespace>/<name>, got "${name}"` });
    return topic ? { name, topic } : undefined;
  };
  // The whole view once, as JSON: for scripts and curl.
  api.get('/view', (req, res) => {
    const t = topicOf(req, res);
    if (t) res.json(t.topic.snapshot());
  });
  // The view, then its changes as they happen.
  api.get('/stream', (req, res) => {
    const t = topicOf(req, res);
    if (t) hub.subscribe(t.name, res, () => t.topic);
  });
  return api;
}
