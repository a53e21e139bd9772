import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, deleteNamespace, ensureCrds, kubeClient, kubectlAsync } from './support/cluster.ts';
import { startOperator } from './support/operator.ts';
import type { Operator } from '../../src/operator/operator.ts';
import type { KubeObjectLike } from '../../src/kube/kube-client.ts';

const PACKAGES = fileURLToPath(new URL('../../packages', import.meta.url));
const REPO = 'webhook-options-repo';

describe('DcosPackage options checked at admission against the package\'s config.json', () => {
  const client = kubeClient();
  let ns: string;
  let operator: Operator;

  beforeAll(async () => {
    await ensureCrds(client);
    // Before the operator starts, so its webhook's first read of the repositories already has it.
    await client.delete('dcos.dev/v1alpha1', 'DcosPackageRepository', REPO);
    await client.create({ apiVersion: 'dcos.dev/v1alpha1', kind: 'DcosPackageRepository', metadata: { name: REPO }, spec: { directory: PACKAGES, priority: 50 } } as KubeObjectLike);
    operator = await startOperator(client, [], { webhookMode: 'url' });
    ns = await createTestNamespace(client, 'pkgopts');
  });
  afterAll(async () => {
    await operator?.stop();
    await client.delete('dcos.dev/v1alpha1', 'DcosPackageRepository', REPO);
    await deleteNamespace(client, ns);
  });

  const apply = (options: unknown) =>
    kubectlAsync(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'dcos.dev/v1alpha1', kind: 'DcosPackage', metadata: { name: 'web', namespace: ns }, spec: { packageName: 'nginx', options } }));

  it('refuses options the package does not allow, naming the option path', async () => {
    const res = await apply({ nginx: { cpus: 0, color: 'blue' } });
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(/DcosPackage "web" is invalid/);
    expect(res.stderr).toMatch(/spec\.options\.nginx\.cpus/);
    expect(res.stderr).toMatch(/spec\.options\.nginx.*color/);
  });

  it('admits options that validate', async () => {
    const res = await apply({ nginx: { cpus: 0.2, instances: 2 } });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
  });
});
