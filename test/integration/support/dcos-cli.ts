import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const DCOS_BIN = fileURLToPath(new URL('../../../bin/dcos', import.meta.url));

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the `dcos` bin as a user would, asynchronously: the operator runs in the test's own
 * process, so a blocking spawn would starve it.
 */
export function runCli(args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv; bin?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(opts.bin ?? DCOS_BIN, args, { env: { ...process.env, ...opts.env } });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGTERM'), opts.timeoutMs ?? 90_000);
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ status: code ?? -1, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}
