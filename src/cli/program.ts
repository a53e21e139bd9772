// The `dcos` program: its global flags (kubectl's), its commands, and completion.
import { Command } from 'commander';
import { CliContext } from './cli-context.ts';
import { CliError } from './cli-error.ts';
import { bashCompletionScript, completionOutput, zshCompletionScript } from './completion.ts';
import { registerMarathon } from './marathon-commands.ts';
import { registerPackage } from './package-commands.ts';
import { registerRuntime } from './runtime-commands.ts';

export function buildProgram(name = process.env.DCOS_CLI_NAME ?? 'dcos'): { program: Command; ctx: CliContext } {
  const program = new Command(name)
    .description('The DC/OS command line on Kubernetes: packages, Marathon apps, services, tasks, nodes (through the Kubernetes API and your kubeconfig)')
    .option('--kubeconfig <file>', 'the kubeconfig to use (default: KUBECONFIG, else ~/.kube/config)')
    .option('--context <name>', 'the kubeconfig context to use')
    .option('-n, --namespace <namespace>', "the namespace (default: the context's, else default)")
    .option('-A, --all-namespaces', 'list across every namespace')
    .showHelpAfterError()
    .exitOverride();
  const ctx = new CliContext(program);
  registerPackage(program, ctx);
  registerMarathon(program, ctx);
  registerRuntime(program, ctx);
  program
    .command('completion <shell>')
    .description('print the shell completion script: bash or zsh (source <(dcos completion bash))')
    .action((shell: string) => {
      if (shell === 'bash') process.stdout.write(bashCompletionScript('dcos'));
      else if (shell === 'zsh') process.stdout.write(zshCompletionScript('dcos'));
      else throw new CliError(`completion: expected bash or zsh, got ${JSON.stringify(shell)}`);
    });
  program
    .command('__complete', { hidden: true })
    .argument('[words...]')
    .allowUnknownOption()
    .helpOption(false)
    .action(async (words: string[]) => {
      process.stdout.write(await completionOutput(program, words.length === 0 ? [''] : words));
    });
  // exitOverride on every subcommand too: usage errors come back here, printed once, exit 2.
  const all = (cmd: Command): Command[] => [cmd, ...cmd.commands.flatMap(all)];
  for (const cmd of all(program)) cmd.exitOverride();
  return { program, ctx };
}

