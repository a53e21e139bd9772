import type { Command } from 'commander';

/*
 * Completion in cobra's protocol, which kubectl speaks with plugins: `kubectl_complete-dcos WORDS...
 * PARTIAL` prints one candidate per line, then `:4` (no file completion). The bash and zsh scripts
 * of `dcos completion` ask `dcos __complete` the same way.
 */

const NO_FILE_COMPLETION = 4;

function visibleCommands(cmd: Command): Command[] {
  return cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden);
}

function flagsOf(cmd: Command, root: Command): string[] {
  const own = cmd.options.flatMap((o) => [o.long, o.short].filter((f): f is string => f !== undefined));
  const global = cmd === root ? [] : root.options.flatMap((o) => [o.long, o.short].filter((f): f is string => f !== undefined));
  return [...own, ...global, '--help'];
}

/** Global flags that take a value: their value is skipped when walking the words to the command. */
function takesValue(root: Command, cmd: Command, word: string): boolean {
  const option = [...cmd.options, ...root.options].find((o) => o.long === word || o.short === word);
  return option !== undefined && (option.required || option.optional);
}

/** The candidates for the last word, given the words before it (without the program name). */
export function completions(root: Command, words: readonly string[]): string[] {
  const partial = words[words.length - 1] ?? '';
  let cmd = root;
  for (let i = 0; i < words.length - 1; i++) {
    const word = words[i]!;
    if (word.startsWith('-')) {
      if (!word.includes('=') && takesValue(root, cmd, word)) i++;
      continue;
    }
    const sub = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
    if (sub) cmd = sub;
  }
  const candidates = partial.startsWith('-') ? flagsOf(cmd, root) : visibleCommands(cmd).map((c) => c.name());
  return candidates.filter((c) => c.startsWith(partial));
}

export function completionOutput(root: Command, words: readonly string[]): string {
  return [...completions(root, words), `:${NO_FILE_COMPLETION}`].join('\n') + '\n';
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
