import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout this code runs from; tools/controlplane and .cluster live here. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * What the local control plane is built from, pinned. Each component is a small Go module of the
 * project's (tools/controlplane/<dir>) built with the machine's Go from the Go module proxy.
 */
export interface ComponentBuild {
  name: string;
  version: string;
  moduleDir: string;
  /** Go package path -> binary name. */
  packages: Record<string, string>;
}

export const COMPONENT_BUILDS: readonly ComponentBuild[] = [
  {
    name: 'kubernetes',
    version: 'v1.36.3',
    moduleDir: 'tools/controlplane/kubernetes',
    packages: {
      'k8s.io/kubernetes/cmd/kube-apiserver': 'kube-apiserver',
      'k8s.io/kubernetes/cmd/kube-controller-manager': 'kube-controller-manager',
      'k8s.io/kubernetes/cmd/kube-scheduler': 'kube-scheduler',
      'k8s.io/kubernetes/cmd/kubectl': 'kubectl',
    },
  },
  { name: 'etcd', version: 'v3.6.8', moduleDir: 'tools/controlplane/etcd', packages: { '.': 'etcd' } },
  { name: 'kwok', version: 'v0.8.0', moduleDir: 'tools/controlplane/kwok', packages: { 'sigs.k8s.io/kwok/cmd/kwok': 'kwok' } },
];

/** Outside the repo so fresh clones on the same machine reuse the binaries. */
export function cacheRoot(): string {
  if (process.env.DCOS_CACHE_DIR) return process.env.DCOS_CACHE_DIR;
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'dcos-operator');
}

export function binDir(build: ComponentBuild): string {
  return join(cacheRoot(), `${build.name}-${build.version}`, 'bin');
}

export function binaryPath(binary: string): string {
  for (const build of COMPONENT_BUILDS) {
    if (Object.values(build.packages).includes(binary)) return join(binDir(build), binary);
  }
  throw new Error(`no component builds ${binary}`);
}
