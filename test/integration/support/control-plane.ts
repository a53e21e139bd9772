import { clusterUp } from '../../../src/cluster/local-cluster.ts';
import { clusterFiles, clusterPorts } from '../../../src/cluster/cluster-layout.ts';
import { controlPlaneComponents } from '../../../src/cluster/control-plane-components.ts';
import { runningPid, stopComponent } from '../../../src/cluster/component-processes.ts';

/*
 * Stopping and starting processes of the local control plane the integration tests share (the one
 * global-setup.ts started, found by DCOS_CLUSTER_DIR / DCOS_CLUSTER_PORT_BASE like the CLI finds it).
 */

const component = (name: string) => {
  const files = clusterFiles();
  const spec = controlPlaneComponents(files, clusterPorts()).find((c) => c.name === name);
  if (!spec) throw new Error(`no control plane component ${name}`);
  return { files, spec };
};

export function componentRunning(name: string): boolean {
  const { files, spec } = component(name);
  return runningPid(files, spec) !== undefined;
}

/** Stops one component (SIGTERM, then SIGKILL); true when it was running. */
export function stopControlPlaneComponent(name: string): Promise<boolean> {
  const { files, spec } = component(name);
  return stopComponent(files, spec);
}

/**
 * Brings the local control plane back to what every test file expects. kube-apiserver is started
 * again when it is not running; then, if it was restarted, its local clients are restarted too:
 * kube-controller-manager, kube-scheduler and kwok v1.36 / v0.8 do not reliably recover from an
 * apiserver restart (their watches get Forbidden while the new apiserver's authorizer warms up, and
 * afterwards ReplicaSets and pods can stay stale for minutes), which would break the next test files.
 */
export async function restoreControlPlane(apiserverRestarted: boolean): Promise<void> {
  if (!componentRunning('kube-apiserver')) await clusterUp(() => undefined);
  if (!apiserverRestarted) return;
  for (const name of ['kwok', 'kube-scheduler', 'kube-controller-manager']) await stopControlPlaneComponent(name);
  await clusterUp(() => undefined);
}
