import type { Command } from 'commander';
import { openSession, type ClusterFlags, type KubeSession } from './kube-session.ts';

/** What every command gets: the cluster session, opened on first use from the global flags. */
export class CliContext {
  private readonly root: Command;
  private opened?: KubeSession;

  constructor(root: Command) {
    this.root = root;
  }

  get flags(): ClusterFlags {
    return this.root.opts<ClusterFlags>();
  }

  session(): KubeSession {
    this.opened ??= openSession(this.flags);
    return this.opened;
  }

  /** The server, for the "no cluster reachable" line; undefined when no kubeconfig could be read. */
  serverOrUndefined(): string | undefined {
    return this.opened?.server;
  }
}

/** The namespace query of a listing: every namespace with -A, else the session's one. */
export function listNamespace(session: KubeSession): string | undefined {
  return session.allNamespaces ? undefined : session.namespace;
}
