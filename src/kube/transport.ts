/**
 * How the KubeClient's requests reach the apiserver: node:https (node:http for a plain-http server,
 * such as the tests' loopback apiservers) over one keep-alive Agent per connection. Not undici: its
 * HTTP parser is llhttp compiled to WebAssembly, and compiling it on the first request cost the
 * operator ~8 MiB of anonymous memory, ~7.5 MiB more resident pages of the node binary (the wasm
 * compiler) and ~2 MiB of heap for undici's sources; node:http parses with the llhttp built into node.
 */
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { createSecureContext } from 'node:tls';
import type { KubeConnection } from './kube-connection.ts';
import { http } from './node-http.ts';

export interface TransportRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** The status, once the headers came, and the body still to read (readText, or as a stream). */
export interface TransportResponse {
  status: number;
  body: Readable;
}

export interface Transport {
  send(url: URL, req: TransportRequest): Promise<TransportResponse>;
}

/**
 * An idle connection is closed after this long: requests in a burst reuse it (no new TLS
 * handshake), and it is gone before a load balancer's idle cut (AWS ELB: 60 s) could close it
 * under a request about to be sent on it. The agent's timeout closes only idle sockets: a request
 * in flight (a watch stays silent for minutes) is cut by its caller's signal, never by this.
 */
const IDLE_SOCKET_MS = 30_000;
/**
 * Idle connections kept beyond a burst. No limit on connections in use (undici's pool had none
 * either): a watch holds its connection for minutes, and a limit would queue requests behind the
 * watches; the controllers' workers bound how many requests run at once.
 */
const MAX_IDLE_SOCKETS = 32;

/** The connection's keep-alive pool and TLS identity (CA, client certificate, server name). */
export function httpTransport(conn: KubeConnection): Transport {
  const https = new URL(conn.server).protocol === 'https:';
  const options = { keepAlive: true, timeout: IDLE_SOCKET_MS, maxFreeSockets: MAX_IDLE_SOCKETS };
  // One secure context, built once, rather than the PEMs themselves: the agent names its pools by
  // every TLS option, so PEMs would make a 4 KB name to build and hash on each request, and a new
  // context (the CA parsed again) for each connection.
  const agent = https
    ? new HttpsAgent({ ...options, secureContext: createSecureContext({ ca: conn.ca, cert: conn.cert, key: conn.key }), rejectUnauthorized: !conn.insecureSkipTlsVerify, ...(conn.tlsServerName ? { servername: conn.tlsServerName } : {}) })
    : new http.Agent(options);
  const send = https ? httpsRequest : http.request;
  return {
    send: (url, { method, headers, body, signal }) =>
      new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const payload = body === undefined ? undefined : Buffer.from(body);
        // Options and headers as node:http takes them without converting them again on each request
        // (a URL, a headers object: measured ~6 µs more CPU a request, a bulk apply sends thousands).
        const list = ['host', url.host];
        for (const name in headers) list.push(name, headers[name]!);
        if (payload !== undefined) list.push('content-length', String(payload.length));
        // An IPv6 address is bracketed in a URL, not in a socket address.
        const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
        const req = send({ hostname, port: url.port, path: url.pathname + url.search, method, agent, headers: list });
        let res: TransportResponse['body'] | undefined;
        // The body first, so that a reader sees the abort's reason (an AbortError) as fetch would show it.
        const abort = () => {
          res?.destroy(signal!.reason);
          req.destroy(signal!.reason);
        };
        signal?.addEventListener('abort', abort, { once: true });
        const done = () => signal?.removeEventListener('abort', abort);
        req.once('error', (err) => {
          done();
          reject(err);
        });
        req.once('response', (message) => {
          res = message;
          if (signal) message.once('close', done);
          resolve({ status: message.statusCode ?? 0, body: message });
        });
        req.end(payload);
      }),
  };
}

const ignore = () => undefined;

/**
 * Reads a body to its end, `onChunk` getting each piece (none: the pieces are dropped unread). Every
 * listener goes once it settles: node:https keeps the first request of each keep-alive socket
 * reachable for the socket's life (the agent's TLS session listener), and through listeners left on
 * its response that request kept its whole body, chunks and text: a 1.9 MB page of the first pod
 * list, a 1 MB page of nodes, for as long as the socket lived.
 */
function readToEnd(body: Readable, onChunk?: (chunk: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (err: Error | undefined) => {
      // An error after the end (a reset socket) is no news: the body is whole or already refused.
      body.off('end', onEnd).off('error', settle).off('close', onClose).on('error', ignore);
      if (onChunk) body.off('data', onChunk);
      if (err) reject(err);
      else resolve();
    };
    const onEnd = () => settle(undefined);
    // 'close' before 'end': the body was cut short.
    const onClose = () => settle(new Error('the connection closed before the response ended'));
    body.once('end', onEnd).once('error', settle).once('close', onClose);
    if (onChunk) body.on('data', onChunk);
    else body.resume();
  });
}

/** The whole body as text: its Buffers collected and decoded once (a character may span two chunks). */
export async function readText(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  await readToEnd(body, (chunk) => chunks.push(chunk));
  return chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
}

/** Reads a body to its end and keeps nothing of it (the connection goes back to the pool for the next request). */
export const drain = (body: Readable): Promise<void> => readToEnd(body);
