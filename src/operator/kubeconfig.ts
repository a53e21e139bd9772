import { existsSync } from 'node:fs';
import { clusterFiles } from '../cluster/cluster-layout.ts';

export type KubeconfigSource = { kind: 'explicit' | 'env' | 'in-cluster' | 'local'; path?: string };

/**
 * Which cluster to run against: a --kubeconfig flag, then KUBECONFIG, then the service account
 * of a pod, then the local control plane (started when nothing else is configured).
 */
export function chooseKubeconfig(flag: string | undefined, env = process.env): KubeconfigSource {
  if (flag) return { kind: 'explicit', path: flag };
  if (env.KUBECONFIG) return { kind: 'env', path: env.KUBECONFIG };
  if (env.KUBERNETES_SERVICE_HOST && existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token')) return { kind: 'in-cluster' };
  return { kind: 'local', path: clusterFiles().kubeconfig };
}
