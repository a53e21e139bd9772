import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';

export interface ShutdownReport {
  /** Requests still being answered when the grace period ran out (their connections were cut). */
  unfinishedRequests: number;
  /** Connections cut at the end: idle keep-alive ones, TLS handshakes never finished, and the unfinished above. */
  connectionsCut: number;
  seconds: number;
}

/**
 * Closes an HTTP(S) server promptly. `server.close()` alone waits for every connection to end: an
 * idle keep-alive connection (the apiserver keeps one to each webhook) lasts until the keep-alive
 * timeout, and a TCP connection whose TLS handshake never finishes is no HTTP connection at all, so
 * neither closeIdleConnections nor closeAllConnections knows it — it held a stopping operator for
 * the whole handshake timeout (120 s). So: track every TCP socket from the start; at close, stop
 * accepting, let requests in flight finish for up to `graceMs`, then destroy whatever is left.
 */
export class ServerShutdown {
  private readonly server: HttpServer | HttpsServer;
  private readonly sockets = new Set<Socket>();
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(server: HttpServer | HttpsServer) {
    this.server = server;
    // 'connection' carries the raw TCP socket, for HTTPS before the handshake: destroying it ends the TLS socket too.
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('request', (_req, res) => {
      this.inFlight++;
      res.once('close', () => {
        this.inFlight--;
        if (this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
      });
    });
  }

  async close(graceMs = 5_000): Promise<ShutdownReport> {
    const t0 = Date.now();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Answers still being written go out with `Connection: close`; idle keep-alive connections go now.
    this.server.closeIdleConnections();
    if (this.inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, graceMs);
        }),
      ]);
      clearTimeout(timer);
    }
    const unfinishedRequests = this.inFlight;
    const connectionsCut = this.sockets.size;
    for (const socket of this.sockets) socket.destroy();
    await closed;
    return { unfinishedRequests, connectionsCut, seconds: (Date.now() - t0) / 1000 };
  }
}
