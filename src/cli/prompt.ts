import { createInterface } from 'node:readline/promises';
import { CliError } from './cli-error.ts';

/**
 * dcos-cli's confirmation: `QUESTION [yes/no] `, asked again until the answer is yes or no
 * (y and n too). A closed input (no terminal, nothing piped) is a refusal, never a yes.
 */
export async function confirm(question: string, input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout): Promise<boolean> {
  const rl = createInterface({ input, output, terminal: (input as { isTTY?: boolean }).isTTY === true });
  let closed = false;
  rl.once('close', () => (closed = true));
  try {
    for (;;) {
      if (closed) return false;
      const answer = await rl.question(`${question} [yes/no] `).catch(() => undefined);
      if (answer === undefined) return false;
      const word = answer.trim().toLowerCase();
      if (word === 'yes' || word === 'y') return true;
      if (word === 'no' || word === 'n') return false;
      output.write(`'${answer.trim()}' is not a valid response.\n`);
    }
  } finally {
    rl.close();
  }
}

/** Asks unless --yes was given; a no ends the command with exit code 1 and nothing changed. */
export async function confirmOrCancel(question: string, yes: boolean | undefined, cancelled: string): Promise<void> {
  if (yes) return;
  if (!(await confirm(question))) throw new CliError(cancelled);
}
