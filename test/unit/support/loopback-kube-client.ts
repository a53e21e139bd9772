import type { Server } from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../../../src/kube/kube-client.ts';

/** A KubeClient talking plain HTTP to a test's own fake apiserver on loopback. */
export function clientFor(server: Server): KubeClient {
  const { port } = server.address() as { port: number };
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return new KubeClient(kc);
}
