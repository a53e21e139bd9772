import type { ControllerFactory } from '../operator/operator.ts';
import { dcosServiceController } from './dcos-service-controller.ts';
import { dcosClusterController } from './dcos-cluster-controller.ts';
import { dcosPackageController } from './dcos-package-controller.ts';
import { dcosPackageRepositoryController } from './dcos-package-repository-controller.ts';
import { RepositoryCatalog } from './repository-catalog.ts';

/** The repositories the leader has read: written by the repository controller, read by the package controller (and the webhook rule). */
export const repositoryCatalog = new RepositoryCatalog();

/** Every controller the operator runs on the leader, in start order. */
export const controllerFactories: ControllerFactory[] = [
  dcosServiceController,
  (ctx) => dcosClusterController(ctx),
  dcosPackageRepositoryController(repositoryCatalog),
  dcosPackageController(repositoryCatalog),
];
