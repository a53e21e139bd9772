import { mergeConditions, type ConditionInput } from '../marathon/service-conditions.ts';
import type { DcosPackageRepositoryStatus } from '../resources/dcos-package-repository.ts';
import type { Condition } from '../resources/conditions.ts';
import type { CatalogEntry } from './repository-catalog.ts';

const MAX_PROBLEMS_LISTED = 5;

function degraded(entry: CatalogEntry, generation: number | undefined): ConditionInput {
  const problems = entry.index?.problems ?? [];
  if (problems.length === 0) return { type: 'Degraded', status: 'False', observedGeneration: generation, reason: 'AllEntriesValid', message: 'every package entry could be read' };
  const listed = problems.slice(0, MAX_PROBLEMS_LISTED).join('; ');
  const more = problems.length > MAX_PROBLEMS_LISTED ? `; and ${problems.length - MAX_PROBLEMS_LISTED} more` : '';
  return {
    type: 'Degraded',
    status: 'True',
    observedGeneration: generation,
    reason: 'BrokenEntries',
    message: `${problems.length} broken package entries left out: ${listed}${more}`,
  };
}

/** The status a repository shows after a read: what it serves, and why the last read failed if it did. */
export function repositoryStatus(entry: CatalogEntry, generation: number | undefined, previous: readonly Condition[] | undefined, now: string): DcosPackageRepositoryStatus {
  const conditions: ConditionInput[] = [];
  const count = entry.index?.packages.length;
  if (entry.error) {
    const fallback = entry.index ? `; serving the last good copy (${count} packages, read ${entry.syncedAt})` : '';
    conditions.push({ type: 'Ready', status: 'False', observedGeneration: generation, reason: entry.error.reason, message: entry.error.message + fallback });
    // What kstatus (Argo CD, Flux, kapp) reads as Failed; the read is still retried, and a good one clears it.
    conditions.push({ type: 'Stalled', status: 'True', observedGeneration: generation, reason: entry.error.reason, message: entry.error.message });
  } else {
    conditions.push({ type: 'Ready', status: 'True', observedGeneration: generation, reason: 'Synced', message: `${count} packages from ${entry.index?.source}` });
  }
  if (entry.index) conditions.push(degraded(entry, generation));
  const status: DcosPackageRepositoryStatus = { observedGeneration: generation, conditions: mergeConditions(previous, conditions, now) };
  if (count !== undefined) status.packageCount = count;
  if (entry.syncedAt !== undefined) status.lastSyncTime = entry.syncedAt;
  return status;
}

/**
 * While a new generation's first read is under way (a slow server holds it up to the fetch timeout):
 * Ready Unknown, so kstatus says InProgress instead of taking a repository without conditions for done.
 * observedGeneration and what the last read found stay as they were.
 */
export function readingStatus(generation: number | undefined, previous: DcosPackageRepositoryStatus | undefined, now: string): DcosPackageRepositoryStatus {
  const reading: ConditionInput = { type: 'Ready', status: 'Unknown', observedGeneration: generation, reason: 'Reading', message: 'reading the repository for the first time since it was created or changed' };
  return { ...previous, conditions: mergeConditions(previous?.conditions, [reading], now) };
}
