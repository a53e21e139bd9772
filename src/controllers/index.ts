import type { ControllerFactory } from '../operator/operator.ts';
import { dcosServiceController } from './dcos-service-controller.ts';
import { dcosClusterController, type LedgerSlot } from './dcos-cluster-controller.ts';
import { dcosPackageController } from './dcos-package-controller.ts';
import { dcosPackageRepositoryController } from './dcos-package-repository-controller.ts';
import { RepositoryCatalog } from './repository-catalog.ts';

/** The repositories the leader has read: written by the repository controller, read by the package controller (and the webhook rule). */
export const repositoryCatalog = new RepositoryCatalog();

/** The DcosCluster controller's ledger, once it runs on this replica: read by the operator's HTTP API and gauges. */
export const clusterLedger: LedgerSlot = {};

/**
 * Every controller the operator runs on the leader, in start order. Each file exports one
 * `DCOS_<KIND>_CONTROLLER` name and one `dcos<Kind>Controller(options) => ControllerFactory`.
 */
export const controllerFactories: ControllerFactory[] = [
  dcosServiceController(),
  dcosClusterController({ slot: clusterLedger }),
  dcosPackageRepositoryController({ catalog: repositoryCatalog }),
  dcosPackageController({ catalog: repositoryCatalog }),
];
