import { z } from 'zod';

/** metav1.Condition, as every kind reports it (a list-map keyed by type). */
export const conditionSchema = z.object({
  type: z.string().describe('Type of condition: Ready, Progressing or Degraded (and Failed for packages); Stalled, present only while True, when the object cannot become Ready without a change (what Argo CD, Flux and kapp report as failed).'),
  status: z.enum(['True', 'False', 'Unknown']).describe('Status of the condition: True, False or Unknown.'),
  observedGeneration: z.number().int().min(0).optional().describe('The .metadata.generation the condition was set from.'),
  lastTransitionTime: z.string().describe('When the condition last changed status (RFC 3339).'),
  reason: z.string().describe('A CamelCase reason a program can match on.'),
  message: z.string().describe('What happened, for a person.'),
});
export type Condition = z.infer<typeof conditionSchema>;

export const conditionsSchema = z
  .array(conditionSchema)
  .meta({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] })
  .describe('The latest observations of the object\'s state.');

/** The fields every status starts with. */
export const statusBase = {
  observedGeneration: z.number().int().min(0).optional().describe('The .metadata.generation this status was computed from.'),
  conditions: conditionsSchema.optional(),
};

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
