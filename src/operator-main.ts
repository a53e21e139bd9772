// The operator process (`npm start` runs it through src/main.ts). With no cluster configured it starts the local control plane first.
import { Command, Option } from 'commander';
import { clusterLedger, controllerFactories } from './controllers/index.ts';
import { KubeClient } from './kube/kube-client.ts';
import { chooseKubeconfig } from './operator/kubeconfig.ts';
import { chooseLogFormat, createLogger, type LogFormat } from './operator/logger.ts';
import { Operator } from './operator/operator.ts';
import { serveClusterFigures } from './operator/operator-http.ts';
import { defaultOperatorConfig, leaseTimingProblem, operatorUserAgent } from './operator/operator-config.ts';
import { examplesPath, findOnPath, tryHint } from './operator/try-hint.ts';

const defaults = defaultOperatorConfig();
const program = new Command('dcos-operator')
  .description('Runs the DC/OS abstractions (DcosService, DcosPackage, DcosPackageRepository, DcosCluster) on a Kubernetes cluster')
  .option('--kubeconfig <path>', 'kubeconfig to use (default: $KUBECONFIG, the in-cluster service account, else the local control plane, started if needed)')
  .option('--namespace <ns>', "the operator's own namespace (Lease, webhook certificate); env POD_NAMESPACE", defaults.namespace)
  .option('--watch-namespace <ns>', 'only manage DcosServices and DcosPackages in this namespace (default: all)')
  .option('--metrics-port <port>', 'port of /metrics, /healthz, /readyz and the read-only API', (v) => Number(v), defaults.metricsPort)
  .option('--webhook-port <port>', 'HTTPS port of the admission webhooks', (v) => Number(v), defaults.webhookPort)
  .addOption(new Option('--webhooks <mode>', 'service: deploy/ registered them; url: register https://127.0.0.1:<port> while running; off').choices(['service', 'url', 'off']).default(defaults.webhookMode))
  .option('--default-repository <dir>', "Universe tree served as the DcosPackageRepository `default` ('' turns it off)", defaults.defaultRepositoryDirectory ?? '')
  .option('--workers <n>', 'reconciles run at once per controller (they mostly wait on the apiserver)', (v) => Number(v), defaults.workers)
  .option('--default-image <image>', 'image of Marathon apps that name none', defaults.defaultImage)
  .addOption(new Option('--ui-auth <mode>', 'the web UI at /ui/: token (bearer token, TokenReview + SubjectAccessReview get dcosclusters), none, off; auto: none on loopback, else token').choices(['auto', 'token', 'none', 'off']).default(defaults.uiAuth))
  .option('--no-leader-elect', 'run the controllers without taking the Lease (a single replica only)')
  .option('--leader-elect-lease-duration <seconds>', 'how long the others wait after the last renewal before taking the Lease', Number, defaults.leaseDurationSeconds)
  .option('--leader-elect-renew-deadline <seconds>', 'the leader stops writing and exits when it has not renewed for this long', Number, defaults.renewDeadlineSeconds)
  .option('--leader-elect-retry-period <seconds>', 'how often the leader renews and the others try', Number, defaults.retryPeriodSeconds)
  .option('--no-install-crds', 'do not install or update the CRDs at start (deploy/ installs them)')
  .addOption(new Option('--log-level <level>', 'log level').choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default(process.env.LOG_LEVEL ?? 'info'))
  .addOption(new Option('--log-format <format>', 'auto: readable lines at a terminal, JSON otherwise; env LOG_FORMAT').choices(['auto', 'json', 'pretty']).default(process.env.LOG_FORMAT ?? 'auto'));
program.parse();
const opts = program.opts<{
  kubeconfig?: string;
  namespace: string;
  watchNamespace?: string;
  metricsPort: number;
  webhookPort: number;
  webhooks: 'service' | 'url' | 'off';
  leaderElect: boolean;
  leaderElectLeaseDuration: number;
  leaderElectRenewDeadline: number;
  leaderElectRetryPeriod: number;
  installCrds: boolean;
  defaultRepository: string;
  defaultImage: string;
  workers: number;
  uiAuth: 'auto' | 'token' | 'none' | 'off';
  logLevel: string;
  logFormat: LogFormat | 'auto';
}>();
const leaseTiming = { leaseDurationSeconds: opts.leaderElectLeaseDuration, renewDeadlineSeconds: opts.leaderElectRenewDeadline, retryPeriodSeconds: opts.leaderElectRetryPeriod };
const timingProblem = leaseTimingProblem(leaseTiming);
if (timingProblem) program.error(`error: ${timingProblem}`);
const logFormat = chooseLogFormat(opts.logFormat);
const log = createLogger(opts.logLevel, logFormat);

async function main(): Promise<void> {
  const source = chooseKubeconfig(opts.kubeconfig);
  // KubeClient reads the kubeconfig itself: this process loads @kubernetes/client-node only for a
  // kubeconfig that needs it (exec or auth-provider credentials, a proxy).
  let client: KubeClient;
  if (source.kind === 'local') {
    log.info('no cluster configured: starting the local control plane (npm run cluster:up)');
    // Loaded only here: the local cluster's code (certificates, process control) is no use to an operator in a pod.
    const { clusterUp } = await import('./cluster/local-cluster.ts');
    const report = await clusterUp((line) => log.info(line));
    log.info({ kubeconfig: report.kubeconfig, startSeconds: report.startSeconds, built: report.build.built }, 'local control plane ready');
    client = KubeClient.fromFile(report.kubeconfig);
  } else if (source.kind === 'in-cluster') {
    client = KubeClient.inCluster();
  } else {
    client = KubeClient.fromFile(source.path!);
  }
  log.info({ server: client.serverUrl, kubeconfig: source.path ?? source.kind }, 'connecting');
  const operator = new Operator(
    client.withUserAgent(operatorUserAgent(defaults.identity)),
    log,
    {
      ...defaults,
      namespace: opts.namespace,
      watchNamespace: opts.watchNamespace,
      metricsPort: opts.metricsPort,
      metricsHost: source.kind === 'local' ? '127.0.0.1' : defaults.metricsHost,
      webhookPort: opts.webhookPort,
      webhookMode: opts.webhooks,
      leaderElect: opts.leaderElect,
      ...leaseTiming,
      installCrds: opts.installCrds,
      defaultRepositoryDirectory: opts.defaultRepository || undefined,
      defaultImage: opts.defaultImage,
      workers: opts.workers,
      uiAuth: opts.uiAuth,
    },
    controllerFactories,
  );
  // What the DcosCluster controller counts, read on the operator's HTTP server (the leader's figures).
  serveClusterFigures(operator.httpApp, clusterLedger);
  // The first signal stops cleanly (a few seconds at most); a second one, a person pressing Ctrl-C
  // again, exits at once.
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now, without finishing the stop');
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    stopping = true;
    log.info({ signal }, 'signal received');
    operator.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'unclean stop');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  await operator.start();
  const host = source.kind === 'local' ? '127.0.0.1' : '0.0.0.0';
  log.info({ metrics: `http://${host}:${operator.ports.metrics}/metrics`, ui: operator.ui ? `http://${host === '0.0.0.0' ? 'localhost' : host}:${operator.ports.metrics}/ui/` : 'off' }, 'dcos-operator ready');
  if (source.kind === 'local') {
    const { binaryPath, PROJECT_ROOT } = await import('./cluster/control-plane-versions.ts');
    const hint = { kubeconfig: source.path!, kubectl: findOnPath('kubectl') ? 'kubectl' : binaryPath('kubectl'), examples: examplesPath(`${PROJECT_ROOT}examples`) };
    // A person at a terminal copies these lines: plain text, not a log record; a log collector gets the same as fields.
    if (logFormat === 'pretty') process.stdout.write(`\n${tryHint(hint).join('\n')}\n\n`);
    else log.info(hint, `try: ${tryHint(hint).slice(1).map((l) => l.trim()).join('; ')}`);
  }
}

main().catch((err: unknown) => {
  log.fatal({ err }, err instanceof Error ? err.message : String(err));
  process.exit(1);
});
