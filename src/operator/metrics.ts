import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The operator's own registry: what /metrics serves. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'dcos_operator_' });
// prom-client names three of its gauges *_total, which Prometheus reserves for counters (promtool
// check metrics refuses them); nodejs_active_resources, by type, says the same.
for (const name of ['active_handles', 'active_requests', 'active_resources']) {
  registry.removeSingleMetric(`dcos_operator_nodejs_${name}_total`);
}

export const reconcileTotal = new Counter({
  name: 'dcos_operator_reconcile_total',
  help: 'Reconciles by controller and result (success, error, requeue).',
  labelNames: ['controller', 'result'] as const,
  registers: [registry],
});

export const reconcileDuration = new Histogram({
  name: 'dcos_operator_reconcile_duration_seconds',
  help: 'How long one reconcile takes, by controller.',
  labelNames: ['controller'] as const,
  buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

export const webhookDuration = new Histogram({
  name: 'dcos_operator_webhook_duration_seconds',
  help: 'Admission review handling time, by webhook and outcome.',
  labelNames: ['webhook', 'allowed'] as const,
  buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.05, 0.1, 0.5],
  registers: [registry],
});
