import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFileSync } from 'node:fs';
import type { ClusterFiles } from './cluster-layout.ts';
import { logFile, type ComponentSpec } from './control-plane-components.ts';
import { ClusterError, tail } from './cluster-error.ts';
import { runningPid, type StartedComponent } from './component-processes.ts';

function adminTls(files: ClusterFiles): { ca: string; cert: string; key: string } {
  const config = readFileSync(files.kubeconfig, 'utf8');
  const field = (name: string) => Buffer.from(new RegExp(`${name}: (\\S+)`).exec(config)![1]!, 'base64').toString();
  return { ca: readFileSync(files.caCert, 'utf8'), cert: field('client-certificate-data'), key: field('client-key-data') };
}

function probe(url: string, tls?: { ca: string; cert: string; key: string }): Promise<boolean> {
  return new Promise((resolve) => {
    const request = url.startsWith('https:') ? httpsRequest : httpRequest;
    // Components other than the apiserver serve health with their own self-signed certificates.
    const options = tls ? { ...tls } : { rejectUnauthorized: false };
    const req = request(url, { ...options, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/**
 * Waits until the component answers its health URL. `started` is the process this call started:
 * its own exit event says whether it exited (a pid file or /proc may still show a process of the
 * previous run, or none for a moment).
 */
export async function waitHealthy(files: ClusterFiles, spec: ComponentSpec, started?: StartedComponent): Promise<void> {
  const deadline = Date.now() + spec.timeoutSeconds * 1000;
  const tls = spec.health.clientCert ? adminTls(files) : undefined;
  const gone = () => (started ? started.exit !== undefined : runningPid(files, spec) === undefined);
  while (Date.now() < deadline) {
    if (gone()) break;
    if (await probe(spec.health.url, tls)) {
      // Something answered: it must be the process we started, not one of a previous run still listening.
      if (!gone()) return;
      break;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const exit = started?.exit;
  const exited = gone();
  let log = '';
  try {
    log = tail(readFileSync(logFile(files, spec.name), 'utf8'), 20);
  } catch {
    log = '    (no log)';
  }
  const how = exit ? (exit.signal ? ` (killed by ${exit.signal})` : ` with code ${exit.code}`) : '';
  throw new ClusterError(
    `wait for ${spec.name}`,
    `${exited ? `it exited${how}` : `it did not answer ${spec.health.url} within ${spec.timeoutSeconds} s`}; last lines of ${logFile(files, spec.name)}:\n${log}`,
    'read the log above; `npm run cluster:down` then `npm run cluster:up` starts over, and deleting the .cluster directory resets its state',
  );
}

export async function isHealthy(files: ClusterFiles, spec: ComponentSpec): Promise<boolean> {
  return probe(spec.health.url, spec.health.clientCert ? adminTls(files) : undefined);
}
