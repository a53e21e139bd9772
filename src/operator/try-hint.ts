import { accessSync, constants } from 'node:fs';
import { delimiter, join, relative } from 'node:path';

/** The first executable `name` on PATH, or undefined. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface TryHintInput {
  kubeconfig: string;
  /** `kubectl` when one is on PATH, else the full path of the one the project built. */
  kubectl: string;
  /** The examples folder, as the reader should type it (relative to where they are when it is below). */
  examples: string;
}

/** What to type next, as plain shell lines a person can copy. */
export function tryHint({ kubeconfig, kubectl, examples }: TryHintInput): string[] {
  return [
    'try, in another shell:',
    `  export KUBECONFIG=${kubeconfig}`,
    `  ${kubectl} apply -f ${examples}`,
    `  ${kubectl} get dcos -A`,
  ];
}

/** The examples folder relative to `cwd` when it lies below it (`npm start` runs in the checkout), else absolute. */
export function examplesPath(examplesDir: string, cwd = process.cwd()): string {
  const rel = relative(cwd, examplesDir);
  return rel && !rel.startsWith('..') ? `${rel}/` : `${examplesDir}/`;
}
