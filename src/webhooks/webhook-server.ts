import { createServer, type Server } from 'node:https';
import type { Express } from 'express';
import type { ServingCertificate } from './webhook-certificates.ts';
import { ServerShutdown, type ShutdownReport } from '../operator/server-shutdown.ts';

/** The webhooks over HTTPS; a rotated certificate is swapped in without dropping connections. */
export class WebhookServer {
  private readonly server: Server;
  private readonly shutdown: ServerShutdown;

  constructor(app: Express, cert: ServingCertificate) {
    this.server = createServer({ cert: cert.certPem, key: cert.keyPem, minVersion: 'TLSv1.2' }, app);
    // The apiserver keeps connections open; a bounded keep-alive lets a stopping replica drain.
    this.server.keepAliveTimeout = 30_000;
    this.shutdown = new ServerShutdown(this.server);
  }

  listen(port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve((this.server.address() as { port: number }).port));
    });
  }

  useCertificate(cert: ServingCertificate): void {
    this.server.setSecureContext({ cert: cert.certPem, key: cert.keyPem });
  }

  /** Stops accepting, lets reviews in flight finish (up to graceMs), then cuts every connection left. */
  close(graceMs?: number): Promise<ShutdownReport> {
    return this.shutdown.close(graceMs);
  }
}
