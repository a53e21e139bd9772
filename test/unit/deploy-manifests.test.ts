import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { renderDeployFiles } from '../../scripts/generate-deploy.ts';
import { OPERATOR_ENV, OPERATOR_NODE_FLAGS } from '../../src/operator/node-flags.ts';
import { defaultOperatorConfig } from '../../src/operator/operator-config.ts';
import { WEBHOOK_CONFIGURATION_NAME } from '../../src/webhooks/webhook-configurations.ts';

const deployDir = fileURLToPath(new URL('../../deploy/', import.meta.url));

interface Doc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}
interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}
interface Container {
  name: string;
  image: string;
  imagePullPolicy?: string;
  args?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }>;
  ports?: Array<{ name: string; containerPort: number }>;
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown> & { capabilities?: { drop?: string[]; add?: string[] } };
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
interface PodSpec {
  serviceAccountName?: string;
  securityContext?: Record<string, unknown>;
  containers: Container[];
  volumes?: Array<{ name: string; emptyDir?: unknown }>;
  affinity?: { podAntiAffinity?: { preferredDuringSchedulingIgnoredDuringExecution?: Array<{ podAffinityTerm: { topologyKey: string; labelSelector: { matchLabels: Record<string, string> } } }>; requiredDuringSchedulingIgnoredDuringExecution?: unknown[] } };
}
type Deployment = Doc & { spec: { replicas: number; selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: PodSpec } } };
type Service = Doc & { spec: { selector: Record<string, string>; ports: Array<{ name: string; port: number; targetPort: string | number }> } };

/** Every document `kubectl kustomize deploy/` starts from: the kustomization's resources, followed into directories. */
function loadKustomization(dir: string): Array<{ file: string; doc: Doc }> {
  const kustomization = loadAll(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'))[0] as { resources: string[] };
  return kustomization.resources.flatMap((resource) => {
    const path = join(dir, resource);
    if (!/\.ya?ml$/.test(resource)) return loadKustomization(path);
    return (loadAll(readFileSync(path, 'utf8')) as Doc[]).filter(Boolean).map((doc) => ({ file: path, doc }));
  });
}

const docs = loadKustomization(deployDir);
const kustomization = loadAll(readFileSync(join(deployDir, 'kustomization.yaml'), 'utf8'))[0] as { namespace: string; images: Array<{ name: string }> };
const ofKind = <T extends Doc>(kind: string) => docs.filter((d) => d.doc.kind === kind).map((d) => d.doc as T);
const one = <T extends Doc>(kind: string, name?: string): T => {
  const found = ofKind<T>(kind).filter((d) => name === undefined || d.metadata.name === name);
  expect(found, `${kind} ${name ?? ''} in deploy/`).toHaveLength(1);
  return found[0]!;
};
const rulesOf = (kind: 'ClusterRole' | 'Role') => ofKind<Doc & { rules: Rule[] }>(kind).flatMap((r) => r.rules);
const config = defaultOperatorConfig({});

describe('deploy/ (kustomize)', () => {
  it('holds the namespace, the four CRDs, the operator and its webhook plumbing', () => {
    const kinds = docs.map((d) => d.doc.kind);
    expect(new Set(kinds)).toEqual(
      new Set(['Namespace', 'CustomResourceDefinition', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'Deployment', 'Service', 'PodDisruptionBudget', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']),
    );
    expect(kinds.filter((k) => k === 'CustomResourceDefinition')).toHaveLength(4);
    expect(one('Namespace').metadata.name).toBe(kustomization.namespace);
    for (const { file, doc } of docs) {
      if (doc.metadata.namespace !== undefined) expect(doc.metadata.namespace, `${file}: ${doc.kind} ${doc.metadata.name}`).toBe('dcos-system');
    }
  });

  it('keeps the generated webhook configurations in sync with src/webhooks (run `npm run crds` after changing them)', () => {
    for (const [file, text] of renderDeployFiles()) {
      expect(readFileSync(join(deployDir, file), 'utf8'), `deploy/${file} is stale`).toBe(text);
    }
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
      const webhooks = (one<Doc & { webhooks: Array<{ clientConfig: { service: Record<string, unknown>; caBundle?: string } }> }>(kind).webhooks);
      for (const w of webhooks) {
        expect(w.clientConfig.service).toMatchObject({ namespace: 'dcos-system', name: config.webhookServiceName, port: 443 });
        // The operator (or cert-manager) puts the CA in; a fixed one here would go stale.
        expect(w.clientConfig.caBundle).toBeUndefined();
      }
    }
  });
});

describe('RBAC in deploy/', () => {
  it('has no wildcard in any apiGroups, resources, verbs or resourceNames, and no non-resource URLs', () => {
    const roles = [...ofKind<Doc & { rules: Rule[] }>('ClusterRole'), ...ofKind<Doc & { rules: Rule[] }>('Role')];
    expect(roles.length).toBeGreaterThanOrEqual(2);
    for (const role of roles) {
      for (const [i, rule] of role.rules.entries()) {
        const where = `${role.kind} ${role.metadata.name} rules[${i}]`;
        for (const field of ['apiGroups', 'resources', 'verbs', 'resourceNames'] as const) {
          for (const value of rule[field] ?? []) expect(value, `${where}.${field}`).not.toMatch(/\*/);
        }
        expect(rule.nonResourceURLs, `${where}.nonResourceURLs`).toBeUndefined();
        expect(rule.verbs.length, `${where}.verbs`).toBeGreaterThan(0);
      }
    }
    // Aggregated roles would pull in rules written elsewhere.
    for (const role of ofKind<Doc & { aggregationRule?: unknown }>('ClusterRole')) expect(role.aggregationRule).toBeUndefined();
  });

  it('grants no verb that could widen the operator\'s own rights', () => {
    for (const rule of [...rulesOf('ClusterRole'), ...rulesOf('Role')]) {
      expect(rule.verbs).not.toEqual(expect.arrayContaining(['escalate']));
      expect(rule.verbs).not.toEqual(expect.arrayContaining(['bind']));
      expect(rule.verbs).not.toEqual(expect.arrayContaining(['impersonate']));
      expect(rule.resources ?? []).not.toEqual(expect.arrayContaining(['roles']));
      expect(rule.resources ?? []).not.toEqual(expect.arrayContaining(['clusterroles']));
      expect(rule.resources ?? []).not.toEqual(expect.arrayContaining(['serviceaccounts/token']));
    }
  });

  it('reads and writes Secrets only in its own namespace, and only its webhook certificate after creating it', () => {
    expect(rulesOf('ClusterRole').filter((r) => r.resources?.includes('secrets'))).toEqual([]);
    const secretRules = rulesOf('Role').filter((r) => r.resources?.includes('secrets'));
    for (const rule of secretRules) {
      // create is the one verb RBAC cannot limit by name: the name is not in a create request's path.
      if (rule.resourceNames === undefined) expect(rule.verbs).toEqual(['create']);
      else expect(rule.resourceNames).toEqual([config.webhookSecretName]);
    }
    expect(secretRules.flatMap((r) => r.verbs).sort()).toEqual(['create', 'get', 'update']);
    expect(secretRules.flatMap((r) => r.verbs)).not.toContain('list');
  });

  it('names the operator\'s own Lease and webhook configurations, as the code does', () => {
    const leaseRules = rulesOf('Role').filter((r) => r.resources?.includes('leases'));
    expect(leaseRules.flatMap((r) => r.verbs).sort()).toEqual(['create', 'get', 'update']);
    for (const rule of leaseRules) {
      if (rule.resourceNames === undefined) expect(rule.verbs).toEqual(['create']);
      else expect(rule.resourceNames).toEqual([config.leaseName]);
    }
    const webhookRules = rulesOf('ClusterRole').filter((r) => r.apiGroups?.includes('admissionregistration.k8s.io'));
    expect(webhookRules).toEqual([
      { apiGroups: ['admissionregistration.k8s.io'], resources: ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'], resourceNames: [WEBHOOK_CONFIGURATION_NAME], verbs: ['get', 'patch'] },
    ]);
  });

  it('binds both roles to the operator\'s ServiceAccount, the one the Deployment runs as', () => {
    const sa = one('ServiceAccount');
    const deployment = one<Deployment>('Deployment', 'dcos-operator');
    expect(deployment.spec.template.spec.serviceAccountName).toBe(sa.metadata.name);
    const clusterRole = one('ClusterRole');
    const role = one('Role');
    type Binding = Doc & { roleRef: { kind: string; name: string }; subjects: Array<{ kind: string; name: string; namespace?: string }> };
    const crb = one<Binding>('ClusterRoleBinding');
    const rb = one<Binding>('RoleBinding');
    expect(crb.roleRef).toMatchObject({ kind: 'ClusterRole', name: clusterRole.metadata.name });
    expect(rb.roleRef).toMatchObject({ kind: 'Role', name: role.metadata.name });
    for (const binding of [crb, rb]) expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: sa.metadata.name, namespace: 'dcos-system' }]);
  });
});

describe('the operator Deployment', () => {
  const deployment = one<Deployment>('Deployment', 'dcos-operator');
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0]!;

  it('runs two replicas, preferably on different nodes, kept at one or more by a PodDisruptionBudget', () => {
    expect(deployment.spec.replicas).toBe(2);
    expect(pod.containers).toHaveLength(1);
    const term = pod.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.[0]?.podAffinityTerm;
    expect(term?.topologyKey).toBe('kubernetes.io/hostname');
    expect(term?.labelSelector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    const pdb = one<Doc & { spec: { minAvailable: number; selector: { matchLabels: Record<string, string> } } }>('PodDisruptionBudget');
    expect(pdb.spec.minAvailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
  });

  it('runs as a numeric non-root user, read-only, without privilege escalation or capabilities, under seccomp RuntimeDefault', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    const sc = container.securityContext!;
    expect(sc).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, seccompProfile: { type: 'RuntimeDefault' } });
    expect(sc.privileged ?? false).toBe(false);
    expect(sc.capabilities?.drop).toEqual(['ALL']);
    expect(sc.capabilities?.add).toBeUndefined();
    const uid = sc.runAsUser ?? pod.securityContext?.runAsUser;
    expect(typeof uid).toBe('number');
    expect(uid).toBeGreaterThan(0);
    // Nothing but an emptyDir may be written to, if anything.
    for (const volume of pod.volumes ?? []) expect(volume.emptyDir, `volume ${volume.name}`).toBeDefined();
  });

  it('sets requests and limits for CPU and memory', () => {
    for (const kind of ['requests', 'limits'] as const) {
      expect(container.resources?.[kind]).toHaveProperty('cpu');
      expect(container.resources?.[kind]).toHaveProperty('memory');
    }
  });

  it('probes /healthz and /readyz on the metrics port, and exposes metrics 8080 and webhooks 9443', () => {
    const ports = Object.fromEntries((container.ports ?? []).map((p) => [p.name, p.containerPort]));
    expect(ports).toEqual({ metrics: config.metricsPort, webhook: config.webhookPort });
    expect(container.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(container.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
  });

  it('uses the webhooks that deploy/ registers and the CRDs that deploy/ installs, with its pod name, namespace and IP (for the standby to reach it) from the downward API', () => {
    expect(container.args).toEqual(['--webhooks=service', '--no-install-crds']);
    const fromField = Object.fromEntries((container.env ?? []).filter((e) => e.valueFrom?.fieldRef).map((e) => [e.name, e.valueFrom!.fieldRef!.fieldPath]));
    expect(fromField).toEqual({ POD_NAME: 'metadata.name', POD_NAMESPACE: 'metadata.namespace', POD_IP: 'status.podIP' });
  });

  it('starts Node with the operator flags in the image and in `npm start` alike', () => {
    const root = new URL('../../', import.meta.url);
    const entrypoint = /^ENTRYPOINT (.*)$/m.exec(readFileSync(new URL('Dockerfile', root), 'utf8'))?.[1];
    expect(JSON.parse(entrypoint ?? '[]')).toEqual(['/nodejs/bin/node', ...OPERATOR_NODE_FLAGS, 'src/main.js']);
    const scripts = (JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.start).toBe(['node', ...OPERATOR_NODE_FLAGS, 'src/main.ts'].join(' '));
  });

  it('gives the operator process the environment the benchmarks measured (glibc\'s mmap threshold) in the image', () => {
    const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
    const env = Object.fromEntries([...dockerfile.matchAll(/^ENV (\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));
    expect(env).toMatchObject(OPERATOR_ENV);
  });

  it('takes an image that `kustomize edit set image dcos-operator=...` can replace', () => {
    expect(container.image).toBe('dcos-operator:latest');
    expect(kustomization.images.map((i) => i.name)).toContain('dcos-operator');
    // A locally built image loaded into kind must not be pulled.
    expect(container.imagePullPolicy).toBe('IfNotPresent');
  });

  it('is reached by the webhook Service on 443 and the metrics Service on 8080', () => {
    const webhook = one<Service>('Service', config.webhookServiceName);
    expect(webhook.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(webhook.spec.ports).toEqual([expect.objectContaining({ port: 443, targetPort: 'webhook' })]);
    const metrics = ofKind<Service>('Service').find((s) => s.metadata.name !== config.webhookServiceName)!;
    expect(metrics.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(metrics.spec.ports).toEqual([expect.objectContaining({ port: 8080, targetPort: 'metrics' })]);
  });
});
