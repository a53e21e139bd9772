import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestNamespace, deleteNamespace, eventually, kubeClient, kubectlAsync as kubectl } from './support/cluster.ts';
import { startOperator } from './support/operator.ts';
import { condition, serviceReader } from './support/dcos-services.ts';
import { corpusPath, corpusPresent, describeCorpus } from '../support/corpora.ts';
import { marathonWildApps } from '../support/marathon-wild.ts';
import { judgeWildApp } from '../../scripts/compatibility/marathon-wild-section.ts';
import { dcosServiceController } from '../../src/controllers/dcos-service-controller.ts';
import { resolveDependencies, translateService } from '../../src/marathon/index.ts';
import { dnsLabelName } from '../../src/marathon/kube-names.ts';
import { defaultOperatorConfig } from '../../src/operator/operator-config.ts';
import type { KubeObjectLike } from '../../src/kube/kube-client.ts';
import type { DcosService } from '../../src/resources/dcos-service.ts';
import { WEBHOOK_CONFIGURATION_NAME } from '../../src/webhooks/webhook-configurations.ts';
import type { Operator } from '../../src/operator/operator.ts';

/*
 * The marathon-wild corpus (real app definitions from public repositories) as a user applies it:
 * `kubectl apply --server-side` of each app, admission webhooks on, the operator running. Each one
 * is refused at admission naming the fields docs/compatibility.md lists, or is admitted (printing
 * its warnings) and converges: its tasks run, or it waits for a dependency its file does not hold.
 * Each file gets its own namespace, as if applied to its own Marathon.
 */

const apps = corpusPresent('marathon-wild') ? marathonWildApps() : [];

describeCorpus('marathon-wild', 'real-world Marathon apps on the local control plane', () => {
  const client = kubeClient();
  let operator: Operator;
  const namespaces = new Map<string, string>();

  beforeAll(async () => {
    const operatorNs = await createTestNamespace(client, 'dsvc-wild-op');
    namespaces.set('', operatorNs);
    operator = await startOperator(client, [dcosServiceController()], { webhookMode: 'url', namespace: operatorNs });
    for (const file of new Set(apps.map((a) => a.file))) namespaces.set(file, await createTestNamespace(client, 'dsvc-wild'));
    const probeNs = [...namespaces.values()][0]!;
    await eventually(async () => {
      const res = await kubectl(['create', '--dry-run=server', '-n', probeNs, '-f', '-'], JSON.stringify({ apiVersion: 'dcos.dev/v1alpha1', kind: 'DcosService', metadata: { name: 'probe' }, spec: { cmd: 'a', args: ['b'] } }));
      if (!/spec\.args/.test(res.stderr)) throw new Error(`validating webhook not in effect yet: ${res.stderr || res.stdout}`);
    });
  }, 120_000);
  afterAll(async () => {
    await operator?.stop();
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) await client.delete('admissionregistration.k8s.io/v1', kind, WEBHOOK_CONFIGURATION_NAME).catch(() => false);
    for (const ns of namespaces.values()) await deleteNamespace(client, ns);
  });

  it('reads about 50 files of the corpus', () => {
    expect(new Set(apps.map((a) => a.file)).size).toBeGreaterThanOrEqual(45);
  });

  it.each(apps.map((a) => [a.file, a.appId, a] as const))('%s %s: refused naming the field, or admitted and converging, as docs/compatibility.md says', async (_file, _id, app) => {
    const row = await judgeWildApp(app);
    const ns = namespaces.get(app.file)!;
    if (app.spec === undefined) {
      expect(row.outcome).toBe('refused');
      // kubectl cannot read it either.
      expect((await kubectl(['apply', '--server-side', '-n', ns, '-f', '-'], readFileSync(corpusPath('marathon-wild', app.file), 'utf8'))).status).not.toBe(0);
      return;
    }
    const manifest = JSON.stringify({ apiVersion: 'dcos.dev/v1alpha1', kind: 'DcosService', metadata: { name: app.name, namespace: ns }, spec: app.spec });
    const res = await kubectl(['apply', '--server-side', '-n', ns, '-f', '-'], manifest);
    if (row.outcome === 'refused') {
      expect(res.status, res.stdout).not.toBe(0);
      for (const reason of row.details) expect(res.stderr).toContain(reason.split(':')[0]!);
      return;
    }
    expect(res.status, res.stderr).toBe(0);
    for (const warning of row.details.filter((d) => d.startsWith('spec.'))) expect(res.stderr).toContain(`Warning: ${warning.split(':')[0]}:`);

    const read = serviceReader(client, ns);
    const spec = (await read.getSvc(app.name)).spec;
    const missing = resolveDependencies(app.appId, spec.dependencies).filter((d) => !app.siblings.includes(d));
    if (missing.length > 0) {
      const svc = await read.waitForStatus(app.name, (s) => condition(s, 'Ready')?.reason === 'WaitingForDependencies');
      expect(svc.status?.waitingFor).toEqual(missing);
      return;
    }
    const instances = spec.instances ?? 1;
    if (resolveDependencies(app.appId, spec.dependencies).length > 0) {
      // Its siblings are applied by the tests after this one: it waits for them, as Marathon would.
      const svc = await read.waitForStatus(app.name, (s) => s.status?.observedGeneration === s.metadata.generation && (s.status?.tasksRunning === instances || condition(s, 'Ready')?.reason === 'WaitingForDependencies'));
      expect(svc.status?.appId).toBe(app.appId);
      return;
    }
    // Fixed host ports (taken by other apps on the 4 fake nodes), hostname UNIQUE beyond the node count,
    // constraints no node matches (a value no node label can hold) and persistent volumes (no storage provisioner here) leave tasks staged: every task is then
    // running or staged, as Marathon's would wait for offers.
    const mayStage = row.details.some((d) => d.includes('no node can run the tasks')) || JSON.stringify(spec).includes('"hostPort":') || (spec.constraints ?? []).some((c) => c[1] === 'UNIQUE') || (spec.container?.volumes ?? []).some((v) => v.persistent !== undefined);
    const svc = await read.waitForStatus(app.name, (s) => s.status?.observedGeneration === s.metadata.generation && (mayStage ? (s.status?.tasksRunning ?? 0) + (s.status?.tasksStaged ?? 0) === instances : s.status?.tasksRunning === instances));
    expect(svc.status?.appId).toBe(app.appId);
    // Its workload (a Deployment, or a StatefulSet for persistent volumes) and, for an app with ports,
    // its Service, under names the apiserver takes (`postgres9.5` -> Service `postgres9-5`).
    const translated = translateService(svc as DcosService, { defaultImage: defaultOperatorConfig().defaultImage });
    if (!translated.ok) throw new Error(`admitted but not translated: ${JSON.stringify(translated.errors)}`);
    const workload = await client.get<KubeObjectLike & { spec: { replicas?: number } }>('apps/v1', translated.workload.kind, translated.workload.metadata.name, ns);
    expect(workload.spec.replicas).toBe(instances);
    if (translated.service) {
      const service = await client.get<KubeObjectLike>('v1', 'Service', dnsLabelName(app.name), ns);
      expect(service.metadata.ownerReferences?.[0]?.name).toBe(app.name);
    }
  }, 180_000);
});
