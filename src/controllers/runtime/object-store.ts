import { objectKey, splitKey } from './object-key.ts';

export interface StoredObject {
  metadata: { name: string; namespace?: string; resourceVersion?: string; [key: string]: unknown };
}

export interface StoreHandlers<T> {
  /** `raw` is the object as the apiserver sent it, before the projection the cache keeps. */
  onAdd?(obj: T, raw: T): void;
  onUpdate?(oldObj: T, newObj: T, raw: T): void;
  /** `raw` is the final object of a watch DELETED event; after a relist only the cached projection exists. */
  onDelete?(obj: T, raw: T): void;
  /**
   * A relist ended: `listed` names every object it found. Untracked objects not named are gone; a
   * handler that holds them finds them here (tracked ones are reported by onDelete). Not called
   * after the first list, which can find nothing gone.
   */
  onRelisted?(listed: ListedNames): void;
}

/**
 * Objects a cache does not keep at all (a pod no DcosService owns: the accounting ledger keeps what
 * it needs of it, by namespace and name). Their events still reach the handlers, as `bare` builds
 * them: ADDED and MODIFIED as onAdd (nothing held tells one from the other), DELETED as onDelete;
 * those a relist did not find are for the handlers to find through onRelisted.
 */
export interface Untracked<T> {
  is(raw: T): boolean;
  /** What handlers get for such an object instead of a cached projection. */
  bare(raw: T): T;
}

/** What a reconcile reads of a cache: an informer's store, or a test's own. */
export interface CacheView<T> {
  get(key: string): T | undefined;
  list(): T[];
}

/** The objects of one namespace ('' for cluster-scoped ones), under the one copy of its name. */
interface Namespace<T> {
  name: string;
  items: Map<string, T>;
}

/**
 * The cache a reflector fills: only projected objects (what the controllers read), keyed like
 * client-go. Handlers hear about changes; a relist that replaces everything reports what really changed.
 * Objects are held by namespace, then name: no `namespace/name` key string per object, and every
 * object of a namespace shares one copy of its name (150,000 pods held 300,000 key strings and
 * 150,000 copies of a few namespace names, about 16 MiB).
 */
export class ObjectStore<T extends StoredObject> {
  private readonly namespaces = new Map<string, Namespace<T>>();
  private count = 0;
  private readonly handlers: StoreHandlers<T>[] = [];
  private readonly project: (obj: T) => T;
  private readonly untracked: Untracked<T> | undefined;

  private readonly onHandlerError: (err: unknown, key: string) => void;

  /**
   * A handler that throws is reported through `onHandlerError` and the others still run: thrown
   * out of a list, one odd object made every relist fail and the caches never synced.
   */
  constructor(project: (obj: T) => T = (o) => o, onHandlerError: (err: unknown, key: string) => void = () => undefined, untracked?: Untracked<T>) {
    this.project = project;
    this.onHandlerError = onHandlerError;
    this.untracked = untracked;
  }

  /** `about`: the object a failing handler is reported for (its key is built only then). */
  private each(about: StoredObject | undefined, call: (h: StoreHandlers<T>) => void): void {
    for (const h of this.handlers) {
      try {
        call(h);
      } catch (err) {
        this.onHandlerError(err, about ? objectKey(about) : '');
      }
    }
  }

  addHandlers(h: StoreHandlers<T>): void {
    this.handlers.push(h);
  }

  get(key: string): T | undefined {
    const { namespace, name } = splitKey(key);
    const ns = this.namespaces.get(namespace ?? '');
    return ns?.items.get(name);
  }

  list(): T[] {
    const all: T[] = [];
    for (const ns of this.namespaces.values()) for (const item of ns.items.values()) all.push(item);
    return all;
  }

  keys(): string[] {
    const keys: string[] = [];
    for (const ns of this.namespaces.values()) for (const name of ns.items.keys()) keys.push(ns.name ? `${ns.name}/${name}` : name);
    return keys;
  }

  get size(): number {
    return this.count;
  }

  upsert(raw: T): void {
    const nsName = raw.metadata.namespace ?? '';
    let ns = this.namespaces.get(nsName);
    if (this.untracked?.is(raw)) {
      const bare = this.untracked.bare(raw);
      // No longer one the cache keeps (a pod that lost its service's label): the cache lets go of it.
      const old = ns?.items.get(raw.metadata.name);
      if (old !== undefined) this.forget(ns!, raw.metadata.name);
      this.each(raw, (h) => (old !== undefined ? h.onUpdate?.(old, bare, raw) : h.onAdd?.(bare, raw)));
      return;
    }
    if (!ns) this.namespaces.set(nsName, (ns = { name: nsName, items: new Map() }));
    const obj = this.project(raw);
    const metadata = obj.metadata;
    if (metadata.namespace !== undefined) metadata.namespace = ns.name;
    const old = ns.items.get(metadata.name);
    ns.items.set(metadata.name, obj);
    if (!old) {
      this.count++;
      this.each(obj, (h) => h.onAdd?.(obj, raw));
    } else if (old.metadata.resourceVersion !== metadata.resourceVersion) this.each(obj, (h) => h.onUpdate?.(old, obj, raw));
  }

  remove(raw: T): void {
    const ns = this.namespaces.get(raw.metadata.namespace ?? '');
    const old = ns?.items.get(raw.metadata.name);
    if (old === undefined) {
      if (this.untracked?.is(raw)) {
        const bare = this.untracked.bare(raw);
        this.each(raw, (h) => h.onDelete?.(bare, raw));
      }
      return;
    }
    this.forget(ns!, raw.metadata.name);
    this.each(old, (h) => h.onDelete?.(old, raw));
  }

  private forget(ns: Namespace<T>, name: string): void {
    ns.items.delete(name);
    this.count--;
    if (ns.items.size === 0) this.namespaces.delete(ns.name);
  }

  /** After a (re)list: the listed objects become the whole truth; those gone are reported deleted. */
  replace(list: T[]): void {
    const listed = new ListedNames();
    for (const raw of list) {
      listed.add(raw.metadata.namespace, raw.metadata.name);
      this.upsert(raw);
    }
    this.retainOnly(listed);
  }

  /**
   * The end of a (re)list fed page by page through upsert: whatever the list did not name is gone,
   * and reported deleted.
   */
  retainOnly(listed: ListedNames): void {
    for (const ns of [...this.namespaces.values()]) {
      for (const [name, item] of [...ns.items]) if (!listed.has(ns.name, name)) this.remove(item);
    }
    this.each(undefined, (h) => h.onRelisted?.(listed));
  }
}

/**
 * The objects a relist named, by namespace, then name: the very name strings the cache keeps, not a
 * `namespace/name` string each (150,000 pods made 150,000 new strings, about 10 MiB, held until the
 * last page came).
 */
export class ListedNames {
  private readonly namespaces = new Map<string, Set<string>>();

  add(namespace: string | undefined, name: string): void {
    let names = this.namespaces.get(namespace ?? '');
    if (!names) this.namespaces.set(namespace ?? '', (names = new Set()));
    names.add(name);
  }

  has(namespace: string | undefined, name: string): boolean {
    return this.namespaces.get(namespace ?? '')?.has(name) ?? false;
  }
}

/** Drops what no controller reads and what costs the most memory per object. */
export function stripServerFields<T extends StoredObject>(obj: T): T {
  const { managedFields: _m, ...metadata } = obj.metadata as Record<string, unknown>;
  const annotations = metadata.annotations as Record<string, string> | undefined;
  if (annotations && 'kubectl.kubernetes.io/last-applied-configuration' in annotations) {
    const { 'kubectl.kubernetes.io/last-applied-configuration': _l, ...rest } = annotations;
    metadata.annotations = rest;
  }
  return { ...obj, metadata } as T;
}
