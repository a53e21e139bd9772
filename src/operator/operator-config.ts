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
  /** Leader election timing (client-go's names and defaults: 15, 10, 2 s); see leaseTimingProblem. */
  leaseDurationSeconds: number;
  renewDeadlineSeconds: number;
  retryPeriodSeconds: number;
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
    leaseDurationSeconds: 15,
    renewDeadlineSeconds: 10,
    retryPeriodSeconds: 2,
    installCrds: true,
    resyncSeconds: 600,
    workers: 16,
    defaultImage: env.DCOS_DEFAULT_IMAGE ?? 'debian:12-slim',
    uiAuth: 'auto',
    defaultRepositoryDirectory: fileURLToPath(new URL('../../packages', import.meta.url)),
  };
}

/**
 * What is wrong with the leader election timing, naming the flag, or undefined. The renew deadline
 * must leave the lease some time: a leader stops writing at its deadline, the others take over only
 * after the whole duration, and the gap between is what keeps two leaders from writing at once.
 */
export function leaseTimingProblem(c: Pick<OperatorConfig, 'leaseDurationSeconds' | 'renewDeadlineSeconds' | 'retryPeriodSeconds'>): string | undefined {
  for (const [flag, value] of [['--leader-elect-lease-duration', c.leaseDurationSeconds], ['--leader-elect-renew-deadline', c.renewDeadlineSeconds], ['--leader-elect-retry-period', c.retryPeriodSeconds]] as const) {
    if (!Number.isFinite(value) || value <= 0) return `${flag} must be a number of seconds above 0, got ${value}`;
  }
  if (c.renewDeadlineSeconds >= c.leaseDurationSeconds) return `--leader-elect-renew-deadline (${c.renewDeadlineSeconds} s) must be shorter than --leader-elect-lease-duration (${c.leaseDurationSeconds} s)`;
  if (c.retryPeriodSeconds >= c.renewDeadlineSeconds) return `--leader-elect-retry-period (${c.retryPeriodSeconds} s) must be shorter than --leader-elect-renew-deadline (${c.renewDeadlineSeconds} s)`;
  return undefined;
}

/** The User-Agent of the operator's requests: the apiserver's audit log tells replicas apart by the identity in it. */
export function operatorUserAgent(identity: string): string {
  return `dcos-operator (${identity})`;
}
