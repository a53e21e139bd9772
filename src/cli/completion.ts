import type { Command } from 'commander';

/*
 * Completion in cobra's protocol, which kubectl speaks with plugins: `kubectl_complete-dcos WORDS...
 * PARTIAL` prints one candidate per line, then `:4` (no file completion). The bash and zsh scripts
 * of `dcos completion` ask `dcos __complete` the same way.
 */

const NO_FILE_COMPLETION = 4;

/** The names a command's first argument can take, read from the cluster (app ids, packages, tasks...). */
export type ArgumentNames = () => Promise<string[]>;

const argumentNames = new WeakMap<Command, ArgumentNames>();

/**
 * Registers where the names of `cmd`'s first argument come from, for completion (of every
 * argument when the first is variadic, as in `package repo remove <names...>`).
 */
export function completeArgumentWith(cmd: Command, names: ArgumentNames): Command {
  argumentNames.set(cmd, names);
  return cmd;
}

function namesFor(cmd: Command, position: number): ArgumentNames | undefined {
  const first = cmd.registeredArguments[0];
  return first && (position === 0 || first.variadic) ? argumentNames.get(cmd) : undefined;
}

function visibleCommands(cmd: Command): Command[] {
  return cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
}

function flagsOf(cmd: Command, root: Command): string[] {
  const own = cmd.options.flatMap((o) => [o.long, o.short].filter((f): f is string => f !== undefined));
  const global = cmd === root ? [] : root.options.flatMap((o) => [o.long, o.short].filter((f): f is string => f !== undefined));
  return [...own, ...global, '--help'];
}

function optionOf(root: Command, cmd: Command, word: string) {
  const flag = word.split('=')[0];
  return [...cmd.options, ...root.options].find((o) => o.long === flag || o.short === flag);
}

/**
 * The candidates for the last word, given the words before it (without the program name). The
 * global flags among the words (-n, --context, --kubeconfig) are set on `root`, so a command's
 * argument candidates are read from the cluster and namespace the command itself would use.
 */
export async function completions(root: Command, words: readonly string[]): Promise<string[]> {
  const partial = words[words.length - 1] ?? '';
  let cmd = root;
  let positional = 0;
  for (let i = 0; i < words.length - 1; i++) {
    const word = words[i]!;
    if (word.startsWith('-')) {
      const option = optionOf(root, cmd, word);
      if (!option || !(option.required || option.optional)) continue;
      const value = word.includes('=') ? word.slice(word.indexOf('=') + 1) : words[++i];
      if (value !== undefined && root.options.includes(option)) root.setOptionValue(option.attributeName(), value);
      continue;
    }
    const sub = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (sub) {
      cmd = sub;
      positional = 0;
    } else positional++;
  }
  if (partial.startsWith('-')) return flagsOf(cmd, root).filter((c) => c.startsWith(partial));
  const subcommands = visibleCommands(cmd).map((c) => c.name());
  const source = namesFor(cmd, positional);
  // Completion never prints an error: a cluster that cannot be read offers no names.
  const names = source ? await source().catch(() => []) : [];
  return [...subcommands, ...names].filter((c) => c.startsWith(partial));
}

export async function completionOutput(root: Command, words: readonly string[]): Promise<string> {
  return [...(await completions(root, words)), `:${NO_FILE_COMPLETION}`].join('\n') + '\n';
}

export function bashCompletionScript(program: string): string {
  return `# bash completion for ${program}: source <(${program} completion bash)
_dcos_complete() {
  local IFS=$'\\n'
  local words=("\${COMP_WORDS[@]:1:COMP_CWORD}")
  local out
  out=$(${program} __complete "\${words[@]}" 2>/dev/null) || return
  COMPREPLY=()
  local line
  for line in $out; do
    case $line in :*) ;; *) COMPREPLY+=("$line") ;; esac
  done
}
complete -o default -F _dcos_complete ${program}
`;
}

export function zshCompletionScript(program: string): string {
  return `#compdef ${program}
# zsh completion for ${program}: source <(${program} completion zsh)
_dcos() {
  local -a candidates
  local line
  for line in "\${(@f)$(${program} __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}"; do
    [[ $line == :* ]] || candidates+=("$line")
  done
  compadd -a candidates
}
compdef _dcos ${program}
`;
}
