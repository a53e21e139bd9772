import { join } from 'node:path';
import { auditLogFlags } from './audit-policy.ts';
import { binaryPath } from './control-plane-versions.ts';
import type { ClusterFiles, ClusterPorts } from './cluster-layout.ts';

export interface ComponentSpec {
  name: string;
  binary: string;
  args: string[];
  /** How to tell it is serving: an HTTP(S) URL answering 200. */
  health: { url: string; clientCert?: boolean };
  port: number;
  timeoutSeconds: number;
}

/** The processes of the local control plane, in start order, bound to loopback only. */
export function controlPlaneComponents(files: ClusterFiles, ports: ClusterPorts): ComponentSpec[] {
  const loopback = '127.0.0.1';
  const etcdUrl = `http://${loopback}:${ports.etcdClient}`;
  return [
    {
      name: 'etcd',
      binary: binaryPath('etcd'),
      port: ports.etcdClient,
      timeoutSeconds: 30,
      health: { url: `${etcdUrl}/health` },
      args: [
        '--name=dcos-local',
        `--data-dir=${files.etcdData}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=http://${loopback}:${ports.etcdPeer}`,
        `--initial-advertise-peer-urls=http://${loopback}:${ports.etcdPeer}`,
        `--initial-cluster=dcos-local=http://${loopback}:${ports.etcdPeer}`,
        // A throwaway test cluster: durability is not worth the fsync latency.
        '--unsafe-no-fsync',
        '--quota-backend-bytes=4294967296',
        '--log-level=warn',
      ],
    },
    {
      name: 'kube-apiserver',
      binary: binaryPath('kube-apiserver'),
      port: ports.apiserver,
      timeoutSeconds: 90,
      health: { url: `https://${loopback}:${ports.apiserver}/readyz`, clientCert: true },
      args: [
        `--etcd-servers=${etcdUrl}`,
        `--bind-address=${loopback}`,
        `--advertise-address=${loopback}`,
        `--secure-port=${ports.apiserver}`,
        `--tls-cert-file=${files.apiserverCert}`,
        `--tls-private-key-file=${files.apiserverKey}`,
        `--client-ca-file=${files.caCert}`,
        '--authorization-mode=RBAC',
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${files.serviceAccountPublic}`,
        `--service-account-signing-key-file=${files.serviceAccountPrivate}`,
        '--service-cluster-ip-range=10.96.0.0/16',
        '--allow-privileged=true',
        // `kubectl logs` is proxied to kwok's kubelet endpoint, at the nodes' InternalIP (127.0.0.1).
        '--kubelet-preferred-address-types=InternalIP',
        '--profiling=false',
        ...auditLogFlags(files),
        '--v=1',
      ],
    },
    {
      name: 'kube-controller-manager',
      binary: binaryPath('kube-controller-manager'),
      port: ports.controllerManager,
      timeoutSeconds: 60,
      health: { url: `https://${loopback}:${ports.controllerManager}/healthz` },
      args: [
        `--kubeconfig=${files.controllerManagerKubeconfig}`,
        `--authentication-kubeconfig=${files.controllerManagerKubeconfig}`,
        `--authorization-kubeconfig=${files.controllerManagerKubeconfig}`,
        `--bind-address=${loopback}`,
        `--secure-port=${ports.controllerManager}`,
        '--leader-elect=false',
        '--use-service-account-credentials=true',
        `--service-account-private-key-file=${files.serviceAccountPrivate}`,
        `--root-ca-file=${files.caCert}`,
        `--cluster-signing-cert-file=${files.caCert}`,
        `--cluster-signing-key-file=${files.caKey}`,
        // Nodes that stop heartbeating turn NotReady within seconds, so tests can watch it happen.
        '--node-monitor-period=2s',
        '--node-monitor-grace-period=20s',
        '--profiling=false',
        '--v=1',
      ],
    },
    {
      name: 'kube-scheduler',
      binary: binaryPath('kube-scheduler'),
      port: ports.scheduler,
      timeoutSeconds: 60,
      health: { url: `https://${loopback}:${ports.scheduler}/healthz` },
      args: [
        `--kubeconfig=${files.schedulerKubeconfig}`,
        `--authentication-kubeconfig=${files.schedulerKubeconfig}`,
        `--authorization-kubeconfig=${files.schedulerKubeconfig}`,
        `--bind-address=${loopback}`,
        `--secure-port=${ports.scheduler}`,
        '--leader-elect=false',
        '--profiling=false',
        '--v=1',
      ],
    },
    {
      name: 'kwok',
      binary: binaryPath('kwok'),
      port: ports.kwok,
      timeoutSeconds: 60,
      health: { url: `http://${loopback}:${ports.kwok}/healthz` },
      args: [
        `--kubeconfig=${files.kubeconfig}`,
        `--config=${files.kwokConfig}`,
        `--server-address=${loopback}:${ports.kwok}`,
        '--manage-nodes-with-label-selector=kwok.x-k8s.io/node=fake',
        '--node-lease-duration-seconds=40',
        '--cidr=10.244.0.0/16',
        // The nodes' kubelet endpoint is kwok itself (TLS on the same port), so the apiserver can proxy logs to it.
        '--node-ip=127.0.0.1',
        `--node-port=${ports.kwok}`,
        `--tls-cert-file=${files.apiserverCert}`,
        `--tls-private-key-file=${files.apiserverKey}`,
      ],
    },
  ];
}

export function logFile(files: ClusterFiles, component: string): string {
  return join(files.logs, `${component}.log`);
}
