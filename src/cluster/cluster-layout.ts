import { join } from 'node:path';
import { PROJECT_ROOT } from './control-plane-versions.ts';

/** Where a local cluster keeps its state; `.cluster/` in the checkout unless DCOS_CLUSTER_DIR says otherwise. */
export function clusterDir(): string {
  return process.env.DCOS_CLUSTER_DIR ?? join(PROJECT_ROOT, '.cluster');
}

export interface ClusterPorts {
  apiserver: number;
  etcdClient: number;
  etcdPeer: number;
  controllerManager: number;
  scheduler: number;
  kwok: number;
}

/** Loopback ports from one base (DCOS_CLUSTER_PORT_BASE, default 26400), so two checkouts can run side by side. */
export function clusterPorts(base = Number(process.env.DCOS_CLUSTER_PORT_BASE ?? 26400)): ClusterPorts {
  return {
    apiserver: base + 43,
    etcdClient: base + 79,
    etcdPeer: base + 80,
    controllerManager: base + 57,
    scheduler: base + 59,
    kwok: base + 47,
  };
}

export function clusterFiles(dir = clusterDir()) {
  const pki = join(dir, 'pki');
  return {
    dir,
    pki,
    caCert: join(pki, 'ca.crt'),
    caKey: join(pki, 'ca.key'),
    apiserverCert: join(pki, 'apiserver.crt'),
    apiserverKey: join(pki, 'apiserver.key'),
    serviceAccountPublic: join(pki, 'sa.pub'),
    serviceAccountPrivate: join(pki, 'sa.key'),
    etcdData: join(dir, 'etcd'),
    logs: join(dir, 'logs'),
    pids: join(dir, 'pids'),
    kubeconfig: join(dir, 'kubeconfig'),
    controllerManagerKubeconfig: join(dir, 'controller-manager.kubeconfig'),
    schedulerKubeconfig: join(dir, 'scheduler.kubeconfig'),
    kwokConfig: join(dir, 'kwok.yaml'),
    auditPolicy: join(dir, 'audit-policy.yaml'),
    /** Every write the apiserver answered (audit-policy.ts); rotated into audit-<time>.log next to it. */
    auditLog: join(dir, 'logs', 'audit.log'),
  };
}
export type ClusterFiles = ReturnType<typeof clusterFiles>;
