import type { TestProject } from 'vitest/node';
import { clusterDown, clusterRunning, clusterUp } from '../../src/cluster/local-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
  }
}

/** One real control plane for every integration test file; stopped again only if this run started it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const wasRunning = clusterRunning();
  const report = await clusterUp((line) => console.log(`[cluster] ${line}`));
  console.log(`[cluster] ${wasRunning ? 'reusing the running' : 'started a'} local control plane in ${report.startSeconds.toFixed(1)} s (${report.nodes} kwok nodes)`);
  project.provide('kubeconfig', report.kubeconfig);
  return async () => {
    if (!wasRunning && !process.env.DCOS_KEEP_CLUSTER) await clusterDown();
  };
}
