import type { ControllerFactory } from '../operator/operator.ts';

/** Every controller the operator runs on the leader, in start order. */
export const controllerFactories: ControllerFactory[] = [];
