import type { Express } from 'express';
import type { LedgerSlot } from '../controllers/dcos-cluster-controller.ts';
import { clusterApiRoutes } from './cluster-api-routes.ts';
import { registerClusterGauges } from './cluster-metrics.ts';

/**
 * What the operator's HTTP server serves beside /metrics, /healthz and /readyz (health-server.ts):
 * the DcosCluster controller's figures, as the read-only API and as Prometheus gauges. Read-only
 * views of the caches (a web UI) are added here too.
 */
export function serveClusterFigures(app: Express, slot: LedgerSlot): void {
  app.use(clusterApiRoutes(slot));
  registerClusterGauges(() => slot.ledger?.figures(Date.now()));
}
