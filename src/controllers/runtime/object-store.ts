import { objectKey } from './object-key.ts';

export interface StoredObject {
  metadata: { name: string; namespace?: string; resourceVersion?: string; [key: string]: unknown };
}

export interface StoreHandlers<T> {
  /** `raw` is the object as the apiserver sent it, before the projection the cache keeps. */
  onAdd?(obj: T, raw: T): void;
  onUpdate?(oldObj: T, newObj: T, raw: T): void;
  /** `raw` is the final object of a watch DELETED event; after a relist only the cached projection exists. */
  onDelete?(obj: T, raw: T): void;
}

/** What a reconcile reads of a cache: an informer's store, or a test's own. */
export interface CacheView<T> {
  get(key: string): T | undefined;
  list(): T[];
}

/**
 * The cache a reflector fills: only projected objects (what the controllers read), keyed like
 * client-go. Handlers hear about changes; a relist that replaces everything reports what really changed.
 */
export class ObjectStore<T extends StoredObject> {
  private readonly items = new Map<string, T>();
  private readonly handlers: StoreHandlers<T>[] = [];
  private readonly project: (obj: T) => T;

  private readonly onHandlerError: (err: unknown, key: string) => void;

  /**
   * A handler that throws is reported through `onHandlerError` and the others still run: thrown
   * out of a list, one odd object made every relist fail and the caches never synced.
   */
  constructor(project: (obj: T) => T = (o) => o, onHandlerError: (err: unknown, key: string) => void = () => undefined) {
    this.project = project;
    this.onHandlerError = onHandlerError;
  }

  private each(key: string, call: (h: StoreHandlers<T>) => void): void {
    for (const h of this.handlers) {
      try {
        call(h);
      } catch (err) {
        this.onHandlerError(err, key);
      }
    }
  }

  addHandlers(h: StoreHandlers<T>): void {
    this.handlers.push(h);
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  get size(): number {
    return this.items.size;
  }

  upsert(raw: T): void {
    const obj = this.project(raw);
    const key = objectKey(obj);
    const old = this.items.get(key);
    this.items.set(key, obj);
    if (!old) this.each(key, (h) => h.onAdd?.(obj, raw));
    else if (old.metadata.resourceVersion !== obj.metadata.resourceVersion) this.each(key, (h) => h.onUpdate?.(old, obj, raw));
  }

  remove(raw: T): void {
    const key = objectKey(raw);
    const old = this.items.get(key);
    if (!old) return;
    this.items.delete(key);
    this.each(key, (h) => h.onDelete?.(old, raw));
  }

  /** After a (re)list: the listed objects become the whole truth; those gone are reported deleted. */
  replace(list: T[]): void {
    const seen = new Set<string>();
    for (const raw of list) {
      seen.add(objectKey(raw));
      this.upsert(raw);
    }
    this.retainOnly(seen);
  }

  /**
   * The end of a (re)list fed page by page through upsert: whatever the list did not name is gone,
   * and reported deleted.
   */
  retainOnly(keys: ReadonlySet<string>): void {
    for (const [key, obj] of this.items) if (!keys.has(key)) this.remove(obj);
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
