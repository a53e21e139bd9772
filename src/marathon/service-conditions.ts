// Conditions are merged the same way for every kind; the Marathon core re-exports the shared rule.
export { mergeConditions, type ConditionInput } from '../resources/conditions.ts';
