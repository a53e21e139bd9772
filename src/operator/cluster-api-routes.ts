import { Router } from 'express';
import type { LedgerSlot } from '../controllers/dcos-cluster-controller.ts';

/**
 * The DC/OS Nodes page as a read-only JSON API on the operator's HTTP server: per-node tasks and
 * allocation, kept out of DcosCluster status to keep that small. Served from the ledger the DcosCluster
 * controller keeps; a replica that does not lead keeps none and says so.
 */
export function clusterApiRoutes(slot: LedgerSlot): Router {
  const router = Router();
  router.get('/api/v1/nodes', (_req, res) => {
    if (!slot.ledger) return void res.status(503).json({ message: 'this replica does not lead: only the leader counts the cluster' });
    res.json({ nodes: slot.ledger.nodeAllocations() });
  });
  router.get('/api/v1/nodes/:name', (req, res) => {
    if (!slot.ledger) return void res.status(503).json({ message: 'this replica does not lead: only the leader counts the cluster' });
    const node = slot.ledger.nodeAllocation(req.params.name);
    if (node) res.json(node);
    else res.status(404).json({ message: `node ${req.params.name} is not known` });
  });
  return router;
}
