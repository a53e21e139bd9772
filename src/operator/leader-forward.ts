/**
 * Only the leader keeps the caches the web UI and /api/v1 read. Behind a Service (port-forward, the
 * apiserver's service proxy) a request may land on the standby replica: the standby passes it on to
 * the leader, whose address the leader writes on the Lease, instead of answering "standing by".
 * The leader checks the caller's token itself (the Authorization header goes along).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { http } from '../kube/node-http.ts';

/** The Lease annotation holding the leader's HTTP (metrics, UI) address. */
export const LEADER_HTTP_ANNOTATION = 'dcos.dev/leader-http';

/** Marks a passed-on request: a replica that is not serving passes nothing on twice. */
const FORWARDED_HEADER = 'x-dcos-forwarded-by';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'host']);

/**
 * Where the other replicas reach this one: the pod's IP in a cluster (POD_IP, the downward API),
 * else the host it listens on (loopback when it listens on every address).
 */
export function advertisedHttpAddress(listenHost: string, port: number, podIp: string | undefined): string {
  const host = podIp || (listenHost === '0.0.0.0' || listenHost === '::' || listenHost === '' ? '127.0.0.1' : listenHost);
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function passOnHeaders(headers: IncomingHttpHeaders, identity: string): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name)) out[name] = value;
  out[FORWARDED_HEADER] = identity;
  return out;
}

export interface LeaderForwardOptions {
  /** This replica answers itself (it leads). */
  serving: () => boolean;
  /** The leader's address, when known. */
  leaderAddress: () => string | undefined;
  identity: string;
  log: Logger;
}

export function forwardToLeader(opts: LeaderForwardOptions): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const leader = opts.leaderAddress();
    if (opts.serving() || req.headers[FORWARDED_HEADER] !== undefined || !leader) return next();
    const upstream = http.request(new URL(req.originalUrl, leader), { method: req.method, headers: passOnHeaders(req.headers, opts.identity) }, (answer) => {
      const headers = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !HOP_BY_HOP.has(name)));
      res.writeHead(answer.statusCode ?? 502, headers);
      // Server-sent events: each chunk goes on as it comes.
      res.flushHeaders();
      answer.pipe(res);
    });
    upstream.on('error', (err) => {
      opts.log.warn({ err: err.message, leader }, 'could not pass a request on to the leader');
      if (!res.headersSent) res.status(502).json({ message: `this replica is standing by and could not reach the leader at ${leader}: ${err.message}` });
      else res.destroy();
    });
    // A closed page stops its stream on the leader too.
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  };
}
