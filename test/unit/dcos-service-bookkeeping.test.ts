import { describe, expect, it } from 'vitest';
import { ServiceBookkeeping } from '../../src/controllers/dcos-service-bookkeeping.ts';

describe('ServiceBookkeeping', () => {
  it('indexes pods by service, and forgets a service once its last pod is gone', () => {
    const book = new ServiceBookkeeping<string>();
    book.podAdded('ns/web', 'ns/web-1');
    book.podAdded('ns/web', 'ns/web-2');
    book.podAdded('ns/db', 'ns/db-1');
    book.podAdded('ns/web', 'ns/web-1');
    expect(book.podsOf('ns/web').sort()).toEqual(['ns/web-1', 'ns/web-2']);
    book.podDeleted('ns/web', 'ns/web-1');
    book.podDeleted('ns/web', 'ns/web-2');
    book.podDeleted('ns/web', 'ns/never-added');
    expect(book.podsOf('ns/web')).toEqual([]);
    expect(book.podsOf('ns/db')).toEqual(['ns/db-1']);
  });

  it('hands an apply request out once', () => {
    const book = new ServiceBookkeeping<string>();
    expect(book.takeApplyRequest('ns/web')).toBe(false);
    book.requestApply('ns/web');
    book.requestApply('ns/web');
    expect(book.takeApplyRequest('ns/web')).toBe(true);
    expect(book.takeApplyRequest('ns/web')).toBe(false);
  });

  it('remembers a workload applied until the watch shows it', () => {
    const book = new ServiceBookkeeping<string>();
    book.applied('ns/web', 'Deployment web');
    expect(book.notYetSeen('ns/web')).toBe('Deployment web');
    book.seen('ns/web');
    expect(book.notYetSeen('ns/web')).toBeUndefined();
  });

  it('lets a write stand for the cache only for a while: a workload deleted before its watch saw it sends no event', () => {
    let now = 0;
    const book = new ServiceBookkeeping<string>({ unseenTtlMs: 20_000, now: () => now });
    book.applied('ns/web', 'Deployment web');
    now = 20_000;
    expect(book.notYetSeen('ns/web')).toBe('Deployment web');
    now = 20_001;
    expect(book.notYetSeen('ns/web')).toBeUndefined();
  });

  it('forgets the writes of a deleted service, not its pods', () => {
    const book = new ServiceBookkeeping<string>();
    book.applied('ns/web', 'Deployment web');
    book.requestApply('ns/web');
    book.podAdded('ns/web', 'ns/web-1');
    book.forget('ns/web');
    expect(book.notYetSeen('ns/web')).toBeUndefined();
    expect(book.takeApplyRequest('ns/web')).toBe(false);
    expect(book.podsOf('ns/web')).toEqual(['ns/web-1']);
  });
});
