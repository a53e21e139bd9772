import { spawn } from 'node:child_process';
import { buildGoTool } from '../../../src/cluster/go-tools.ts';

/** What tools/kstatus prints for one object: the status Argo CD, Flux and kapp derive (sigs.k8s.io/cli-utils kstatus). */
export interface KstatusVerdict {
  kind: string;
  namespace?: string;
  name: string;
  status: 'InProgress' | 'Failed' | 'Current' | 'Terminating' | 'NotFound' | 'Unknown';
  message: string;
  reason?: string;
}

let tool: string | undefined;

/** Builds tools/kstatus into the cache once per test process (Go relinks only when it changed). */
export function kstatusTool(): string {
  tool ??= buildGoTool('kstatus');
  return tool;
}

/** kstatus of objects as the apiserver returned them (a GET, as the GitOps tools poll). Asynchronous: the test process may serve webhooks. */
export function kstatusOf(objects: readonly object[]): Promise<KstatusVerdict[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(kstatusTool(), [], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(JSON.parse(out) as KstatusVerdict[]) : reject(new Error(`tools/kstatus exited with ${code}: ${err}`))));
    child.stdin.end(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
  });
}
