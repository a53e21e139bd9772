import { Operator, type ControllerFactory } from '../../../src/operator/operator.ts';
import { defaultOperatorConfig, type OperatorConfig } from '../../../src/operator/operator-config.ts';
import { createLogger } from '../../../src/operator/logger.ts';
import type { KubeClient } from '../../../src/kube/kube-client.ts';

/**
 * The operator in the test's own process: real controllers against the real apiserver, with
 * free ports and no webhooks unless asked, leading at once (no other replica in a test). Its own
 * namespace is not deploy/'s dcos-system, which the deploy tests create and delete.
 */
export async function startOperator(client: KubeClient, factories: ControllerFactory[], overrides: Partial<OperatorConfig> = {}): Promise<Operator> {
  const operator = await startReplica(client, factories, overrides);
  await operator.waitUntilLeading();
  return operator;
}

/** Started, leading or not: with leaderElect, one of several replicas. */
export async function startReplica(client: KubeClient, factories: ControllerFactory[], overrides: Partial<OperatorConfig> = {}): Promise<Operator> {
  const operator = new Operator(
    client,
    createLogger(process.env.DCOS_TEST_LOG_LEVEL ?? 'silent'),
    { ...defaultOperatorConfig(), namespace: 'dcos-test-operator', metricsHost: '127.0.0.1', metricsPort: 0, webhookPort: 0, webhookMode: 'off', leaderElect: false, installCrds: true, resyncSeconds: 30, ...overrides },
    factories,
  );
  await operator.start();
  return operator;
}
