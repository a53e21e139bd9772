import { fileURLToPath } from 'node:url';
import { loadAll } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObjectLike } from '../../src/kube/kube-client.ts';
import { eventually, kubeClient, kubectl } from './support/cluster.ts';
import { DEPLOY_DIR, DEPLOY_NAMESPACE, OPERATOR_ACCOUNT, removeDeploy, renderDeploy, waitForNamespaceGone } from './support/deploy.ts';

type Pod = KubeObjectLike & { spec: { nodeName?: string; serviceAccountName?: string; containers: Array<{ image: string; args?: string[] }> }; status?: { phase?: string } };
type Deployment = KubeObjectLike & { status?: { readyReplicas?: number; availableReplicas?: number } };
type EndpointSlice = KubeObjectLike & { endpoints?: Array<{ conditions?: { ready?: boolean } }>; ports?: Array<{ name?: string; port?: number }> };

// `kubectl apply -k deploy/` against the local control plane. Its kwok nodes run no containers, so
// this proves the manifests (admission, RBAC objects, scheduling, Services, PodSecurity), not the image.
describe('kubectl apply -k deploy/', () => {
  const client = kubeClient();

  beforeAll(async () => {
    // A dcos-system left by anything before (an `npm start` on this cluster, another file) is removed
    // first; a terminating one would refuse objects.
    await client.delete('v1', 'Namespace', DEPLOY_NAMESPACE);
    await waitForNamespaceGone(client, DEPLOY_NAMESPACE);
  });

  afterAll(async () => {
    await removeDeploy(client);
  });

  it('is accepted by the apiserver, every object of it', () => {
    const res = kubectl(['apply', '-k', DEPLOY_DIR]);
    // CRDs an operator installed itself (server-side apply) lack kubectl's annotation; kubectl says so and patches it in.
    const warnings = res.stderr.split('\n').filter((l) => l && !/^Warning: resource customresourcedefinitions\/\S+ is missing the kubectl\.kubernetes\.io\/last-applied-configuration annotation/.test(l) && !/^\s/.test(l));
    expect(warnings).toEqual([]);
    expect(res.status).toBe(0);
    for (const made of [
      'namespace/dcos-system',
      'customresourcedefinition.apiextensions.k8s.io/dcosservices.dcos.dev',
      'serviceaccount/dcos-operator',
      'clusterrole.rbac.authorization.k8s.io/dcos-operator',
      'clusterrolebinding.rbac.authorization.k8s.io/dcos-operator',
      'role.rbac.authorization.k8s.io/dcos-operator',
      'rolebinding.rbac.authorization.k8s.io/dcos-operator',
      'service/dcos-operator-webhook',
      'service/dcos-operator-metrics',
      'deployment.apps/dcos-operator',
      'poddisruptionbudget.policy/dcos-operator',
      'validatingwebhookconfiguration.admissionregistration.k8s.io/dcos-operator',
      'mutatingwebhookconfiguration.admissionregistration.k8s.io/dcos-operator',
    ]) {
      expect(res.stdout).toContain(made);
    }
  });

  it('runs the operator\'s 2 pods on different kwok nodes, as the ServiceAccount, admitted by PodSecurity "restricted"', async () => {
    const pods = await eventually(async () => {
      const list = await client.list<Pod>('v1', 'Pod', { namespace: DEPLOY_NAMESPACE, labelSelector: 'app.kubernetes.io/name=dcos-operator' });
      const running = list.items.filter((p) => p.status?.phase === 'Running');
      if (running.length !== 2) {
        const events = kubectl(['get', 'events', '-n', DEPLOY_NAMESPACE, '-o', 'custom-columns=REASON:.reason,MESSAGE:.message', '--no-headers']).stdout;
        throw new Error(`${running.length} of 2 operator pods Running; events:\n${events}`);
      }
      return running;
    }, 120_000, 500);
    for (const pod of pods) {
      expect(pod.spec.nodeName).toMatch(/^dcos-agent-\d+$/);
      expect(pod.spec.serviceAccountName).toBe(OPERATOR_ACCOUNT);
      expect(pod.spec.containers[0]!.image).toBe('dcos-operator:latest');
      expect(pod.spec.containers[0]!.args).toEqual(['--webhooks=service', '--no-install-crds']);
    }
    expect(new Set(pods.map((p) => p.spec.nodeName)).size).toBe(2);
    // The namespace enforces the restricted Pod Security Standard: the pods exist, so they meet it.
    const ns = await client.get('v1', 'Namespace', DEPLOY_NAMESPACE);
    expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    await eventually(async () => {
      const deployment = await client.get<Deployment>('apps/v1', 'Deployment', 'dcos-operator', DEPLOY_NAMESPACE);
      if (deployment.status?.availableReplicas !== 2) throw new Error(`availableReplicas ${deployment.status?.availableReplicas}`);
    }, 120_000, 500);
  });

  it('puts both pods behind the webhook Service, on the webhook port', async () => {
    await eventually(async () => {
      const slices = await client.request<{ items: EndpointSlice[] }>('GET', `/apis/discovery.k8s.io/v1/namespaces/${DEPLOY_NAMESPACE}/endpointslices`, {
        query: { labelSelector: 'kubernetes.io/service-name=dcos-operator-webhook' },
      });
      const ready = slices.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready);
      const ports = slices.items.flatMap((s) => s.ports ?? []).map((p) => p.port);
      if (ready.length !== 2) throw new Error(`${ready.length} of 2 ready webhook endpoints`);
      expect(ports).toEqual([9443]);
    }, 120_000, 500);
  });

  it('matches the cluster once applied: `kubectl diff -k deploy/` finds nothing to change', () => {
    // (Re-applying reports the PodDisruptionBudget "configured" through a no-op patch, a kubectl
    // quirk; diff asks the server what would really change.)
    const res = kubectl(['diff', '-k', DEPLOY_DIR]);
    expect(res.stdout).toBe('');
    expect(res.status).toBe(0);
  });

  it('takes another image through the kind overlay of the README (examples/kind), and nothing else changes', () => {
    const res = kubectl(['kustomize', fileURLToPath(new URL('../../examples/kind/', import.meta.url))]);
    expect(res.stderr).toBe('');
    const overlay = (loadAll(res.stdout) as KubeObjectLike[]).filter(Boolean);
    const base = renderDeploy();
    const image = (docs: KubeObjectLike[]) => (docs.find((d) => d.kind === 'Deployment') as unknown as Pod & { spec: { template: { spec: Pod['spec'] } } }).spec.template.spec.containers[0]!.image;
    expect(image(overlay)).toBe('dcos-operator:dev');
    expect(overlay.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual(base.map((d) => `${d.kind}/${d.metadata.name}`));
  });
});
