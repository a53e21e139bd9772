import { dump } from 'js-yaml';
import { pino, type Logger } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controllerFactories } from '../../src/controllers/index.ts';
import { KubeApiError, type KubeClient, type KubeObjectLike } from '../../src/kube/kube-client.ts';
import { Operator } from '../../src/operator/operator.ts';
import { defaultOperatorConfig, type OperatorConfig } from '../../src/operator/operator-config.ts';
import { ensureServingCertificate, publishCaBundle } from '../../src/webhooks/webhook-certificates.ts';
import { createTestNamespace, ensureCrds, eventually, kubeClient, kubectl } from './support/cluster.ts';
import { DEPLOY_NAMESPACE, OPERATOR_ACCOUNT, removeDeploy, renderDeploy, serviceAccountClient, waitForNamespaceGone } from './support/deploy.ts';

type Secret = KubeObjectLike & { type?: string; data?: Record<string, string> };
type WebhookConfiguration = KubeObjectLike & { webhooks: Array<{ clientConfig: { caBundle?: string }; objectSelector?: unknown }> };
type Lease = KubeObjectLike & { spec: { holderIdentity?: string } };
type Deployment = KubeObjectLike & { spec: { replicas: number } };
type Pod = KubeObjectLike & { status?: { phase?: string } };
type Svc = KubeObjectLike & { status?: { tasksRunning?: number; observedGeneration?: number; conditions?: Array<{ type: string; status: string }> } };
type Pkg = KubeObjectLike & { status?: { conditions?: Array<{ type: string; status: string; message?: string }>; services?: Array<{ name: string }> } };
type Cluster = KubeObjectLike & { status?: { nodes?: { summary?: string } } };
type Event = KubeObjectLike & { reason: string; reportingController: string; regarding: { name: string; kind: string } };

const RBAC_KINDS = new Set(['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']);
const API = 'dcos.dev/v1alpha1';
const REFUSED = /: 403 |forbidden/i;

/** Keeps every log line of the in-process operator, to show that no request was refused. */
function capturingLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log = pino({ level: 'debug', base: { app: 'dcos-operator' } }, { write: (line: string) => void lines.push(line) });
  return { log, lines };
}

async function statusOf(call: () => Promise<unknown>): Promise<number> {
  try {
    await call();
    return 200;
  } catch (err) {
    if (err instanceof KubeApiError) return err.status;
    throw err;
  }
}

// The proof that deploy/'s RBAC is enough: the operator runs in this process with nothing but the
// ServiceAccount's token (from the TokenRequest API, as the kubelet gives it to the pod), and every
// controller converges. The CRDs are installed with the admin client first, as deploy/ does.
describe('the operator with only the rights deploy/ gives its ServiceAccount', () => {
  const admin = kubeClient();
  const { log, lines } = capturingLogger();
  let sa: KubeClient;
  let operator: Operator | undefined;
  let ns: string;
  let config: OperatorConfig;
  // Objects other test files left in namespaces being deleted are refused with 403 too, by the
  // namespace lifecycle, not by RBAC: those say so, and are not what this test looks for.
  const refused = () => lines.filter((l) => REFUSED.test(l) && !/because it is being terminated/.test(l));

  beforeAll(async () => {
    await ensureCrds(admin);
    // Start from no dcos-system at all: whatever made one before (an `npm start`, another file) goes.
    await admin.delete('v1', 'Namespace', DEPLOY_NAMESPACE);
    await waitForNamespaceGone(admin, DEPLOY_NAMESPACE);
    const docs = renderDeploy();
    const rbac = docs.filter((d) => RBAC_KINDS.has(d.kind!));
    const applied = kubectl(['apply', '-f', '-'], rbac.map((d) => dump(d)).join('---\n'));
    if (applied.status !== 0) throw new Error(applied.stderr);
    // deploy/'s webhook configurations, made inert (an objectSelector nothing carries): the operator
    // must still find them and publish its CA into them, but no apiserver call reaches this process.
    const inert = docs
      .filter((d) => /WebhookConfiguration$/.test(d.kind!))
      .map((d) => ({ ...d, webhooks: (d as WebhookConfiguration).webhooks.map((w) => ({ ...w, objectSelector: { matchLabels: { 'dcos.dev/least-privilege-test': 'never' } } })) }));
    const registered = kubectl(['apply', '-f', '-'], inert.map((d) => dump(d)).join('---\n'));
    if (registered.status !== 0) throw new Error(registered.stderr);

    sa = await serviceAccountClient(admin, DEPLOY_NAMESPACE, OPERATOR_ACCOUNT);
    // The apiserver's RBAC cache follows new bindings within moments; start once both are in effect.
    await eventually(async () => {
      await sa.list(API, 'DcosService', { limit: 1 });
      await sa.getOrUndefined('coordination.k8s.io/v1', 'Lease', 'dcos-operator-leader', DEPLOY_NAMESPACE);
    }, 60_000, 250);
    ns = await createTestNamespace(admin, 'least-priv');
    // The operator makes these two when they are missing: make sure it has to, under this identity.
    for (const kind of ['DcosPackageRepository', 'DcosCluster']) await admin.delete(API, kind, 'default');
    await eventually(async () => {
      for (const kind of ['DcosPackageRepository', 'DcosCluster']) if (await admin.getOrUndefined(API, kind, 'default')) throw new Error(`${kind} default still there`);
    }, 60_000);

    config = {
      ...defaultOperatorConfig({}),
      namespace: DEPLOY_NAMESPACE,
      identity: 'least-privilege-test',
      // As in the pod (--webhooks=service --no-install-crds), on free loopback ports.
      webhookMode: 'service',
      webhookHost: '127.0.0.1',
      webhookPort: 0,
      metricsHost: '127.0.0.1',
      metricsPort: 0,
      leaderElect: true,
      installCrds: false,
    };
    operator = new Operator(sa, log, config, controllerFactories);
    await operator.start();
    await operator.waitUntilLeading(120_000);
  });

  afterAll(async () => {
    await operator?.stop();
    if (ns) {
      await admin.delete('v1', 'Namespace', ns);
      await waitForNamespaceGone(admin, ns);
    }
    await removeDeploy(admin);
  });

  it('takes the Lease in its namespace and syncs every controller\'s caches', async () => {
    const lease = await admin.get<Lease>('coordination.k8s.io/v1', 'Lease', config.leaseName, DEPLOY_NAMESPACE);
    expect(lease.spec.holderIdentity).toBe('least-privilege-test');
    const running = lines.map((l) => JSON.parse(l) as { msg: string; controllers?: string[] }).find((l) => l.msg === 'caches synced; controllers running');
    expect(running?.controllers?.length).toBe(controllerFactories.length);
    expect(refused()).toEqual([]);
  });

  it('issues its webhook certificate into its Secret and publishes the CA into both webhook configurations', async () => {
    const secret = await admin.get<Secret>('v1', 'Secret', config.webhookSecretName, DEPLOY_NAMESPACE);
    expect(secret.type).toBe('kubernetes.io/tls');
    const ca = secret.data!['ca.crt']!;
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
      const configuration = await admin.get<WebhookConfiguration>('admissionregistration.k8s.io/v1', kind, 'dcos-operator');
      for (const webhook of configuration.webhooks) expect(webhook.clientConfig.caBundle, kind).toBe(ca);
    }
  });

  it('rotates that certificate and republishes the CA under the same identity', async () => {
    const before = await admin.get<Secret>('v1', 'Secret', config.webhookSecretName, DEPLOY_NAMESPACE);
    // New serving names force a new certificate, as expiry would: the Secret is updated in place.
    const cert = await ensureServingCertificate(sa, { namespace: DEPLOY_NAMESPACE, secretName: config.webhookSecretName, dnsNames: [`${config.webhookServiceName}.${DEPLOY_NAMESPACE}.svc`] }, log);
    await publishCaBundle(sa, cert.caPem, log);
    const after = await admin.get<Secret>('v1', 'Secret', config.webhookSecretName, DEPLOY_NAMESPACE);
    expect(after.metadata.uid).toBe(before.metadata.uid);
    expect(after.data!['ca.crt']).not.toBe(before.data!['ca.crt']);
    const validating = await admin.get<WebhookConfiguration>('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'dcos-operator');
    expect(validating.webhooks[0]!.clientConfig.caBundle).toBe(after.data!['ca.crt']);
  });

  it('runs a DcosService as a Deployment, reports its tasks and records events', async () => {
    await admin.create({ apiVersion: API, kind: 'DcosService', metadata: { name: 'sleeper', namespace: ns }, spec: { cmd: 'sleep 3600', cpus: 0.1, mem: 32, instances: 2 } } as KubeObjectLike);
    const deployment = await eventually(() => admin.get<Deployment>('apps/v1', 'Deployment', 'sleeper', ns), 60_000);
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'DcosService', name: 'sleeper', controller: true, blockOwnerDeletion: true });
    await eventually(async () => {
      const pods = await admin.list<Pod>('v1', 'Pod', { namespace: ns });
      if (pods.items.filter((p) => p.status?.phase === 'Running').length !== 2) throw new Error('pods not Running yet');
    }, 120_000, 500);
    const svc = await eventually(async () => {
      const s = await admin.get<Svc>(API, 'DcosService', 'sleeper', ns);
      if (s.status?.tasksRunning !== 2) throw new Error(`tasksRunning ${s.status?.tasksRunning}`);
      return s;
    }, 120_000, 500);
    expect(svc.status?.observedGeneration).toBe(svc.metadata.generation);
    const events = await eventually(async () => {
      const list = await admin.request<{ items: Event[] }>('GET', `/apis/events.k8s.io/v1/namespaces/${ns}/events`);
      const mine = list.items.filter((e) => e.regarding.kind === 'DcosService' && e.regarding.name === 'sleeper');
      if (mine.length === 0) throw new Error('no event for the DcosService yet');
      return mine;
    }, 60_000);
    expect(events[0]!.reportingController).toBe('dcos.dev/dcos-operator');
    expect(refused()).toEqual([]);
  });

  it('creates the default repository, installs a DcosPackage from it, and creates and keeps the DcosCluster', async () => {
    const repository = await eventually(() => admin.get(API, 'DcosPackageRepository', 'default'), 60_000);
    expect(repository.metadata.managedFields).toEqual(expect.arrayContaining([expect.objectContaining({ manager: 'dcos-operator', operation: 'Update' })]));
    await admin.create({ apiVersion: API, kind: 'DcosPackage', metadata: { name: 'nginx', namespace: ns }, spec: { packageName: 'nginx', options: { nginx: { instances: 1 } } } } as KubeObjectLike);
    const pkg = await eventually(async () => {
      const p = await admin.get<Pkg>(API, 'DcosPackage', 'nginx', ns);
      const ready = p.status?.conditions?.find((c) => c.type === 'Ready');
      if (!p.status?.services?.length) throw new Error(`no services yet; conditions ${JSON.stringify(p.status?.conditions)}`);
      return { p, ready };
    }, 120_000, 500);
    expect(pkg.p.status?.services?.map((s) => s.name)).toEqual(['nginx']);
    await eventually(() => admin.get<Deployment>('apps/v1', 'Deployment', 'nginx', ns), 120_000, 500);
    const cluster = await eventually(async () => {
      const c = await admin.get<Cluster>(API, 'DcosCluster', 'default');
      if (!c.status?.nodes?.summary) throw new Error('DcosCluster status not written yet');
      return c;
    }, 60_000, 500);
    expect(cluster.status?.nodes?.summary).toMatch(/^\d+\/\d+$/);
    expect(refused()).toEqual([]);
  });

  it('checks a web UI viewer\'s token with TokenReview and SubjectAccessReview (--ui-auth=token)', async () => {
    const { kubeAccessReviewer } = await import('../../src/ui/ui-auth.ts');
    const review = kubeAccessReviewer(sa);
    // The operator's own token is known to the apiserver, and its account may get dcosclusters.
    const own = (sa.config.getCurrentUser() as { token?: string }).token!;
    expect(await review(own)).toMatchObject({ allowed: true, user: `system:serviceaccount:${DEPLOY_NAMESPACE}:${OPERATOR_ACCOUNT}` });
    expect(await review('not-a-token')).toMatchObject({ allowed: false, status: 401 });
  });

  it('is refused everything else it could be tempted to do', async () => {
    const refusedCalls = {
      'list Secrets in its own namespace': () => sa.list('v1', 'Secret', { namespace: DEPLOY_NAMESPACE }),
      'read its Secret\'s name in another namespace': () => sa.get('v1', 'Secret', config.webhookSecretName, 'kube-system'),
      'read another Lease in its namespace': () => sa.get('coordination.k8s.io/v1', 'Lease', 'someone-else', DEPLOY_NAMESPACE),
      'delete a pod': () => sa.delete('v1', 'Pod', 'anything', ns),
      'read another webhook configuration': () => sa.get('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'someone-else'),
      'delete a CRD': () => sa.delete('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'dcosservices.dcos.dev'),
      'bind itself to cluster-admin': () =>
        sa.create({
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRoleBinding',
          metadata: { name: 'dcos-operator-escalation' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
          subjects: [{ kind: 'ServiceAccount', name: OPERATOR_ACCOUNT, namespace: DEPLOY_NAMESPACE }],
        } as KubeObjectLike),
    };
    const outcomes: Record<string, number> = {};
    for (const [what, call] of Object.entries(refusedCalls)) outcomes[what] = await statusOf(call);
    expect(outcomes).toEqual(Object.fromEntries(Object.keys(refusedCalls).map((k) => [k, 403])));
  });
});
