import type { Server } from 'node:http';
import { KubeClient } from '../../../src/kube/kube-client.ts';

/** A KubeClient talking plain HTTP to a test's own fake apiserver on loopback. */
export function clientFor(server: Server): KubeClient {
  const { port } = server.address() as { port: number };
  return new KubeClient({ server: `http://127.0.0.1:${port}` });
}
