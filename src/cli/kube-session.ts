import { existsSync } from 'node:fs';
import { delimiter } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
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
 * The kubeconfig as kubectl reads it: --kubeconfig, else KUBECONFIG (a list of files, merged),
 * else ~/.kube/config, else the in-cluster service account; then --context picks the context.
 */
export function loadKubeConfig(flags: ClusterFlags, env: NodeJS.ProcessEnv = process.env): KubeConfig {
  const config = new KubeConfig();
  if (flags.kubeconfig) {
    if (!existsSync(flags.kubeconfig)) throw new CliError(`--kubeconfig ${flags.kubeconfig}: no such file`);
    config.loadFromFile(flags.kubeconfig);
  } else {
    if (env.KUBECONFIG) {
      const files = env.KUBECONFIG.split(delimiter).filter(Boolean);
      if (files.length > 0 && !files.some((f) => existsSync(f))) throw new CliError(`KUBECONFIG names no file that exists (${env.KUBECONFIG})`);
    }
    const saved = process.env.KUBECONFIG;
    if (env.KUBECONFIG !== undefined) process.env.KUBECONFIG = env.KUBECONFIG;
    try {
      config.loadFromDefault();
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG;
      else process.env.KUBECONFIG = saved;
    }
  }
  if (flags.context) {
    if (!config.getContextObject(flags.context)) {
      const known = config.getContexts().map((c) => c.name);
      throw new CliError(`context ${JSON.stringify(flags.context)} not found in the kubeconfig (contexts: ${known.join(', ') || 'none'})`);
    }
    config.setCurrentContext(flags.context);
  }
  return config;
}

export function openSession(flags: ClusterFlags, env: NodeJS.ProcessEnv = process.env): KubeSession {
  const config = loadKubeConfig(flags, env);
  const cluster = config.getCurrentCluster();
  if (!cluster) throw new CliError('no cluster configured: set KUBECONFIG or pass --kubeconfig (npm start prints the export KUBECONFIG=... line of the local cluster)');
  const contextNamespace = config.getContextObject(config.getCurrentContext())?.namespace;
  return {
    client: new KubeClient(config),
    server: cluster.server,
    namespace: flags.namespace ?? contextNamespace ?? 'default',
    allNamespaces: flags.allNamespaces ?? false,
  };
}
