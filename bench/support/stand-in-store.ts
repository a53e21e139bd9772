/**
 * The objects of a stand-in apiserver (bench/support/stand-in-apiserver.ts), and the semantics of the
 * REST verbs the operator uses, as kube-apiserver gives them:
 * - one resourceVersion counter for everything; a write that changes nothing (an apply of what is
 *   there) keeps the object's resourceVersion and sends no watch event;
 * - lists in pages (limit / continue) of a snapshot taken at the first page, with the snapshot's
 *   resourceVersion, so a watch from it sees every change made while the pages were read;
 * - watches from a resourceVersion, replayed from each collection's recent events, 410 Gone (an ERROR
 *   event) when that resourceVersion is older than what is kept, bookmarks, label and field selectors;
 * - metadata.generation moved by spec changes only, for the kinds that have one;
 * - server-side apply, merge patch, create, replace (with resourceVersion preconditions), delete.
 * Objects may share sub-objects (150,000 pods with one defaulted spec each would not fit a bench
 * machine twice): nothing here mutates a stored object, every write builds a new one.
 */
import { randomUUID } from 'node:crypto';

export interface Meta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{ apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }>;
  [key: string]: unknown;
}

export interface Obj {
  apiVersion?: string;
  kind?: string;
  metadata: Meta;
  spec?: unknown;
  status?: unknown;
  [key: string]: unknown;
}

export interface ResourceDef {
  apiVersion: string;
  plural: string;
  kind: string;
  namespaced: boolean;
  /** Spec changes move metadata.generation (workloads and custom resources; not core Services, Pods, Nodes). */
  generation: boolean;
}

export const RESOURCES: ResourceDef[] = [
  { apiVersion: 'v1', plural: 'namespaces', kind: 'Namespace', namespaced: false, generation: false },
  { apiVersion: 'v1', plural: 'nodes', kind: 'Node', namespaced: false, generation: false },
  { apiVersion: 'v1', plural: 'pods', kind: 'Pod', namespaced: true, generation: false },
  { apiVersion: 'v1', plural: 'services', kind: 'Service', namespaced: true, generation: false },
  { apiVersion: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true, generation: false },
  { apiVersion: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true, generation: false },
  { apiVersion: 'v1', plural: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', namespaced: true, generation: false },
  { apiVersion: 'events.k8s.io/v1', plural: 'events', kind: 'Event', namespaced: true, generation: false },
  { apiVersion: 'apps/v1', plural: 'deployments', kind: 'Deployment', namespaced: true, generation: true },
  { apiVersion: 'apps/v1', plural: 'statefulsets', kind: 'StatefulSet', namespaced: true, generation: true },
  { apiVersion: 'coordination.k8s.io/v1', plural: 'leases', kind: 'Lease', namespaced: true, generation: false },
  { apiVersion: 'dcos.dev/v1alpha1', plural: 'dcosservices', kind: 'DcosService', namespaced: true, generation: true },
  { apiVersion: 'dcos.dev/v1alpha1', plural: 'dcospackages', kind: 'DcosPackage', namespaced: true, generation: true },
  { apiVersion: 'dcos.dev/v1alpha1', plural: 'dcospackagerepositories', kind: 'DcosPackageRepository', namespaced: false, generation: true },
  { apiVersion: 'dcos.dev/v1alpha1', plural: 'dcosclusters', kind: 'DcosCluster', namespaced: false, generation: true },
];

/** A failed request, answered as a metav1.Status. */
export class StandInError extends Error {
  readonly code: number;
  readonly reason: string;
  constructor(code: number, reason: string, message: string) {
    super(message);
    this.code = code;
    this.reason = reason;
  }
}

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** A change of a stored object, for the stand-in's own simulation (workload controllers, kubelets). */
export type ChangeListener = (def: ResourceDef, type: EventType, obj: Obj, old: Obj | undefined) => void;

interface LoggedEvent {
  rv: number;
  obj: Obj;
  /** The watch line, serialized once for every watcher. */
  line: string;
}

export interface Selectors {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

type Predicate = (obj: Obj) => boolean;

/** Equality, inequality and existence terms, comma-separated (what the operator and kubectl send). */
function labelPredicate(selector: string | undefined): Predicate {
  if (!selector) return () => true;
  const terms = selector.split(',').map((term) => {
    const ne = term.indexOf('!=');
    if (ne > 0) return { key: term.slice(0, ne).trim(), value: term.slice(ne + 2).trim(), equal: false };
    const eq = term.indexOf('=');
    if (eq > 0) return { key: term.slice(0, eq).trim(), value: term.slice(eq + 1).replace(/^=/, '').trim(), equal: true };
    return { key: term.trim(), value: undefined, equal: true };
  });
  return (obj) => {
    const labels = obj.metadata.labels ?? {};
    return terms.every((t) => (t.value === undefined ? t.key in labels : (labels[t.key] === t.value) === t.equal));
  };
}

/** Equality of dotted paths (`regarding.apiVersion=dcos.dev/v1alpha1`, `metadata.name=x`). */
function fieldPredicate(selector: string | undefined): Predicate {
  if (!selector) return () => true;
  const terms = selector.split(',').map((term) => {
    const ne = term.indexOf('!=');
    const eq = term.indexOf('=');
    const at = ne > 0 ? ne : eq;
    return { path: term.slice(0, at).split('.'), value: term.slice(at + (ne > 0 ? 2 : 1)).replace(/^=/, ''), equal: ne < 0 };
  });
  return (obj) =>
    terms.every((t) => {
      let v: unknown = obj;
      for (const p of t.path) v = v === null || typeof v !== 'object' ? undefined : (v as Record<string, unknown>)[p];
      return (String(v ?? '') === t.value) === t.equal;
    });
}

function matcher(sel: Selectors): Predicate {
  const labels = labelPredicate(sel.labelSelector);
  const fields = fieldPredicate(sel.fieldSelector);
  return (obj) => (sel.namespace === undefined || obj.metadata.namespace === sel.namespace) && labels(obj) && fields(obj);
}

const keyOf = (namespace: string | undefined, name: string) => (namespace ? `${namespace}/${name}` : name);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** RFC 7386: a new value, the inputs untouched. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Deep equality of JSON values, key order ignored. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => sameJson(a[k], b[k]));
  }
  return false;
}

interface Watcher {
  matches: Predicate;
  send: (line: string) => void;
}

class Collection {
  readonly items = new Map<string, Obj>();
  readonly log: LoggedEvent[] = [];
  /** Events older than this resourceVersion are no longer kept: a watch from before it is 410 Gone. */
  compactedRv = 0;
  readonly watchers = new Set<Watcher>();
  readonly def: ResourceDef;
  constructor(def: ResourceDef) {
    this.def = def;
  }
}

export interface ListPage {
  items: Obj[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface StoreOptions {
  /** Events kept per collection for watches that resume (kube-apiserver's watch cache keeps 100 per resource by default, more when sized up). */
  eventsKept?: number;
}

export class StandInStore {
  private rv = 1;
  private readonly collections = new Map<string, Collection>();
  private readonly snapshots = new Map<string, { keys: string[]; rv: number; collection: Collection }>();
  private nextSnapshot = 0;
  private readonly eventsKept: number;
  private readonly listeners: ChangeListener[] = [];

  constructor(opts: StoreOptions = {}) {
    this.eventsKept = opts.eventsKept ?? 20_000;
    for (const def of RESOURCES) this.collections.set(`${def.apiVersion}/${def.plural}`, new Collection(def));
  }

  get resourceVersion(): number {
    return this.rv;
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  def(apiVersion: string, plural: string): ResourceDef {
    return this.collection(apiVersion, plural).def;
  }

  private collection(apiVersion: string, plural: string): Collection {
    const c = this.collections.get(`${apiVersion}/${plural}`);
    if (!c) throw new StandInError(404, 'NotFound', `the server could not find the requested resource (${apiVersion} ${plural})`);
    return c;
  }

  size(apiVersion: string, plural: string): number {
    return this.collection(apiVersion, plural).items.size;
  }

  /** Every stored object of a collection (for the stand-in's own simulation and checks). */
  values(apiVersion: string, plural: string): IterableIterator<Obj> {
    return this.collection(apiVersion, plural).items.values();
  }

  get(apiVersion: string, plural: string, namespace: string | undefined, name: string): Obj {
    const c = this.collection(apiVersion, plural);
    const obj = c.items.get(keyOf(c.def.namespaced ? namespace : undefined, name));
    if (!obj) throw new StandInError(404, 'NotFound', `${plural} "${name}" not found`);
    return obj;
  }

  find(apiVersion: string, plural: string, namespace: string | undefined, name: string): Obj | undefined {
    const c = this.collection(apiVersion, plural);
    return c.items.get(keyOf(c.def.namespaced ? namespace : undefined, name));
  }

  /**
   * A page of a list. The first page snapshots the matching keys and the resourceVersion; the
   * following pages read the snapshot's keys (an object deleted meanwhile is left out, one changed
   * meanwhile is served as it is now: the watch from the snapshot's resourceVersion replays both).
   */
  list(apiVersion: string, plural: string, sel: Selectors, limit?: number, cont?: string): ListPage {
    const c = this.collection(apiVersion, plural);
    let snapshot: { keys: string[]; rv: number; collection: Collection };
    let offset = 0;
    let id: string;
    if (cont) {
      const [sid, off] = cont.split(':');
      const found = this.snapshots.get(sid!);
      if (!found || found.collection !== c) throw new StandInError(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result.');
      snapshot = found;
      offset = Number(off);
      id = sid!;
    } else {
      const matches = matcher({ ...sel, namespace: c.def.namespaced ? sel.namespace : undefined });
      const keys: string[] = [];
      for (const [k, obj] of c.items) if (matches(obj)) keys.push(k);
      snapshot = { keys, rv: this.rv, collection: c };
      id = String(this.nextSnapshot++);
    }
    const end = limit && limit > 0 ? Math.min(snapshot.keys.length, offset + limit) : snapshot.keys.length;
    const items: Obj[] = [];
    for (let i = offset; i < end; i++) {
      const obj = c.items.get(snapshot.keys[i]!);
      if (obj) items.push(obj);
    }
    if (end >= snapshot.keys.length) {
      this.snapshots.delete(id);
      return { items, resourceVersion: String(snapshot.rv) };
    }
    if (!this.snapshots.has(id)) {
      this.snapshots.set(id, snapshot);
      // An abandoned list's snapshot goes after a while, as the apiserver's continue tokens expire.
      setTimeout(() => this.snapshots.delete(id), 600_000).unref();
    }
    return { items, resourceVersion: String(snapshot.rv), continue: `${id}:${end}`, remainingItemCount: snapshot.keys.length - end };
  }

  /**
   * A watch from `fromRv`: the kept events after it, then every new one, each through `send` as one
   * JSON line. Throws a 410 StandInError when events after `fromRv` are no longer kept. Returns the
   * function that ends it.
   */
  watch(apiVersion: string, plural: string, sel: Selectors, fromRv: number, send: (line: string) => void): () => void {
    const c = this.collection(apiVersion, plural);
    if (fromRv < c.compactedRv) throw new StandInError(410, 'Expired', `too old resource version: ${fromRv} (${c.compactedRv})`);
    const w: Watcher = { matches: matcher({ ...sel, namespace: c.def.namespaced ? sel.namespace : undefined }), send };
    for (const e of c.log) if (e.rv > fromRv && w.matches(e.obj)) send(e.line);
    c.watchers.add(w);
    return () => c.watchers.delete(w);
  }

  /** A BOOKMARK line for every watcher: the current resourceVersion, so a quiet watch resumes from a fresh one. */
  bookmarkAll(): void {
    for (const c of this.collections.values()) {
      if (c.watchers.size === 0) continue;
      const line = JSON.stringify({ type: 'BOOKMARK', object: { apiVersion: c.def.apiVersion, kind: c.def.kind, metadata: { resourceVersion: String(this.rv) } } }) + '\n';
      for (const w of c.watchers) w.send(line);
    }
  }

  /** Puts an object in without a watch event: the cluster as it was before anyone watched. */
  seed(def: ResourceDef, obj: Obj): void {
    const c = this.collection(def.apiVersion, def.plural);
    const rv = ++this.rv;
    const metadata = { ...obj.metadata, uid: obj.metadata.uid ?? randomUUID(), resourceVersion: String(rv) };
    c.items.set(keyOf(metadata.namespace, metadata.name), { ...obj, apiVersion: def.apiVersion, kind: def.kind, metadata });
  }

  private record(c: Collection, type: EventType, obj: Obj, old: Obj | undefined): void {
    const rv = Number(obj.metadata.resourceVersion);
    const line = JSON.stringify({ type, object: obj }) + '\n';
    c.log.push({ rv, obj, line });
    if (c.log.length > this.eventsKept * 1.25) {
      const dropped = c.log.splice(0, c.log.length - this.eventsKept);
      c.compactedRv = dropped[dropped.length - 1]!.rv;
    }
    for (const w of c.watchers) if (w.matches(obj)) w.send(line);
    for (const l of this.listeners) l(c.def, type, obj, old);
  }

  create(apiVersion: string, plural: string, namespace: string | undefined, body: Obj): Obj {
    const c = this.collection(apiVersion, plural);
    const ns = c.def.namespaced ? (namespace ?? body.metadata?.namespace) : undefined;
    let name = body.metadata?.name;
    if (!name && typeof body.metadata?.generateName === 'string') name = `${body.metadata.generateName}${randomUUID().slice(0, 5)}`;
    if (!name) throw new StandInError(422, 'Invalid', `${c.def.kind}: metadata.name: Required value`);
    const key = keyOf(ns, name);
    if (c.items.has(key)) throw new StandInError(409, 'AlreadyExists', `${plural} "${name}" already exists`);
    const rv = ++this.rv;
    const metadata: Meta = {
      ...body.metadata,
      name,
      ...(ns ? { namespace: ns } : {}),
      uid: randomUUID(),
      resourceVersion: String(rv),
      creationTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      ...(c.def.generation ? { generation: 1 } : {}),
    };
    const obj: Obj = { ...body, apiVersion: c.def.apiVersion, kind: c.def.kind, metadata };
    c.items.set(key, obj);
    this.record(c, 'ADDED', obj, undefined);
    return obj;
  }

  /** Stores `next` in place of `old` when it differs; moves generation on a spec change. */
  private update(c: Collection, old: Obj, next: Obj): Obj {
    const specChanged = !sameJson(old.spec, next.spec);
    const changed = specChanged || !sameJson(old.status, next.status) || !sameJson({ ...old.metadata, resourceVersion: undefined, generation: undefined }, { ...next.metadata, resourceVersion: undefined, generation: undefined });
    if (!changed) return old;
    const rv = ++this.rv;
    const metadata: Meta = { ...next.metadata, uid: old.metadata.uid, creationTimestamp: old.metadata.creationTimestamp, resourceVersion: String(rv) };
    if (c.def.generation) metadata.generation = (old.metadata.generation ?? 1) + (specChanged ? 1 : 0);
    const obj: Obj = { ...next, apiVersion: c.def.apiVersion, kind: c.def.kind, metadata };
    c.items.set(keyOf(metadata.namespace, metadata.name), obj);
    this.record(c, 'MODIFIED', obj, old);
    return obj;
  }

  /**
   * Server-side apply by the one field manager there is: the fields it sends are the object's (its
   * spec, labels and annotations; with `status`, the whole status); other metadata stays.
   */
  apply(apiVersion: string, plural: string, namespace: string | undefined, name: string, body: Obj, subresource?: string): Obj {
    const c = this.collection(apiVersion, plural);
    const old = this.find(apiVersion, plural, namespace, name);
    if (subresource === 'status') {
      if (!old) throw new StandInError(404, 'NotFound', `${plural} "${name}" not found`);
      return this.update(c, old, { ...old, status: body.status });
    }
    if (!old) return this.create(apiVersion, plural, namespace, { ...body, metadata: { ...body.metadata, name } });
    const { status: _ignored, metadata, ...rest } = body;
    const labels = metadata?.labels ?? old.metadata.labels;
    const annotations = { ...old.metadata.annotations, ...metadata?.annotations };
    const next: Obj = {
      ...old,
      ...rest,
      metadata: { ...old.metadata, ...(labels ? { labels } : {}), ...(Object.keys(annotations).length ? { annotations } : {}), ...(metadata?.ownerReferences ? { ownerReferences: metadata.ownerReferences } : {}) },
    };
    return this.update(c, old, next);
  }

  patch(apiVersion: string, plural: string, namespace: string | undefined, name: string, patch: unknown, subresource?: string): Obj {
    const c = this.collection(apiVersion, plural);
    const old = this.get(apiVersion, plural, namespace, name);
    const merged = mergePatch(old, patch) as Obj;
    // A status patch changes status alone; a patch of the object leaves status to /status.
    const next = subresource === 'status' ? { ...old, status: merged.status } : { ...merged, status: old.status, metadata: { ...merged.metadata, name, namespace: old.metadata.namespace } };
    return this.update(c, old, next);
  }

  replace(apiVersion: string, plural: string, namespace: string | undefined, name: string, body: Obj): Obj {
    const c = this.collection(apiVersion, plural);
    const old = this.get(apiVersion, plural, namespace, name);
    const rv = body.metadata?.resourceVersion;
    if (rv && rv !== old.metadata.resourceVersion) throw new StandInError(409, 'Conflict', `Operation cannot be fulfilled on ${plural} "${name}": the object has been modified; please apply your changes to the latest version and try again`);
    return this.update(c, old, { ...body, metadata: { ...body.metadata, name, namespace: old.metadata.namespace } });
  }

  delete(apiVersion: string, plural: string, namespace: string | undefined, name: string): Obj {
    const c = this.collection(apiVersion, plural);
    const old = this.get(apiVersion, plural, namespace, name);
    c.items.delete(keyOf(old.metadata.namespace, old.metadata.name));
    const obj = { ...old, metadata: { ...old.metadata, resourceVersion: String(++this.rv) } };
    this.record(c, 'DELETED', obj, old);
    return obj;
  }
}
