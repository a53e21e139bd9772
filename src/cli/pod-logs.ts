import type { KubeClient } from '../kube/kube-client.ts';
import { KubeApiError } from '../kube/kube-client.ts';
import type { PodObject } from './task-table.ts';

export interface LogOptions {
  follow: boolean;
  /** Lines from the end of the log to start with (dcos-cli's --lines, default 10). */
  lines: number;
  signal?: AbortSignal;
}

/**
 * Streams one container's log through the apiserver (GET pods/NAME/log, the path `kubectl logs`
 * takes), calling `onLine` for every complete line; with follow, until the container or the
 * caller stops it.
 */
export async function streamContainerLog(client: KubeClient, pod: PodObject, container: string, opts: LogOptions, onLine: (line: string) => void): Promise<void> {
  const path = `/api/v1/namespaces/${encodeURIComponent(pod.metadata.namespace ?? 'default')}/pods/${encodeURIComponent(pod.metadata.name)}/log`;
  try {
    await client.streamLines(path, { container, tailLines: opts.lines, follow: opts.follow ? 'true' : undefined }, onLine, { signal: opts.signal, what: `logs of task ${pod.metadata.name}` });
  } catch (err) {
    if (!(err instanceof KubeApiError)) throw err;
    const body = err.body as { message?: string } | string | undefined;
    const message = `logs of task ${pod.metadata.name}: ${typeof body === 'string' ? body.slice(0, 500) : (body?.message ?? err.message)}`;
    throw new KubeApiError(err.status, 'LogsUnavailable', message, { message });
  }
}

/**
 * The logs of several tasks at once: each line prefixed with its task when there is more than one
 * (dcos-cli's `dcos task log` on several tasks); the main container of each (the first).
 */
export async function streamTaskLogs(client: KubeClient, pods: readonly PodObject[], opts: LogOptions, write: (text: string) => void = (t) => process.stdout.write(t)): Promise<void> {
  const prefix = pods.length > 1;
  await Promise.all(
    pods.map((pod) => {
      const container = pod.spec?.containers?.[0]?.name ?? 'main';
      return streamContainerLog(client, pod, container, opts, (line) => write(prefix ? `[${pod.metadata.name}] ${line}\n` : `${line}\n`));
    }),
  );
}
