/**
 * Where the apiserver is and how to prove who we are, read from a kubeconfig or a pod's service
 * account without @kubernetes/client-node: loading that module (its KubeConfig imports the whole
 * generated API) costs the operator about 50 MiB of RSS and 19 MiB of heap, a fifth of its budget at
 * Kubernetes' envelope. What this file does not read (exec and auth-provider credentials, proxies) is
 * left to client-node, loaded only for such a kubeconfig (`needsClientNode` says why).
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { load } from 'js-yaml';

export interface KubeConnection {
  /** https://host:port, no trailing slash. */
  server: string;
  /** PEM of the CA the server's certificate is checked against; undefined: the system's CAs. */
  ca?: string;
  /** Client certificate and key (PEM). */
  cert?: string;
  key?: string;
  insecureSkipTlsVerify?: boolean;
  /** The name the server's certificate must carry, when not the server URL's host. */
  tlsServerName?: string;
  token?: string;
  /** A bearer token read from this file, again as it rotates (projected service account tokens). */
  tokenFile?: string;
  username?: string;
  password?: string;
}

export interface KubeconfigReading {
  connection: KubeConnection;
  /** The field that only client-node reads (exec or auth-provider credentials, a proxy); undefined: none. */
  needsClientNode?: string;
}

type Named<T> = Array<{ name?: string } & T>;
interface KubeconfigFile {
  'current-context'?: string;
  contexts?: Named<{ context?: { cluster?: string; user?: string } }>;
  clusters?: Named<{ cluster?: Record<string, unknown> }>;
  users?: Named<{ user?: Record<string, unknown> }>;
}

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * The current context of a kubeconfig's text. `dir` is the file's directory: relative certificate
 * and token paths are read from there, as kubectl does. Throws naming the field that is missing.
 */
export function readKubeconfig(text: string, dir: string): KubeconfigReading {
  const file = (load(text) ?? {}) as KubeconfigFile;
  const contextName = str(file['current-context']);
  if (!contextName) throw new Error('kubeconfig: current-context is not set');
  const context = file.contexts?.find((c) => c.name === contextName)?.context;
  if (!context) throw new Error(`kubeconfig: contexts has no "${contextName}" (current-context)`);
  const cluster = file.clusters?.find((c) => c.name === context.cluster)?.cluster;
  if (!cluster) throw new Error(`kubeconfig: clusters has no "${context.cluster ?? ''}" (contexts.${contextName}.cluster)`);
  const user = (context.user ? file.users?.find((u) => u.name === context.user)?.user : undefined) ?? {};
  const needsClientNode = user.exec ? 'users.user.exec' : user['auth-provider'] ? 'users.user.auth-provider' : cluster['proxy-url'] ? 'clusters.cluster.proxy-url' : undefined;
  const server = str(cluster.server);
  if (!server) throw new Error(`kubeconfig: clusters.${context.cluster}.server is not set`);
  const path = (p: string) => (isAbsolute(p) ? p : join(dir, p));
  const pem = (data: unknown, file: unknown): string | undefined => {
    if (str(data)) return Buffer.from(data as string, 'base64').toString('utf8');
    if (str(file)) return readFileSync(path(file as string), 'utf8');
    return undefined;
  };
  const tokenFile = str(user.tokenFile);
  return {
    connection: {
      server: server.replace(/\/$/, ''),
      ca: pem(cluster['certificate-authority-data'], cluster['certificate-authority']),
      cert: pem(user['client-certificate-data'], user['client-certificate']),
      key: pem(user['client-key-data'], user['client-key']),
      insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
      tlsServerName: str(cluster['tls-server-name']),
      token: str(user.token),
      tokenFile: tokenFile ? path(tokenFile) : undefined,
      username: str(user.username),
      password: str(user.password),
    },
    ...(needsClientNode ? { needsClientNode } : {}),
  };
}

export function readKubeconfigFile(file: string): KubeconfigReading {
  return readKubeconfig(readFileSync(file, 'utf8'), dirname(file));
}

/** A pod's own service account, as client-go's rest.InClusterConfig reads it. */
export function inClusterConnection(env = process.env, dir = SERVICE_ACCOUNT_DIR): KubeConnection {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) throw new Error('in-cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not both set');
  return { server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`, ca: readFileSync(join(dir, 'ca.crt'), 'utf8'), tokenFile: join(dir, 'token') };
}
