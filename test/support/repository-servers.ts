import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { create } from 'tar';
import { buildRepositoryIndex } from '../../src/universe/universe-index.ts';
import { readUniverseTree } from '../../src/universe/universe-tree.ts';

/*
 * Package repositories served on loopback, as a Universe server or GitHub would publish them: the
 * integration tests, the hostile-server tests and the chaos scenarios share these.
 */

/** The packages the project ships (the `default` repository's directory). */
export const shippedPackagesDir = fileURLToPath(new URL('../../packages', import.meta.url));

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

/** The repo.json a Universe server publishes for a source tree (`<Letter>/<name>/<releaseVersion>/`). */
export async function universeIndexJson(treeDir: string): Promise<string> {
  const tree = await readUniverseTree(treeDir);
  if (!tree.ok) throw new Error(`${treeDir}: ${tree.error.message}`);
  return JSON.stringify(buildRepositoryIndex(tree.value.packages));
}

/** A .tar.gz of a Universe checkout laid out as GitHub's archive of a branch: `<top>/repo/packages/...`. */
export async function universeArchive(checkoutDir: string, top = 'universe-version-3.x'): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const stream = create({ gzip: true, cwd: checkoutDir, prefix: top, portable: true }, ['repo']);
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}
