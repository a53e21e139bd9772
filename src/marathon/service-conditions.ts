import type { Condition } from '../resources/conditions.ts';

export type ConditionInput = Omit<Condition, 'lastTransitionTime'>;

/**
 * The next conditions: each keeps its lastTransitionTime while its status stays the same (reason and
 * message may change), and gets `now` when the status changes or the condition is new.
 */
export function mergeConditions(previous: readonly Condition[] | undefined, next: readonly ConditionInput[], now: string): Condition[] {
  return next.map((c) => {
    const before = previous?.find((p) => p.type === c.type);
    return { ...c, lastTransitionTime: before && before.status === c.status ? before.lastTransitionTime : now };
  });
}
