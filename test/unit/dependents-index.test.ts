import { describe, expect, it } from 'vitest';
import { DependentsIndex } from '../../src/controllers/dependents-index.ts';

describe('DependentsIndex', () => {
  it('finds the dependents of an app in its own namespace only', () => {
    const index = new DependentsIndex();
    index.set('a/web', 'a', ['/db', '/cache']);
    index.set('a/worker', 'a', ['/db']);
    index.set('b/web', 'b', ['/db']);
    expect(index.dependentsOf('a', '/db').sort()).toEqual(['a/web', 'a/worker']);
    expect(index.dependentsOf('a', '/cache')).toEqual(['a/web']);
    expect(index.dependentsOf('b', '/db')).toEqual(['b/web']);
    expect(index.dependentsOf('c', '/db')).toEqual([]);
  });

  it('follows a changed spec and a deleted service', () => {
    const index = new DependentsIndex();
    index.set('a/web', 'a', ['/db']);
    index.set('a/web', 'a', ['/cache']);
    expect(index.dependentsOf('a', '/db')).toEqual([]);
    expect(index.dependentsOf('a', '/cache')).toEqual(['a/web']);
    index.set('a/web', 'a', []);
    expect(index.dependentsOf('a', '/cache')).toEqual([]);
    index.set('a/web', 'a', ['/db']);
    index.remove('a/web');
    expect(index.dependentsOf('a', '/db')).toEqual([]);
  });
});
