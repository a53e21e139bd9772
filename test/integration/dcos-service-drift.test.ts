import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestNamespace, deleteNamespace, eventually, kubeClient, kubectl } from './support/cluster.ts';
import { startOperator } from './support/operator.ts';
import { dcosService, serviceReader, simpleApp } from './support/dcos-services.ts';
import { dcosServiceController } from '../../src/controllers/dcos-service-controller.ts';
import type { Operator } from '../../src/operator/operator.ts';

/*
 * The Deployment is the operator's: what it sets there (from the Marathon app) is put back when
 * changed by hand, and what it does not set (a label, an annotation a user or another tool adds)
 * is left alone. The periodic resync is set to 10 minutes here, far longer than the waits: the
 * reverts must come from the Deployment's own watch events.
 */
describe('DcosService drift on the Deployment', () => {
  const client = kubeClient();
  let ns: string;
  let operator: Operator;
  let read: ReturnType<typeof serviceReader>;

  beforeAll(async () => {
    operator = await startOperator(client, [dcosServiceController()], { resyncSeconds: 600 });
    ns = await createTestNamespace(client, 'dsvc-drift');
    read = serviceReader(client, ns);
    await client.create(dcosService(ns, 'owned', simpleApp({ instances: 2 })));
    await read.waitRunning('owned', 2);
  });
  afterAll(async () => {
    await operator?.stop();
    if (ns) await deleteNamespace(client, ns);
  });

  it('puts the replicas back after `kubectl scale deployment`', async () => {
    expect(kubectl(['scale', '-n', ns, 'deployment/owned', '--replicas=5']).status).toBe(0);
    await eventually(async () => expect((await read.getDeployment('owned')).spec.replicas).toBe(2), 30_000);
    await read.waitRunning('owned', 2);
    await eventually(async () => expect(await read.livePods('owned')).toHaveLength(2));
    // The DcosService still says 2: the Deployment follows it, never the other way round.
    expect((await read.getSvc('owned')).spec.instances).toBe(2);
  });

  it('puts the image back after `kubectl set image`', async () => {
    expect(kubectl(['set', 'image', '-n', ns, 'deployment/owned', 'app=nginx:hand-made']).status).toBe(0);
    await eventually(async () => expect((await read.getDeployment('owned')).spec.template.spec.containers[0]!.image).toBe('python:3.12-slim'), 30_000);
    await read.waitRunning('owned', 2);
  });

  it('puts back an owned annotation removed by hand, and leaves labels and annotations it does not own', async () => {
    expect(kubectl(['label', '-n', ns, 'deployment/owned', 'team=payments']).status).toBe(0);
    expect(kubectl(['annotate', '-n', ns, 'deployment/owned', 'example.com/owner=alice']).status).toBe(0);
    // Removing an annotation the operator sets (the Marathon app id) by hand is drift too.
    expect(kubectl(['annotate', '-n', ns, 'deployment/owned', 'dcos.dev/app-id-']).status).toBe(0);
    await eventually(async () => expect((await read.getDeployment('owned')).metadata.annotations?.['dcos.dev/app-id']).toBe('/owned'), 30_000);

    // A change the operator acts on: the reconcile that follows must keep what it does not own.
    expect(kubectl(['scale', '-n', ns, 'dsvc/owned', '--replicas=3']).status).toBe(0);
    await read.waitRunning('owned', 3);
    const deployment = await read.getDeployment('owned');
    expect(deployment.spec.replicas).toBe(3);
    expect(deployment.metadata.labels).toMatchObject({ team: 'payments', 'dcos.dev/service': 'owned', 'app.kubernetes.io/managed-by': 'dcos-operator' });
    expect(deployment.metadata.annotations).toMatchObject({ 'example.com/owner': 'alice', 'dcos.dev/app-id': '/owned' });
  });
});
