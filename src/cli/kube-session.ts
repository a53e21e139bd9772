import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeClient } from '../kube/kube-client.ts';
import { CliError } from './cli-error.ts';

/** The flags kubectl reads to pick a cluster; a kubectl plugin gets none from kubectl and parses them itself. */
export interface ClusterFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  allNamespaces?: boolean;
}

export interface KubeSession {
  client: KubeClient;
  server: string;
  /** The namespace commands act in: -n, else the context's namespace, else `default`. */
  namespace: string;
  /** -A: listings cover every namespace. */
  allNamespaces: boolean;
}

/**
 * The kubeconfig files as kubectl finds them: --kubeconfig, else KUBECONFIG (a list of files,
 * merged; those that do not exist are passed over), else ~/.kube/config; none: the in-cluster
 * service account, if this runs in a pod.
 */
export function kubeconfigFiles(flags: ClusterFlags, env: NodeJS.ProcessEnv = process.env): string[] {
  if (flags.kubeconfig) {
    if (!existsSync(flags.kubeconfig)) throw new CliError(`--kubeconfig ${flags.kubeconfig}: no such file`);
    return [flags.kubeconfig];
  }
  if (env.KUBECONFIG) {
    const files = env.KUBECONFIG.split(delimiter).filter(Boolean);
    const present = files.filter((f) => existsSync(f));
    if (files.length > 0 && present.length === 0) throw new CliError(`KUBECONFIG names no file that exists (${env.KUBECONFIG})`);
    if (present.length > 0) return present;
  }
  const home = join(env.HOME ?? homedir(), '.kube', 'config');
  return existsSync(home) ? [home] : [];
}

/**
 * A session on the cluster the kubeconfig and --context pick. The kubeconfig is read without
 * @kubernetes/client-node (which alone took most of each command's start-up); an exec or
 * auth-provider user still goes through it.
 */
export function openSession(flags: ClusterFlags, env: NodeJS.ProcessEnv = process.env): KubeSession {
  const files = kubeconfigFiles(flags, env);
  let client: KubeClient;
  let contextNamespace: string | undefined;
  if (files.length === 0) {
    if (!env.KUBERNETES_SERVICE_HOST) throw new CliError('no cluster configured: set KUBECONFIG or pass --kubeconfig (npm start prints the export KUBECONFIG=... line of the local cluster)');
    if (flags.context) throw new CliError(`context ${JSON.stringify(flags.context)} not found: no kubeconfig (running with the pod's service account)`);
    client = KubeClient.inCluster();
    contextNamespace = inClusterNamespace();
  } else {
    try {
      ({ client, namespace: contextNamespace } = KubeClient.fromKubeconfigFiles(files, flags.context));
    } catch (err) {
      throw new CliError(err instanceof Error ? err.message : String(err));
    }
  }
  return {
    client,
    server: client.serverUrl,
    namespace: flags.namespace ?? contextNamespace ?? 'default',
    allNamespaces: flags.allNamespaces ?? false,
  };
}

/** The namespace a pod runs in, as its service account mount says. */
function inClusterNamespace(): string | undefined {
  try {
    return readFileSync('/var/run/secrets/kubernetes.io/serviceaccount/namespace', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
