import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controllerFactories } from '../../src/controllers/index.ts';
import { isConflict, type KubeObjectLike } from '../../src/kube/kube-client.ts';
import type { Operator } from '../../src/operator/operator.ts';
import { eventually, kubeClient } from './support/cluster.ts';
import { startOperator, startReplica } from './support/operator.ts';

type Lease = KubeObjectLike & { spec: { holderIdentity?: string } };
type NodesView = { rows: Array<[string, ...unknown[]]> };

/** The first server-sent event of a stream, and the response's content type. */
async function firstEvent(url: string): Promise<{ status: number; type: string | null; event: string }> {
  const controller = new AbortController();
  try {
    const res = await fetch(url, { signal: controller.signal });
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('\n\n')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    return { status: res.status, type: res.headers.get('content-type'), event: text.split('\n\n')[0]! };
  } finally {
    controller.abort();
  }
}

describe('two replicas behind one Service: the standby passes UI requests on to the leader', () => {
  const client = kubeClient();
  const leaseName = `forward-${randomBytes(3).toString('hex')}`;
  const namespace = 'dcos-test-operator';
  let leader: Operator;
  let standby: Operator;
  const url = (op: Operator, path: string) => `http://127.0.0.1:${op.ports.metrics}${path}`;

  beforeAll(async () => {
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } } as KubeObjectLike).catch((err) => {
      if (!isConflict(err)) throw err;
    });
    leader = await startOperator(client, controllerFactories, { leaderElect: true, leaseName, identity: `${leaseName}-a` });
    standby = await startReplica(client, controllerFactories, { leaderElect: true, leaseName, identity: `${leaseName}-b` });
  });

  afterAll(async () => {
    await standby?.stop();
    await leader?.stop();
    await client.delete('coordination.k8s.io/v1', 'Lease', leaseName, namespace);
  });

  it('writes its address on the Lease, and the standby answers the UI with the leader\'s data', async () => {
    const lease = await client.get<Lease>('coordination.k8s.io/v1', 'Lease', leaseName, namespace);
    expect(lease.spec.holderIdentity).toBe(`${leaseName}-a`);
    expect(lease.metadata.annotations?.['dcos.dev/leader-http']).toBe(`http://127.0.0.1:${leader.ports.metrics}`);
    expect(standby.isLeader).toBe(false);
    // The standby reads the Lease every retry period; until then it says it stands by.
    const fromStandby = await eventually(async () => {
      const res = await fetch(url(standby, '/ui/api/view?topic=nodes'));
      expect(res.status).toBe(200);
      return (await res.json()) as NodesView;
    });
    const fromLeader = (await (await fetch(url(leader, '/ui/api/view?topic=nodes'))).json()) as NodesView;
    // Rows start with the node's name: the kwok nodes of the local cluster.
    expect(fromStandby.rows.map((r) => r[0]).sort()).toEqual(fromLeader.rows.map((r) => r[0]).sort());
    expect(fromStandby.rows.length).toBeGreaterThan(0);
  });

  it('passes live updates on as they come (server-sent events)', async () => {
    const stream = await firstEvent(url(standby, '/ui/api/stream?topic=services'));
    expect(stream.status).toBe(200);
    expect(stream.type).toMatch(/^text\/event-stream/);
    expect(stream.event).toMatch(/^event: \w+\ndata: \{/);
  });

  it('passes a request on once only: a passed-on request reaching a standby is answered there', async () => {
    const res = await fetch(url(standby, '/ui/api/view?topic=nodes'), { headers: { 'x-dcos-forwarded-by': 'another-standby' } });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { standby: boolean }).standby).toBe(true);
  });

  it('serves itself once it leads: the old leader stopped and gave the Lease up', async () => {
    await leader.stop();
    await eventually(() => expect(standby.isLeader).toBe(true), 30_000);
    const res = await eventually(async () => {
      const r = await fetch(url(standby, '/ui/api/view?topic=nodes'), { headers: { 'x-dcos-forwarded-by': 'nobody' } });
      expect(r.status).toBe(200);
      return r;
    });
    expect(res.headers.get('content-type')).toMatch(/json/);
    const lease = await client.get<Lease>('coordination.k8s.io/v1', 'Lease', leaseName, namespace);
    expect(lease.metadata.annotations?.['dcos.dev/leader-http']).toBe(`http://127.0.0.1:${standby.ports.metrics}`);
  });
});
