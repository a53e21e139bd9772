import { describe, expect, it } from 'vitest';
import { ObjectStore, stripServerFields, type StoredObject } from '../../src/controllers/runtime/object-store.ts';

const obj = (name: string, rv: string, extra: Record<string, unknown> = {}): StoredObject => ({ metadata: { name, namespace: 'ns', resourceVersion: rv, ...extra } });

describe('ObjectStore', () => {
  it('reports adds, real updates only, and deletes', () => {
    const seen: string[] = [];
    const store = new ObjectStore<StoredObject>();
    store.addHandlers({
      onAdd: (o) => seen.push(`add ${o.metadata.name}`),
      onUpdate: (_, o) => seen.push(`update ${o.metadata.name}@${o.metadata.resourceVersion}`),
      onDelete: (o) => seen.push(`delete ${o.metadata.name}`),
    });
    store.upsert(obj('a', '1'));
    store.upsert(obj('a', '1'));
    store.upsert(obj('a', '2'));
    store.remove(obj('a', '3'));
    store.remove(obj('a', '3'));
    expect(seen).toEqual(['add a', 'update a@2', 'delete a']);
  });

  it('treats a relist as the whole truth: objects missing from it are deleted', () => {
    const deleted: string[] = [];
    const store = new ObjectStore<StoredObject>();
    store.addHandlers({ onDelete: (o) => deleted.push(o.metadata.name) });
    store.replace([obj('a', '1'), obj('b', '1')]);
    store.replace([obj('b', '2'), obj('c', '1')]);
    expect(deleted).toEqual(['a']);
    expect(store.keys().sort()).toEqual(['ns/b', 'ns/c']);
  });

  it('keeps neither managedFields nor the last-applied annotation in the cache', () => {
    const stored = stripServerFields(obj('a', '1', { managedFields: [{ manager: 'kubectl' }], annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', keep: 'me' } }));
    expect(stored.metadata).not.toHaveProperty('managedFields');
    expect(stored.metadata.annotations).toEqual({ keep: 'me' });
  });
});

describe('ObjectStore handler failures', () => {
  it('reports a throwing handler, still runs the others, and keeps the object', () => {
    const failures: string[] = [];
    const added: string[] = [];
    const store = new ObjectStore<StoredObject>(undefined, (err, key) => failures.push(`${key}: ${(err as Error).message}`));
    store.addHandlers({ onAdd: (o) => {
      if (o.metadata.name === 'odd') throw new Error('cannot fold');
    } });
    store.addHandlers({ onAdd: (o) => added.push(o.metadata.name) });
    store.replace([obj('a', '1'), obj('odd', '1'), obj('b', '1')]);
    expect(failures).toEqual(['ns/odd: cannot fold']);
    expect(added).toEqual(['a', 'odd', 'b']);
    expect(store.keys().sort()).toEqual(['ns/a', 'ns/b', 'ns/odd']);
  });
});
