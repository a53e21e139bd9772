// Helpers for the tests of deploy/: render it as `kubectl kustomize` does, act as the operator's
// ServiceAccount, and remove everything deploy/ made so later test files start clean.
import { fileURLToPath } from 'node:url';
import { KubeConfig } from '@kubernetes/client-node';
import { loadAll } from 'js-yaml';
import { KubeClient, type KubeObjectLike } from '../../../src/kube/kube-client.ts';
import { eventually, kubectl } from './cluster.ts';

export const DEPLOY_DIR = fileURLToPath(new URL('../../../deploy/', import.meta.url));
export const DEPLOY_NAMESPACE = 'dcos-system';
export const OPERATOR_ACCOUNT = 'dcos-operator';

/** The documents `kubectl apply -k deploy/` would send, rendered by the real kubectl. */
export function renderDeploy(): KubeObjectLike[] {
  const res = kubectl(['kustomize', DEPLOY_DIR]);
  if (res.status !== 0) throw new Error(`kubectl kustomize deploy/ failed: ${res.stderr}`);
  return (loadAll(res.stdout) as KubeObjectLike[]).filter(Boolean);
}

/** Waits until a namespace (and so everything in it) is gone; a namespace still terminating would refuse new objects. */
export async function waitForNamespaceGone(client: KubeClient, name: string, timeoutMs = 180_000): Promise<void> {
  await eventually(async () => {
    const ns = await client.getOrUndefined('v1', 'Namespace', name);
    if (ns) throw new Error(`namespace ${name} still exists (${JSON.stringify((ns as { status?: unknown }).status)})`);
  }, timeoutMs, 500);
}

/**
 * Removes what deploy/ made, except the CRDs (other test files use them, and deleting a CRD deletes
 * every object of its kind). The webhook configurations go first: they point at a Service with no
 * real webhook behind it and would refuse every dcos.dev write.
 */
export async function removeDeploy(client: KubeClient): Promise<void> {
  const steps = [
    ['delete', 'validatingwebhookconfiguration,mutatingwebhookconfiguration', 'dcos-operator', '--ignore-not-found'],
    ['delete', 'clusterrolebinding,clusterrole', 'dcos-operator', '--ignore-not-found'],
    ['delete', 'namespace', DEPLOY_NAMESPACE, '--ignore-not-found', '--wait=false'],
  ];
  const failures = steps.map((args) => kubectl(args)).filter((r) => r.status !== 0);
  await waitForNamespaceGone(client, DEPLOY_NAMESPACE);
  if (failures.length > 0) throw new Error(failures.map((f) => f.stderr).join('\n'));
}

/**
 * A client that acts as the ServiceAccount: a short-lived token from the TokenRequest API (what the
 * kubelet mounts into the operator's pod), the admin kubeconfig's server and CA, nothing else.
 */
export async function serviceAccountClient(admin: KubeClient, namespace: string, name: string): Promise<KubeClient> {
  const review = await admin.request<{ status: { token: string } }>('POST', `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, {
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
  });
  const cluster = admin.config.getCurrentCluster()!;
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'cluster', server: cluster.server, caData: cluster.caData, caFile: cluster.caFile, skipTLSVerify: false }],
    users: [{ name: `system:serviceaccount:${namespace}:${name}`, token: review.status.token }],
    contexts: [{ name: 'sa', cluster: 'cluster', user: `system:serviceaccount:${namespace}:${name}` }],
    currentContext: 'sa',
  });
  return new KubeClient(config);
}
