// A loopback TCP proxy whose link can be cut: `hold` freezes every connection (nothing read, nothing
// forwarded, new connections accepted but not passed on, like a partition TCP later recovers from),
// `drop` closes every connection and refuses new ones at once. The bytes (TLS) pass through untouched.
import { connect, createServer, type Server, type Socket } from 'node:net';

export type CutMode = 'hold' | 'drop';

export interface TcpProxy {
  port: number;
  cut(mode: CutMode): void;
  restore(): void;
  close(): Promise<void>;
  readonly stats: { connections: number; held: number; dropped: number };
}

export function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<{ client: Socket; upstream?: Socket }>();
  const pending: Array<() => void> = [];
  let mode: CutMode | undefined;
  const stats = { connections: 0, held: 0, dropped: 0 };

  const link = (pair: { client: Socket; upstream?: Socket }) => {
    const upstream = connect(target.port, target.host);
    pair.upstream = upstream;
    pair.client.pipe(upstream);
    upstream.pipe(pair.client);
    upstream.on('error', () => pair.client.destroy());
    upstream.on('close', () => pair.client.destroy());
  };

  const server: Server = createServer((client) => {
    stats.connections++;
    if (mode === 'drop') {
      stats.dropped++;
      client.destroy();
      return;
    }
    const pair: { client: Socket; upstream?: Socket } = { client };
    pairs.add(pair);
    client.on('error', () => pair.upstream?.destroy());
    client.on('close', () => {
      pair.upstream?.destroy();
      pairs.delete(pair);
    });
    if (mode === 'hold') {
      stats.held++;
      client.pause();
      pending.push(() => {
        client.resume();
        link(pair);
      });
    } else link(pair);
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (!address || typeof address === 'string') return reject(new Error('proxy has no port'));
      resolve({
        port: address.port,
        stats,
        cut(m) {
          mode = m;
          for (const pair of pairs) {
            if (m === 'drop') {
              stats.dropped++;
              pair.client.destroy();
              pair.upstream?.destroy();
            } else {
              stats.held++;
              // Neither side is read: what is sent waits in the kernel's buffers, as on a dead link.
              // Unpiped too, or a 'drain' of the other side would resume the flow.
              if (pair.upstream) {
                pair.client.unpipe(pair.upstream);
                pair.upstream.unpipe(pair.client);
                pair.upstream.pause();
              }
              pair.client.pause();
            }
          }
        },
        restore() {
          mode = undefined;
          for (const pair of pairs) {
            if (!pair.upstream) continue;
            pair.client.pipe(pair.upstream);
            pair.upstream.pipe(pair.client);
          }
          for (const go of pending.splice(0)) go();
        },
        close() {
          for (const pair of pairs) {
            pair.client.destroy();
            pair.upstream?.destroy();
          }
          return new Promise((r) => server.close(() => r()));
        },
      });
    });
  });
}
