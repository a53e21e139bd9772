import type { ControllerFactory } from '../operator/operator.ts';
import { dcosServiceController } from './dcos-service-controller.ts';
import { dcosClusterController } from './dcos-cluster-controller.ts';

/** Every controller the operator runs on the leader, in start order. */
export const controllerFactories: ControllerFactory[] = [
  dcosServiceController,
  (ctx) => dcosClusterController(ctx),
];
