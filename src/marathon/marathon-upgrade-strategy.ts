import type { DcosServiceSpec } from '../resources/dcos-service.ts';
import type { Deployment } from './kube-objects.ts';

/*
 * upgradeStrategy onto the Deployment strategy, as counts for the current instance count (the
 * controller re-translates on every scale, so they stay right). Marathon keeps
 * ceil(instances x minimumHealthCapacity) healthy and runs at most floor(instances x (1 +
 * maximumOverCapacity)) tasks; Kubernetes rounds percentages the other way for maxSurge, hence counts.
 * Kubernetes refuses maxSurge = maxUnavailable = 0 (Marathon would stall the same way but replaces one
 * task at a time), so then one extra task is allowed if any over-capacity is, else one task may go.
 * Apps with persistent volumes use Recreate: the claim is ReadWriteOnce and must be released first.
 */

export function deploymentStrategy(spec: DcosServiceSpec, hasPersistentVolumes: boolean): Deployment['spec']['strategy'] {
  if (hasPersistentVolumes) return { type: 'Recreate' };
  const instances = spec.instances ?? 1;
  const minimumHealthCapacity = spec.upgradeStrategy?.minimumHealthCapacity ?? 1;
  const maximumOverCapacity = spec.upgradeStrategy?.maximumOverCapacity ?? 1;
  // 1e-9: 3 x 0.7 is 2.0999999999999996 in floating point.
  let maxUnavailable = instances - Math.ceil(instances * minimumHealthCapacity - 1e-9);
  let maxSurge = Math.floor(instances * maximumOverCapacity + 1e-9);
  if (maxUnavailable === 0 && maxSurge === 0) {
    if (maximumOverCapacity > 0) maxSurge = 1;
    else maxUnavailable = 1;
  }
  return { type: 'RollingUpdate', rollingUpdate: { maxUnavailable, maxSurge } };
}
