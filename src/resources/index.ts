import type { KindDefinition } from './kind-definition.ts';
import { dcosServiceKind } from './dcos-service.ts';
import { dcosPackageKind } from './dcos-package.ts';
import { dcosPackageRepositoryKind } from './dcos-package-repository.ts';
import { dcosClusterKind } from './dcos-cluster.ts';

export const kinds: readonly KindDefinition[] = [dcosServiceKind, dcosPackageKind, dcosPackageRepositoryKind, dcosClusterKind];
