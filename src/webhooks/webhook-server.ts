import { createServer, type Server } from 'node:https';
import type { Express } from 'express';
import type { ServingCertificate } from './webhook-certificates.ts';

/** The webhooks over HTTPS; a rotated certificate is swapped in without dropping connections. */
export class WebhookServer {
  private readonly server: Server;

  constructor(app: Express, cert: ServingCertificate) {
    this.server = createServer({ cert: cert.certPem, key: cert.keyPem, minVersion: 'TLSv1.2' }, app);
    // The apiserver keeps connections open; a bounded keep-alive lets a stopping replica drain.
    this.server.keepAliveTimeout = 30_000;
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

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }
}
