import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { eventually, kubeconfigPath } from './cluster.ts';

const mainScript = fileURLToPath(new URL('../../../src/main.ts', import.meta.url));

/** The test's environment without what would make the process think it runs in a pod. */
function outsideAPod(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['KUBERNETES_SERVICE_HOST', 'POD_NAME', 'POD_NAMESPACE', 'KUBECONFIG']) delete env[name];
  return env;
}

/** One `node src/main.ts` process, its JSON log lines kept for the assertions and for a failure's explanation. */
export class OperatorProcess {
  readonly child: ChildProcess;
  readonly lines: Array<Record<string, unknown>> = [];
  readonly raw: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  /** `args` replace the defaults after --kubeconfig/--namespace/--metrics-port (default: no webhooks, no CRD install, only `namespace` watched). */
  constructor(namespace: string, args: string[] = ['--watch-namespace', namespace, '--webhooks', 'off', '--no-install-crds'], kubeconfig = kubeconfigPath()) {
    this.child = spawn(process.execPath, [mainScript, '--kubeconfig', kubeconfig, '--namespace', namespace, '--metrics-port', '0', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...outsideAPod(), LOG_FORMAT: 'json' },
    });
    let buffered = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      for (const line of parts) {
        this.raw.push(line);
        try {
          this.lines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // not a log line
        }
      }
    });
    this.child.stderr!.on('data', (chunk: Buffer) => this.raw.push(chunk.toString()));
    // 'close', not 'exit': only then has all of its output been read.
    this.exited = new Promise((resolve) => this.child.once('close', (code, signal) => resolve({ code, signal })));
  }

  /** The identity it elects under when POD_NAME is not set: `<hostname>-<pid>`. */
  get identity(): string {
    return `${hostname()}-${this.child.pid}`;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  logged(msg: string): Record<string, unknown> | undefined {
    return this.lines.find((l) => l.msg === msg);
  }

  async waitFor(msg: string, timeoutMs = 60_000): Promise<Record<string, unknown>> {
    return eventually(() => {
      const line = this.logged(msg);
      if (!line) throw new Error(`${this.identity} has not logged "${msg}" yet; its output:\n${this.raw.slice(-20).join('\n')}`);
      return line;
    }, timeoutMs, 100);
  }

  tail(): string {
    return this.raw.slice(-30).join('\n');
  }
}
