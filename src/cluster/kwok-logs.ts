import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterFiles } from './cluster-layout.ts';

/*
 * Container logs on the local control plane: kwok (v0.8.0) serves a container's log from a file
 * named by a ClusterLogs rule through its kubelet endpoint, which the apiserver proxies for
 * `kubectl logs` and `dcos service log`. Every task serves the same file of lines (there is no
 * container runtime to write one per task); `dcos` prefixes each line with its task. A test can
 * append lines to the file to see `--follow` deliver them.
 */

export function taskLogFile(files: ClusterFiles): string {
  return join(files.dir, 'task.log');
}

/** A log line in the CRI format the kubelet reads: time, stream, full-line tag, text. */
export function criLogLine(text: string, at = new Date(), stream: 'stdout' | 'stderr' = 'stdout'): string {
  return `${at.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z')} ${stream} F ${text}\n`;
}

function clusterLogsRule(logFile: string): string {
  return `---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterLogs
metadata:
  name: dcos-task-logs
spec:
  logs:
    - logsFile: ${JSON.stringify(logFile)}
      follow: true
`;
}

/** Adds the logs rule to kwok's config (written just before from the stages) and creates the log file once. */
export function addKwokLogs(files: ClusterFiles): void {
  const logFile = taskLogFile(files);
  if (!existsSync(logFile)) {
    const started = new Date();
    writeFileSync(logFile, criLogLine('task started on a kwok node of the local dcos-operator cluster', started) + criLogLine('serving (kwok has no container runtime: this is the log every task serves)', started));
  }
  appendFileSync(files.kwokConfig, clusterLogsRule(logFile));
}
