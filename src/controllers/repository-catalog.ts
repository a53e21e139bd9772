import { createHash } from 'node:crypto';
import type { NamedRepository } from '../universe/package-resolve.ts';
import type { RepositoryIndex } from '../universe/universe-index.ts';
import type { UniverseError } from '../universe/universe-result.ts';

/** What is known of one DcosPackageRepository: the last good index, and how the last read went. */
export interface CatalogEntry {
  name: string;
  priority?: number;
  /** The metadata.generation the last good index was read for. */
  generation?: number;
  /** The last index read successfully; kept through failed reads so installs go on working. */
  index?: RepositoryIndex;
  /** When `index` was read. */
  syncedAt?: string;
  /** Why the last read failed; undefined when it succeeded. */
  error?: UniverseError;
  fingerprint?: string;
}

export type CatalogListener = (name: string) => void;

function fingerprintOf(index: RepositoryIndex): string {
  const hash = createHash('sha256').update(index.source);
  for (const pkg of index.packages) hash.update(JSON.stringify(pkg.definition));
  return hash.digest('hex');
}

/**
 * The repositories in memory, shared in-process: the repository controller writes it, the package
 * controller and the admission rule read it. Listeners hear only about changes that can alter a
 * resolution (another index, another priority, a repository gone), not about every periodic re-read.
 */
export class RepositoryCatalog {
  private readonly entries = new Map<string, CatalogEntry>();
  private readonly listeners: CatalogListener[] = [];

  onChange(listener: CatalogListener): void {
    this.listeners.push(listener);
  }

  get(name: string): CatalogEntry | undefined {
    return this.entries.get(name);
  }

  /** Whether a read of this repository was attempted since it was (re)registered. */
  has(name: string): boolean {
    return this.entries.has(name);
  }

  recordSuccess(name: string, generation: number | undefined, priority: number | undefined, index: RepositoryIndex, now: string): void {
    const before = this.entries.get(name);
    const fingerprint = fingerprintOf(index);
    this.entries.set(name, { name, generation, priority, index, syncedAt: now, fingerprint });
    if (!before || before.fingerprint !== fingerprint || before.priority !== priority) this.changed(name);
  }

  /**
   * A failed read keeps the last good index of the same spec. After a spec change the old copy
   * came from somewhere the user no longer points at, so it is dropped rather than served.
   */
  recordFailure(name: string, generation: number | undefined, priority: number | undefined, error: UniverseError): void {
    const before = this.entries.get(name);
    const keep = before?.index !== undefined && before.generation === generation;
    const entry: CatalogEntry = keep ? { ...before, priority, error } : { name, generation, priority, error };
    this.entries.set(name, entry);
    if (!before || before.priority !== priority || (before.index !== undefined && !keep)) this.changed(name);
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  remove(name: string): void {
    if (this.entries.delete(name)) this.changed(name);
  }

  /** Every repository with a usable index, for resolvePackage (which orders them by priority). */
  repositories(): NamedRepository[] {
    const out: NamedRepository[] = [];
    for (const entry of this.entries.values()) {
      if (!entry.index) continue;
      const named: NamedRepository = { name: entry.name, index: entry.index };
      if (entry.priority !== undefined) named.priority = entry.priority;
      out.push(named);
    }
    return out;
  }

  private changed(name: string): void {
    for (const listener of this.listeners) listener(name);
  }
}
