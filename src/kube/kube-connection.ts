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

export interface KubeconfigSelection extends KubeconfigReading {
  /** The namespace the chosen context names, if any. */
  namespace?: string;
}

/** One kubeconfig file, parsed, with the folder its relative certificate and token paths start from. */
interface LoadedKubeconfig {
  file: KubeconfigFile;
  dir: string;
}

/** The entry called `name` in the first file that defines it (kubectl's merge: the first one wins). */
function firstNamed<T>(loaded: readonly LoadedKubeconfig[], list: 'contexts' | 'clusters' | 'users', name: string | undefined): { entry: T; dir: string } | undefined {
  for (const { file, dir } of loaded) {
    const found = (file[list] as Named<Record<string, unknown>> | undefined)?.find((e) => e.name === name);
    if (found) return { entry: (found as Record<string, unknown>)[list.slice(0, -1)] as T, dir };
  }
  return undefined;
}

/** Every context name the files define, in order, once each (for a message naming the choices). */
function contextNames(loaded: readonly LoadedKubeconfig[]): string[] {
  return [...new Set(loaded.flatMap(({ file }) => (file.contexts ?? []).map((c) => c.name ?? '')))].filter(Boolean);
}

function select(loaded: readonly LoadedKubeconfig[], contextOverride?: string): KubeconfigSelection {
  const contextName = contextOverride ?? loaded.map(({ file }) => str(file['current-context'])).find(Boolean);
  if (!contextName) throw new Error('kubeconfig: current-context is not set');
  const context = firstNamed<{ cluster?: string; user?: string; namespace?: string }>(loaded, 'contexts', contextName)?.entry;
  if (!context) {
    const known = contextNames(loaded);
    throw new Error(contextOverride ? `context ${JSON.stringify(contextName)} not found in the kubeconfig (contexts: ${known.join(', ') || 'none'})` : `kubeconfig: contexts has no "${contextName}" (current-context)`);
  }
  const clusterFound = firstNamed<Record<string, unknown>>(loaded, 'clusters', context.cluster);
  if (!clusterFound) throw new Error(`kubeconfig: clusters has no "${context.cluster ?? ''}" (contexts.${contextName}.cluster)`);
  const cluster = clusterFound.entry;
  const userFound = context.user ? firstNamed<Record<string, unknown>>(loaded, 'users', context.user) : undefined;
  const user = userFound?.entry ?? {};
  const needsClientNode = user.exec ? 'users.user.exec' : user['auth-provider'] ? 'users.user.auth-provider' : cluster['proxy-url'] ? 'clusters.cluster.proxy-url' : undefined;
  const server = str(cluster.server);
  if (!server) throw new Error(`kubeconfig: clusters.${context.cluster}.server is not set`);
  // Relative paths start from the folder of the file that holds the entry, as kubectl reads them.
  const pemFrom = (dir: string) => (data: unknown, file: unknown): string | undefined => {
    if (str(data)) return Buffer.from(data as string, 'base64').toString('utf8');
    if (str(file)) return readFileSync(isAbsolute(file as string) ? (file as string) : join(dir, file as string), 'utf8');
    return undefined;
  };
  const clusterPem = pemFrom(clusterFound.dir);
  const userPem = pemFrom(userFound?.dir ?? clusterFound.dir);
  const tokenFile = str(user.tokenFile);
  return {
    connection: {
      server: server.replace(/\/$/, ''),
      ca: clusterPem(cluster['certificate-authority-data'], cluster['certificate-authority']),
      cert: userPem(user['client-certificate-data'], user['client-certificate']),
      key: userPem(user['client-key-data'], user['client-key']),
      insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
      tlsServerName: str(cluster['tls-server-name']),
      token: str(user.token),
      tokenFile: tokenFile ? (isAbsolute(tokenFile) ? tokenFile : join(userFound!.dir, tokenFile)) : undefined,
      username: str(user.username),
      password: str(user.password),
    },
    ...(needsClientNode ? { needsClientNode } : {}),
    ...(str(context.namespace) ? { namespace: context.namespace } : {}),
  };
}

/**
 * The current context of a kubeconfig's text. `dir` is the file's directory: relative certificate
 * and token paths are read from there, as kubectl does. Throws naming the field that is missing.
 */
export function readKubeconfig(text: string, dir: string): KubeconfigReading {
  return select([{ file: (load(text) ?? {}) as KubeconfigFile, dir }]);
}

export function readKubeconfigFile(file: string): KubeconfigReading {
  return readKubeconfig(readFileSync(file, 'utf8'), dirname(file));
}

/**
 * Several kubeconfig files as kubectl merges KUBECONFIG's list: the first file to set
 * current-context or to define a context, cluster or user of a name wins; `context` (--context)
 * picks another context than current-context.
 */
export function readKubeconfigFiles(files: readonly string[], context?: string): KubeconfigSelection {
  return select(
    files.map((f) => ({ file: (load(readFileSync(f, 'utf8')) ?? {}) as KubeconfigFile, dir: dirname(f) })),
    context,
  );
}

/** A pod's own service account, as client-go's rest.InClusterConfig reads it. */
export function inClusterConnection(env = process.env, dir = SERVICE_ACCOUNT_DIR): KubeConnection {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) throw new Error('in-cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not both set');
  return { server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`, ca: readFileSync(join(dir, 'ca.crt'), 'utf8'), tokenFile: join(dir, 'token') };
}
