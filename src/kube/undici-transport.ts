/**
 * The transport of a KubeClient authenticated by client-node (exec credential plugins, auth
 * providers, proxies, a caller's own KubeConfig): client-node hands over an undici dispatcher
 * carrying the TLS identity or the proxy, so these requests go through undici. Imported only on
 * that path, with client-node, which loads undici anyway; the operator's own kubeconfig or service
 * account never loads it (transport.ts says why).
 */
import { request, type Dispatcher } from 'undici';
import type { Transport } from './transport.ts';

/** `dispatcher` is read at each request: client-node gives its dispatcher with the first credentials. */
export function undiciTransport(dispatcher: () => Dispatcher | undefined): Transport {
  return {
    async send(url, { method, headers, body, signal }) {
      // undici's request, not fetch: fetch wraps every body in WHATWG streams, which cost CPU.
      const res = await request(url, { method: method as Dispatcher.HttpMethod, headers, body, dispatcher: dispatcher(), signal });
      return { status: res.statusCode, body: res.body };
    },
  };
}
