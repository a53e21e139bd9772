// Compacting the local cluster's etcd through its v3 HTTP gateway (plain HTTP on loopback, see
// control-plane-components.ts): no etcdctl is built with etcd.
import { clusterPorts } from '../src/cluster/cluster-layout.ts';

async function etcdCall<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${clusterPorts().etcdClient}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  if (!res.ok) throw new Error(`etcd ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Compacts etcd at its current revision (every older revision gone); returns that revision. */
export async function compactEtcd(): Promise<number> {
  // A range over one key answers with the store's current revision in its header.
  const { header } = await etcdCall<{ header: { revision: string } }>('/v3/kv/range', { key: Buffer.from('/').toString('base64') });
  const revision = Number(header.revision);
  await etcdCall('/v3/kv/compaction', { revision, physical: true });
  return revision;
}
