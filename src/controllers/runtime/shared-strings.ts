import type { KubeObjectLike } from '../../kube/kube-client.ts';

/**
 * One copy of the strings that cached objects repeat. JSON.parse gives every object its own copy of
 * each string longer than ten characters: at 10,000 DcosServices the caches held 20,000 copies each
 * of "dcos.dev/v1alpha1", "DcosService" and "dcos-operator" and 10,000 of each condition's reason
 * and message (about 5 MiB). The table is bounded: once full, new strings are kept as they came.
 */
const table = new Map<string, string>();
const TABLE_LIMIT = 20_000;

export function shared<T extends string | undefined>(s: T): T {
  if (s === undefined) return s;
  const kept = table.get(s);
  if (kept !== undefined) return kept as T;
  if (table.size < TABLE_LIMIT) table.set(s, s);
  return s;
}

function sharedValues(map: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in map) out[k] = shared(map[k]!);
  return out;
}

type Metadata = KubeObjectLike['metadata'];
type OwnerReference = NonNullable<Metadata['ownerReferences']>[number];

/** Labels', annotations' and owner references' strings through the table; names and uids as they are. */
export function sharedMetadata<M extends Metadata>(m: M): M {
  return {
    ...m,
    ...(m.labels && { labels: sharedValues(m.labels) }),
    ...(m.annotations && { annotations: sharedValues(m.annotations) }),
    ...(m.ownerReferences && { ownerReferences: m.ownerReferences.map((r: OwnerReference) => ({ ...r, apiVersion: shared(r.apiVersion), kind: shared(r.kind) })) }),
  };
}

interface ConditionLike {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** Conditions' words through the table; one copy of a time the conditions of one write share. */
export function sharedConditions<C extends ConditionLike>(conditions: C[] | undefined): C[] | undefined {
  if (conditions === undefined) return undefined;
  let lastTime: string | undefined;
  return conditions.map((c) => {
    const out = { ...c, type: shared(c.type), status: shared(c.status) };
    if (c.reason !== undefined) out.reason = shared(c.reason);
    if (c.message !== undefined) out.message = shared(c.message);
    if (c.lastTransitionTime !== undefined) {
      if (c.lastTransitionTime === lastTime) out.lastTransitionTime = lastTime;
      lastTime = out.lastTransitionTime;
    }
    return out;
  });
}
