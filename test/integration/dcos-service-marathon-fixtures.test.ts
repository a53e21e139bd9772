import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestNamespace, deleteNamespace, kubeClient } from './support/cluster.ts';
import { startOperator } from './support/operator.ts';
import { condition, dcosService, serviceReader, type Svc } from './support/dcos-services.ts';
import { marathonFixtureApps } from '../support/marathon-fixtures.ts';
import { corpusPresent, describeCorpus } from '../support/corpora.ts';
import { dcosServiceController } from '../../src/controllers/dcos-service-controller.ts';
import { objectNameForAppId, resolveAppId, resolveDependencies, translateService } from '../../src/marathon/index.ts';
import { defaultOperatorConfig } from '../../src/operator/operator-config.ts';
import type { DcosServiceSpec } from '../../src/resources/dcos-service.ts';
import type { Operator } from '../../src/operator/operator.ts';
import type { KubeObjectLike } from '../../src/kube/kube-client.ts';

/*
 * Every Marathon app of the marathon corpus, applied as it is written (webhooks off, so the
 * controller sees every app, also those admission would refuse): it runs, or it waits for a
 * dependency that is not there, or its status says which field cannot run (InvalidSpec).
 * Each fixture file gets its own namespace, as if applied to its own Marathon: two files define /tomcat.
 */

const DEFAULT_IMAGE = defaultOperatorConfig().defaultImage;

/** The apps that cannot run as they are, and fields the rejection must name (as in the unit tests). */
const REJECTED: Record<string, string[]> = {
  // Marathon refused these too: cmd and args together, and an env secret naming no declared secret.
  // (/bridged-webapp, with two health checks, now runs: one liveness probe, the other as readiness.)
  '/foo': ['spec.args', 'spec.env.PASSWORD.secret'],
};

const rows = (corpusPresent('marathon') ? marathonFixtureApps() : []).map(({ source, app }) => {
  const appId = resolveAppId(String(app.id));
  return { source, appId, name: objectNameForAppId(appId), spec: app as DcosServiceSpec };
});
type Row = (typeof rows)[number];

describeCorpus('marathon', 'the Marathon example apps as DcosServices', () => {
  const client = kubeClient();
  let operator: Operator;
  const namespaces = new Map<string, string>();
  const created = new Map<Row, Promise<Svc>>();
  let nodes = 0;

  beforeAll(async () => {
    operator = await startOperator(client, [dcosServiceController()]);
    for (const source of new Set(rows.map((r) => r.source))) namespaces.set(source, await createTestNamespace(client, 'dsvc-fx'));
    type Node = KubeObjectLike & { spec?: { unschedulable?: boolean }; status?: { conditions?: Array<{ type: string; status: string }> } };
    nodes = (await client.list<Node>('v1', 'Node')).items.filter((n) => !n.spec?.unschedulable && n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
    // All at once, as `kubectl apply -f` of a directory would; each test then looks at its own.
    for (const row of rows) {
      const p = client.create(dcosService(namespaces.get(row.source)!, row.name, row.spec));
      p.catch(() => undefined);
      created.set(row, p);
    }
  });
  afterAll(async () => {
    await operator?.stop();
    for (const ns of namespaces.values()) await deleteNamespace(client, ns);
  });

  it('finds the apps of the fixtures', () => {
    expect(rows.length).toBeGreaterThanOrEqual(19);
    expect(new Set(rows.map((r) => r.source)).size).toBeGreaterThanOrEqual(13);
  });

  it.each(rows.map((r) => [r.appId, r.source.split('/').pop()!, r] as const))('%s (%s) runs, waits for a missing dependency, or names the field it cannot run', async (_id, _file, row) => {
    await created.get(row);
    const ns = namespaces.get(row.source)!;
    const read = serviceReader(client, ns);
    // What the apiserver stored (nulls and unknown fields pruned) is what the controller translates.
    const stored = await read.getSvc(row.name);
    const result = translateService(stored as never, { defaultImage: DEFAULT_IMAGE });
    const rejected = REJECTED[row.appId];

    if (rejected) {
      expect(result.ok).toBe(false);
      if (result.ok) return;
      const svc = await read.waitForStatus(row.name, (s) => condition(s, 'Ready')?.reason === 'InvalidSpec');
      const ready = condition(svc, 'Ready')!;
      expect(ready.status).toBe('False');
      expect(ready.message).toBe(result.errors.map((e) => `${e.path}: ${e.message}`).join('; '));
      for (const field of rejected) expect(ready.message).toContain(`${field}: `);
      expect(await client.getOrUndefined('apps/v1', 'Deployment', row.name, ns)).toBeUndefined();
      return;
    }
    if (!result.ok) throw new Error(`${row.appId} was expected to translate: ${JSON.stringify(result.errors)}`);

    const instances = stored.spec.instances ?? 1;
    const present = new Set(rows.filter((r) => r.source === row.source && !REJECTED[r.appId]).map((r) => r.appId));
    const missing = resolveDependencies(row.appId, stored.spec.dependencies).filter((d) => !present.has(d));
    if (missing.length > 0) {
      // Marathon would not start it either: it waits at 0 instances and says for what.
      const svc = await read.waitForStatus(row.name, (s) => condition(s, 'Ready')?.reason === 'WaitingForDependencies' && s.status?.waitingFor?.length === missing.length);
      expect(svc.status?.waitingFor).toEqual(missing);
      expect(condition(svc, 'Ready')?.message).toContain(missing[0]);
      expect((await read.getDeployment(row.name)).spec.replicas).toBe(0);
      return;
    }

    // hostname UNIQUE places at most one task per node: more instances than nodes leave the rest staged.
    const unique = (stored.spec.constraints ?? []).some((c) => c[0] === 'hostname' && c[1] === 'UNIQUE');
    const running = unique ? Math.min(instances, nodes) : instances;
    const svc = await read.waitForStatus(row.name, (s) => s.status?.observedGeneration === s.metadata.generation && s.status?.tasksRunning === running && s.status.tasksStaged === instances - running && (running < instances || condition(s, 'Ready')?.status === 'True'));
    const deployment = await read.getDeployment(row.name);
    expect(deployment.spec.replicas).toBe(instances);
    expect(deployment.metadata.annotations?.['dcos.dev/app-id']).toBe(row.appId);
    expect(deployment.spec.template.spec.containers[0]!.image).toBe(stored.spec.container?.docker?.image ?? DEFAULT_IMAGE);
    // `kubectl get dsvc -o wide` shows the image that runs, the default one too.
    expect(svc.status?.image).toBe(stored.spec.container?.docker?.image ?? DEFAULT_IMAGE);
    if (running === instances) {
      expect(condition(svc, 'Ready')).toMatchObject({ status: 'True', reason: 'Running' });
      expect(svc.status?.health).toBe((stored.spec.healthChecks ?? []).length > 0 ? 'Healthy' : 'NA');
    } else {
      expect(condition(svc, 'Ready')?.status).toBe('False');
    }
    if (result.service) expect(await client.getOrUndefined('v1', 'Service', row.name, ns)).toBeDefined();
  });
});
