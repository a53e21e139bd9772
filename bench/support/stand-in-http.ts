/**
 * The REST face of the stand-in store (stand-in-store.ts): kube-apiserver's paths, verbs, list and
 * watch encodings and Status errors, for the requests the operator makes; every request is counted
 * by verb and resource (the apiserver_request_total the real benches read).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StandInError, type Obj, type StandInStore } from './stand-in-store.ts';

export interface Route {
  apiVersion: string;
  namespace?: string;
  plural: string;
  name?: string;
  subresource?: string;
}

/** /api/v1/[namespaces/ns/]plural[/name[/sub]] and /apis/group/version/...; undefined for other paths. */
export function parseKubePath(path: string): Route | undefined {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  let rest: string[];
  let apiVersion: string;
  if (parts[0] === 'api' && parts.length >= 3) {
    apiVersion = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    apiVersion = `${parts[1]}/${parts[2]}`;
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  return { apiVersion, namespace, plural: rest[0]!, name: rest[1], subresource: rest[2] };
}

/** The verb as apiserver_request_total names it. */
export function verbOf(method: string, route: Route, query: URLSearchParams, contentType: string): string {
  if (method === 'GET') return query.get('watch') === 'true' || query.get('watch') === '1' ? 'WATCH' : route.name ? 'GET' : 'LIST';
  if (method === 'PATCH') return contentType.startsWith('application/apply-patch') ? 'APPLY' : 'PATCH';
  return method;
}

function status(res: ServerResponse, err: StandInError): void {
  res.writeHead(err.code, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: err.message, reason: err.reason, code: err.code }));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function listBody(kind: string, apiVersion: string, page: ReturnType<StandInStore['list']>): string {
  const metadata = { resourceVersion: page.resourceVersion, ...(page.continue ? { continue: page.continue, remainingItemCount: page.remainingItemCount } : {}) };
  // Serialized item by item: one string per page, never a second copy of the objects.
  let body = `{"kind":"${kind}List","apiVersion":"${apiVersion}","metadata":${JSON.stringify(metadata)},"items":[`;
  for (let i = 0; i < page.items.length; i++) body += (i ? ',' : '') + JSON.stringify(page.items[i]);
  return body + ']}';
}

export interface KubeHandlerOptions {
  /** Bearer token every request must carry; undefined: none asked. */
  token?: string;
  counters: Map<string, number>;
}

/** Serves one kube API request from the store. */
export async function handleKube(store: StandInStore, req: IncomingMessage, res: ServerResponse, opts: KubeHandlerOptions): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://stand-in');
  if (opts.token && req.headers.authorization !== `Bearer ${opts.token}`) return status(res, new StandInError(401, 'Unauthorized', 'Unauthorized'));
  const route = parseKubePath(url.pathname);
  if (!route) return status(res, new StandInError(404, 'NotFound', `the server could not find the requested resource (${url.pathname})`));
  const q = url.searchParams;
  const contentType = String(req.headers['content-type'] ?? '');
  const verb = verbOf(req.method ?? 'GET', route, q, contentType);
  const counter = `${verb} ${route.plural}${route.subresource ? '/' + route.subresource : ''}`;
  opts.counters.set(counter, (opts.counters.get(counter) ?? 0) + 1);
  const sel = { namespace: route.namespace, labelSelector: q.get('labelSelector') ?? undefined, fieldSelector: q.get('fieldSelector') ?? undefined };
  try {
    const def = store.def(route.apiVersion, route.plural);
    const send = (code: number, obj: Obj) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(obj));
    };
    switch (verb) {
      case 'WATCH':
        return watch(store, route, sel, q, res);
      case 'LIST': {
        const page = store.list(route.apiVersion, route.plural, sel, Number(q.get('limit') ?? 0), q.get('continue') ?? undefined);
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(listBody(def.kind, def.apiVersion, page));
      }
      case 'GET':
        return send(200, store.get(route.apiVersion, route.plural, route.namespace, route.name!));
    }
    const text = await readBody(req);
    const body = (text ? JSON.parse(text) : {}) as Obj;
    switch (verb) {
      case 'POST':
        return send(201, store.create(route.apiVersion, route.plural, route.namespace, body));
      case 'APPLY':
        return send(200, store.apply(route.apiVersion, route.plural, route.namespace, route.name!, body, route.subresource));
      case 'PATCH':
        if (!contentType.startsWith('application/merge-patch+json')) throw new StandInError(415, 'UnsupportedMediaType', `the stand-in serves merge and apply patches, not ${contentType}`);
        return send(200, store.patch(route.apiVersion, route.plural, route.namespace, route.name!, body, route.subresource));
      case 'PUT':
        return send(200, store.replace(route.apiVersion, route.plural, route.namespace, route.name!, body));
      case 'DELETE':
        store.delete(route.apiVersion, route.plural, route.namespace, route.name!);
        return send(200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' } as unknown as Obj);
      default:
        throw new StandInError(405, 'MethodNotAllowed', `${req.method} is not served`);
    }
  } catch (err) {
    if (err instanceof StandInError) return status(res, err);
    if (err instanceof SyntaxError) return status(res, new StandInError(400, 'BadRequest', `body is not JSON: ${err.message}`));
    throw err;
  }
}

/** A chunked stream of JSON lines, ended after timeoutSeconds; a resourceVersion too old is an ERROR event with 410. */
function watch(store: StandInStore, route: Route, sel: { namespace?: string; labelSelector?: string; fieldSelector?: string }, q: URLSearchParams, res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
  const from = Number(q.get('resourceVersion') || store.resourceVersion);
  let stop: (() => void) | undefined;
  try {
    stop = store.watch(route.apiVersion, route.plural, sel, from, (line) => void res.write(line));
  } catch (err) {
    if (!(err instanceof StandInError)) throw err;
    res.end(JSON.stringify({ type: 'ERROR', object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: err.message, reason: err.reason, code: err.code } }) + '\n');
    return;
  }
  const timeout = Number(q.get('timeoutSeconds') ?? 1800);
  const timer = setTimeout(() => res.end(), timeout * 1000);
  timer.unref();
  res.on('close', () => {
    clearTimeout(timer);
    stop?.();
  });
}
