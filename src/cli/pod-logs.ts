import { RequestContext, type HttpMethod } from '@kubernetes/client-node';
import { request, type Dispatcher } from 'undici';
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
  const server = client.config.getCurrentCluster()!.server.replace(/\/$/, '');
  const url = new URL(`${server}/api/v1/namespaces/${encodeURIComponent(pod.metadata.namespace ?? 'default')}/pods/${encodeURIComponent(pod.metadata.name)}/log`);
  url.searchParams.set('container', container);
  url.searchParams.set('tailLines', String(opts.lines));
  if (opts.follow) url.searchParams.set('follow', 'true');
  const ctx = new RequestContext(url.toString(), 'GET' as HttpMethod);
  await client.config.applySecurityAuthentication(ctx);
  const res = await request(url, { method: 'GET', headers: { ...ctx.getHeaders(), accept: '*/*' }, dispatcher: ctx.getDispatcher() as Dispatcher | undefined, signal: opts.signal });
  if (res.statusCode < 200 || res.statusCode > 299) {
    const text = await res.body.text();
    let message = text.slice(0, 500);
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? message;
    } catch {
      // not a Status object: keep the text
    }
    throw new KubeApiError(res.statusCode, 'LogsUnavailable', `logs of task ${pod.metadata.name}: ${message}`, { message: `logs of task ${pod.metadata.name}: ${message}` });
  }
  let pending = '';
  try {
    for await (const chunk of res.body) {
      pending += (chunk as Buffer).toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) onLine(line);
    }
  } catch (err) {
    if (opts.signal?.aborted) return;
    throw err;
  }
  if (pending !== '') onLine(pending);
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
