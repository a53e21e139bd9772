// `dcos` (and `kubectl dcos`): the DC/OS command line on the Kubernetes API, with the user's kubeconfig.
import { CommanderError } from 'commander';
import { CliError, failureLine } from './cli-error.ts';
import { completionOutput } from './completion.ts';
import { buildProgram } from './program.ts';

export async function main(argv: string[]): Promise<number> {
  // `__complete` takes the words as they are, flags included, so it is dispatched before parsing.
  if (argv[0] === '__complete') {
    const { program } = buildProgram();
    process.stdout.write(await completionOutput(program, argv.length > 1 ? argv.slice(1) : ['']));
    return 0;
  }
  const { program, ctx } = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    process.stderr.write(`Error: ${failureLine(err, ctx.serverOrUndefined())}\n`);
    return err instanceof CliError ? err.exitCode : 1;
  }
}

const code = await main(process.argv.slice(2));
// Exit at once: the HTTP client keeps idle connections open for a few seconds otherwise.
process.stdout.write('', () => process.exit(code));
