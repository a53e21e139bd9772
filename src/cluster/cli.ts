// npm run cluster:up | cluster:down [-- --purge] | cluster:status
import { Command } from 'commander';
import { clusterDown, clusterRunning, clusterStatus, clusterUp } from './local-cluster.ts';
import { ClusterError } from './cluster-error.ts';
import { clusterFiles } from './cluster-layout.ts';

const program = new Command('cluster').description('The local Kubernetes control plane (etcd, kube-apiserver, controller-manager, scheduler, kwok) on loopback');

program
  .command('up')
  .description('build what is missing, start what is not running, create the kwok nodes (idempotent)')
  .action(async () => {
    const report = await clusterUp();
    const built = report.build.built.length ? `built ${report.build.built.join(', ')} in ${report.build.seconds.toFixed(0)} s; ` : '';
    const what = report.started.length ? `started ${report.started.join(', ')}` : 'already running';
    console.log(`\nlocal cluster ${what} (${built}start ${report.startSeconds.toFixed(1)} s), ${report.nodes} kwok nodes Ready`);
    console.log(`  api server: ${report.server}`);
    console.log(`  export KUBECONFIG=${report.kubeconfig}`);
    console.log(`  kubectl: ${(await import('./control-plane-versions.ts')).binaryPath('kubectl')}`);
    console.log('  next: `npm start` runs the operator against it; `npm run cluster:down` stops it');
  });

program
  .command('down')
  .description('stop every component (state is kept for a warm start unless --purge)')
  .option('--purge', 'also delete the cluster directory (certificates, etcd data, logs)')
  .action(async (opts: { purge?: boolean }) => {
    const stopped = await clusterDown(opts);
    console.log(stopped.length ? `stopped ${stopped.join(', ')}` : 'nothing was running');
    if (opts.purge) console.log('deleted the cluster directory');
  });

program
  .command('status')
  .description('say whether the local cluster runs')
  .action(() => {
    if (clusterRunning()) {
      console.log(`running; KUBECONFIG=${clusterFiles().kubeconfig}`);
      return;
    }
    const states = clusterStatus();
    const running = states.filter((s) => s.pid !== undefined);
    const strays = states.filter((s) => s.strays.length > 0);
    if (running.length === 0 && strays.length === 0) {
      console.log('not running');
      return;
    }
    // Part of it runs: say what, so nobody mistakes it for stopped (its ports are taken).
    console.log(`partly running: ${running.map((s) => `${s.name} (pid ${s.pid})`).join(', ') || 'no component it knows of'}`);
    console.log(`  not running: ${states.filter((s) => s.pid === undefined).map((s) => s.name).join(', ')}`);
    if (strays.length > 0) console.log(`  running without a pid file: ${strays.map((s) => `${s.name} (pid ${s.strays.join(', ')})`).join(', ')}`);
    console.log('  `npm run cluster:down` stops all of it; `npm run cluster:up` starts what is missing');
  });

program.parseAsync().catch((err: unknown) => {
  console.error(err instanceof ClusterError ? err.message : err);
  process.exit(1);
});
