// The operator process: `npm start`. With no cluster configured it starts the local control plane first.
import { KubeConfig } from '@kubernetes/client-node';
import { Command } from 'commander';
import { clusterUp } from './cluster/local-cluster.ts';
import { KubeClient } from './kube/kube-client.ts';
import { chooseKubeconfig } from './operator/kubeconfig.ts';
import { createLogger } from './operator/logger.ts';
import { installCrds } from './operator/install-crds.ts';

const program = new Command('dcos-operator')
  .description('Runs the DC/OS abstractions (DcosService, DcosPackage, DcosPackageRepository, DcosCluster) on a Kubernetes cluster')
  .option('--kubeconfig <path>', 'kubeconfig to use (default: $KUBECONFIG, the in-cluster service account, else the local control plane)')
  .option('--log-level <level>', 'trace, debug, info, warn or error', process.env.LOG_LEVEL ?? 'info')
  .option('--no-install-crds', 'do not install or update the CRDs at start (when deploy/ installs them)');
program.parse();
const opts = program.opts<{ kubeconfig?: string; logLevel: string; installCrds: boolean }>();
const log = createLogger(opts.logLevel);

async function main(): Promise<void> {
  const source = chooseKubeconfig(opts.kubeconfig);
  const config = new KubeConfig();
  if (source.kind === 'local') {
    log.info('no cluster configured: starting the local control plane (npm run cluster:up)');
    const report = await clusterUp((line) => log.info(line));
    log.info({ kubeconfig: report.kubeconfig, startSeconds: report.startSeconds, built: report.build.built }, 'local control plane ready');
    config.loadFromFile(report.kubeconfig);
  } else if (source.kind === 'in-cluster') {
    config.loadFromCluster();
  } else {
    config.loadFromFile(source.path!);
  }
  const client = new KubeClient(config);
  log.info({ server: config.getCurrentCluster()?.server, kubeconfig: source.path ?? source.kind }, 'connecting');
  if (opts.installCrds) await installCrds(client, log);
  log.info('dcos-operator ready');
  if (source.kind === 'local') {
    log.info(`try: export KUBECONFIG=${source.path}; kubectl get dcos`);
  }
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => resolve());
  });
  log.info('stopping');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    log.fatal({ err }, err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
