/**
 * A stand-in kube-apiserver for `npm run bench -- envelope`: Kubernetes' whole envelope (5,000 nodes,
 * 150,000 pods, 10,000 DcosServices) in one process, which the local control plane cannot hold on a
 * bench machine (it creates about 28 pods a second there). It serves over HTTPS with a bearer token,
 * as a cluster does, what the operator uses (stand-in-store.ts, stand-in-http.ts), and runs the
 * cluster behind it (stand-in-cluster.ts). Its control port (plain HTTP, loopback) is the bench's:
 *   GET  /state                  {clusterExists, services, correct, pods, counters}
 *   POST /sample?n=N             DcosCluster status latency after one pod change, in ms
 *   POST /churn?seconds=S&rate=R the churn, its counts when done
 * Run as a process (`node bench/support/stand-in-apiserver.ts <dir> <json options>`) it prints one
 * line `READY {"kubeconfig":..., "control":...}` once seeded; spawnStandIn does that for a bench.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createCertificateAuthority, issueCertificate } from '../../src/pki/certificates.ts';
import { StandInCluster, type EnvelopeSize, type StandInOptions } from './stand-in-cluster.ts';
import { handleKube } from './stand-in-http.ts';
import { StandInStore } from './stand-in-store.ts';

export interface StandInConfig extends EnvelopeSize, StandInOptions {
  /** Plain HTTP instead of HTTPS (unit tests). */
  insecure?: boolean;
  bookmarkMs?: number;
}

export interface StandIn {
  store: StandInStore;
  cluster: StandInCluster;
  counters: Map<string, number>;
  kubeServer: Server;
  controlServer: Server;
  kubeconfig: string;
  controlUrl: string;
  close(): Promise<void>;
}

const listen = (server: Server) => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));

function kubeconfigFor(server: string, token: string, caPem?: string): object {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'stand-in', cluster: { server, ...(caPem ? { 'certificate-authority-data': Buffer.from(caPem).toString('base64') } : { 'insecure-skip-tls-verify': true }) } }],
    users: [{ name: 'bench', user: { token } }],
    contexts: [{ name: 'stand-in', context: { cluster: 'stand-in', user: 'bench' } }],
    'current-context': 'stand-in',
  };
}

/** Seeds the cluster and starts both ports; the kubeconfig is written into `dir`. */
export async function startStandIn(dir: string, config: StandInConfig): Promise<StandIn> {
  const store = new StandInStore();
  const cluster = new StandInCluster(store, config);
  cluster.seed(config);
  const counters = new Map<string, number>();
  const token = randomBytes(16).toString('hex');
  const handler: Parameters<typeof createHttpServer>[1] = (req, res) => {
    handleKube(store, req, res, { token, counters }).catch((err: unknown) => {
      console.error('stand-in: request failed', err);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };
  let kubeServer: Server;
  let caPem: string | undefined;
  if (config.insecure) {
    kubeServer = createHttpServer(handler);
  } else {
    const ca = await createCertificateAuthority('stand-in-ca', 2);
    const leaf = await issueCertificate(ca, { commonName: 'stand-in', ipAddresses: ['127.0.0.1'], dnsNames: ['localhost'], usage: 'server', validDays: 2 });
    caPem = ca.certPem;
    kubeServer = createHttpsServer({ key: leaf.keyPem, cert: leaf.certPem }, handler) as unknown as Server;
  }
  kubeServer.keepAliveTimeout = 90_000;
  const kubePort = await listen(kubeServer);
  const bookmarks = setInterval(() => store.bookmarkAll(), config.bookmarkMs ?? 10_000);
  bookmarks.unref();

  const controlServer = createHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://control');
    const reply = (value: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    const fail = (err: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }));
    };
    if (url.pathname === '/state') {
      return reply({
        clusterExists: store.find('dcos.dev/v1alpha1', 'dcosclusters', undefined, 'default') !== undefined,
        services: store.size('dcos.dev/v1alpha1', 'dcosservices'),
        correct: cluster.correctServices(),
        pods: store.size('v1', 'pods'),
        counters: Object.fromEntries(counters),
      });
    }
    if (url.pathname === '/sample') return void cluster.sampleStatusLatency(Number(url.searchParams.get('n') ?? 0)).then((ms) => reply({ ms }), fail);
    if (url.pathname === '/churn') return void cluster.churn(Number(url.searchParams.get('seconds') ?? 60), Number(url.searchParams.get('rate') ?? 100)).then(reply, fail);
    res.writeHead(404);
    res.end();
  });
  const controlPort = await listen(controlServer);

  mkdirSync(dir, { recursive: true });
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, JSON.stringify(kubeconfigFor(`${config.insecure ? 'http' : 'https'}://127.0.0.1:${kubePort}`, token, caPem)), { mode: 0o600 });
  return {
    store,
    cluster,
    counters,
    kubeServer,
    controlServer,
    kubeconfig,
    controlUrl: `http://127.0.0.1:${controlPort}`,
    close: async () => {
      clearInterval(bookmarks);
      for (const s of [kubeServer, controlServer]) {
        s.closeAllConnections();
        await new Promise((r) => s.close(r));
      }
    },
  };
}

export interface StandInProcess {
  child: ChildProcess;
  kubeconfig: string;
  controlUrl: string;
  seedSeconds: number;
}

/** The stand-in in a process of its own (its CPU and memory are not the operator's, nor the bench's). */
export async function spawnStandIn(dir: string, config: StandInConfig): Promise<StandInProcess> {
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--max-old-space-size=8192', new URL(import.meta.url).pathname, dir, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<{ kubeconfig: string; control: string }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the stand-in apiserver exited (${code}) before it was ready`)));
    lines.on('line', (line) => {
      if (line.startsWith('READY ')) resolve(JSON.parse(line.slice(6)) as { kubeconfig: string; control: string });
      else console.log(`stand-in: ${line}`);
    });
  });
  return { child, kubeconfig: ready.kubeconfig, controlUrl: ready.control, seedSeconds: (performance.now() - t0) / 1000 };
}

if (import.meta.main) {
  const [dir, json] = process.argv.slice(2);
  const standIn = await startStandIn(dir!, JSON.parse(json!) as StandInConfig);
  console.log(`READY ${JSON.stringify({ kubeconfig: standIn.kubeconfig, control: standIn.controlUrl })}`);
  process.on('SIGTERM', () => void standIn.close().then(() => process.exit(0)));
}
