import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { Header } from 'tar';

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
