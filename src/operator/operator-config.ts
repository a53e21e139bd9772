import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';

export interface OperatorConfig {
  /** The operator's own namespace: its Lease and webhook certificate Secret live here. */
  namespace: string;
  /** Namespaces to watch for DcosServices and DcosPackages; empty: all. */
  watchNamespace?: string;
  metricsHost: string;
  metricsPort: number;
  /** The pod's IP (the downward API's POD_IP): where the other replica passes UI and API requests on to, when this one leads. */
  podIp?: string;
  webhookHost: string;
  webhookPort: number;
  /**
   * How the apiserver reaches the webhooks: `service` (deploy/ made the configurations; the
   * operator publishes its CA into them), `url` (the operator runs outside the cluster and registers
   * them itself for as long as it runs), or `off`.
   */
  webhookMode: 'service' | 'url' | 'off';
  webhookServiceName: string;
  webhookSecretName: string;
  leaderElect: boolean;
  leaseName: string;
  identity: string;
  installCrds: boolean;
  /** How often a DcosService is reconciled even without events. */
  resyncSeconds: number;
  workers: number;
  /** The image of Marathon apps that name none (Mesos containerizer apps that ran a `cmd` on the agent). */
  defaultImage: string;
  /**
   * A Universe source tree the operator creates the `default` DcosPackageRepository for when there
   * is none (the packages the project ships); undefined or empty: no default repository.
   */
  defaultRepositoryDirectory?: string;
  /**
   * The web UI under /ui/ of the metrics port: `token` (a bearer token checked with TokenReview and
   * SubjectAccessReview: may its user get dcosclusters?), `none` (anyone who reaches the port), `off`;
   * `auto` (the default): none when the port is bound to loopback only, else token.
   */
  uiAuth: 'auto' | 'token' | 'none' | 'off';
}

export function defaultOperatorConfig(env = process.env): OperatorConfig {
  return {
    namespace: env.POD_NAMESPACE ?? 'dcos-system',
    metricsHost: '0.0.0.0',
    metricsPort: 8080,
    ...(env.POD_IP && { podIp: env.POD_IP }),
    webhookHost: '0.0.0.0',
    webhookPort: 9443,
    webhookMode: env.KUBERNETES_SERVICE_HOST ? 'service' : 'url',
    webhookServiceName: 'dcos-operator-webhook',
    webhookSecretName: 'dcos-operator-webhook-tls',
    leaderElect: true,
    leaseName: 'dcos-operator-leader',
    identity: env.POD_NAME ?? `${hostname()}-${process.pid}`,
    installCrds: true,
    resyncSeconds: 600,
    workers: 16,
    defaultImage: env.DCOS_DEFAULT_IMAGE ?? 'debian:12-slim',
    uiAuth: 'auto',
    defaultRepositoryDirectory: fileURLToPath(new URL('../../packages', import.meta.url)),
  };
}
