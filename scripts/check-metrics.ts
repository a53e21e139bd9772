// CI: run the operator (every controller) against the local cluster, scrape /metrics once everything
// has reconciled at least once, and have Prometheus's own linter judge it: `promtool check metrics`.
import { spawnSync } from 'node:child_process';
import { clusterFiles } from '../src/cluster/cluster-layout.ts';
import { clusterLedger, controllerFactories } from '../src/controllers/index.ts';
import { KubeClient } from '../src/kube/kube-client.ts';
import { createLogger } from '../src/operator/logger.ts';
import { Operator } from '../src/operator/operator.ts';
import { serveClusterFigures } from '../src/operator/operator-http.ts';
import { defaultOperatorConfig } from '../src/operator/operator-config.ts';

const probe = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
if (probe.error) {
  console.error('promtool not found: it comes with Debian\'s prometheus package (apt-get install prometheus)');
  process.exit(1);
}
const client = KubeClient.fromFile(process.env.KUBECONFIG ?? clusterFiles().kubeconfig);
const operator = new Operator(client, createLogger('warn'), { ...defaultOperatorConfig(), namespace: 'dcos-check-metrics', metricsHost: '127.0.0.1', metricsPort: 0, webhookPort: 0, webhookMode: 'url', leaderElect: true }, controllerFactories);
serveClusterFigures(operator.httpApp, clusterLedger);
await operator.start();
await operator.waitUntilLeading();
// Long enough for the DcosCluster status write and a resync of the repositories.
await new Promise((r) => setTimeout(r, 3000));
const text = await (await fetch(`http://127.0.0.1:${operator.ports.metrics}/metrics`)).text();
await operator.stop();
const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
const families = new Set(text.split('\n').filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]));
console.log(`promtool check metrics: ${families.size} metric families, ${text.split('\n').filter((l) => l && !l.startsWith('#')).length} samples`);
if (lint.status !== 0) {
  console.error(`\n${lint.stdout}${lint.stderr}`);
  process.exit(1);
}
console.log('promtool: no problems');
process.exit(0);
