import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { create, Header } from 'tar';

/** An HTTP server on loopback for one test; `sent` counts the body bytes it managed to write. */
export interface LoopbackServer {
  url: (path?: string) => string;
  sent: () => number;
  /** The most body bytes written in answer to one request (a reader retries: `sent` adds them up). */
  mostSentToOne: () => number;
  close: () => Promise<void>;
}

export function loopbackServer(handler: (req: IncomingMessage, res: ServerResponse, count: (n: number) => void) => void): Promise<LoopbackServer> {
  let sent = 0;
  let most = 0;
  const server: Server = createServer((req, res) => {
    let mine = 0;
    handler(req, res, (n) => {
      sent += n;
      mine += n;
      most = Math.max(most, mine);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: (path = '/repo') => `http://127.0.0.1:${port}${path}`,
        sent: () => sent,
        mostSentToOne: () => most,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/** Streams `total` bytes of a JSON-looking index, chunk by chunk, never holding it: stops when the client goes. */
export function streamHugeIndex(res: ServerResponse, total: number, count: (n: number) => void, contentLength = false): void {
  res.writeHead(200, { 'content-type': 'application/json', ...(contentLength && { 'content-length': String(total) }) });
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let written = 0;
  const head = Buffer.from('{"packages": [');
  res.write(head);
  written += head.length;
  count(head.length);
  const pump = () => {
    while (written < total) {
      if (res.destroyed) return;
      written += chunk.length;
      count(chunk.length);
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    res.end();
  };
  res.on('close', () => undefined);
  pump();
}

/** A gzipped tar made of raw entries, so a test can write what `tar` itself would refuse to create. */
export function rawTarGz(entries: Array<{ path: string; body?: string | Buffer; type?: 'File' | 'SymbolicLink' | 'Link'; linkpath?: string }>): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.body ?? '');
    const header = new Header({ path: e.path, type: e.type ?? 'File', size: e.type && e.type !== 'File' ? 0 : body.length, mode: 0o644, mtime: new Date(0), ...(e.linkpath && { linkpath: e.linkpath }) });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    blocks.push(block);
    if (!e.type || e.type === 'File') {
      blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

/** A .tar.gz of a Universe checkout laid out as GitHub's archive of a branch: `<top>/repo/packages/...`. */
export async function universeArchive(checkoutDir: string, top = 'universe-version-3.x'): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const stream = create({ gzip: true, cwd: checkoutDir, prefix: top, portable: true }, ['repo']);
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}
