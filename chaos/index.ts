// npm run chaos [-- <scenario> [args]]: fault injection against the real operator, and the long fuzz runs.
// Not part of npm test (each has a short version there); sizes fit a 2-core machine.
const scenarios: Record<string, () => Promise<{ run: (args: string[]) => Promise<void> }>> = {
  fuzz: async () => ({ run: (await import('./fuzz.ts')).fuzz }),
  sigkill: async () => ({ run: (await import('./sigkill.ts')).sigkillRounds }),
  apiserver: async () => ({ run: (await import('./apiserver.ts')).apiserverRounds }),
  'proxy-cut': async () => ({ run: (await import('./proxy-cut.ts')).proxyCutRounds }),
  compaction: async () => ({ run: (await import('./compaction.ts')).compactionRounds }),
  'kwok-stages': async () => ({ run: (await import('./kwok-stages.ts')).kwokStagesRounds }),
  leader: async () => ({ run: (await import('./leader.ts')).leaderRounds }),
};

const [name, ...args] = process.argv.slice(2);
const selected = name ? [name] : Object.keys(scenarios);
for (const s of selected) {
  const load = scenarios[s];
  if (!load) {
    console.error(`no chaos scenario ${s}; known: ${Object.keys(scenarios).join(', ')}`);
    process.exit(2);
  }
  await (await load()).run(name ? args : []);
}
// Open handles (watches, timers) would keep node running; a scenario that failed set process.exitCode.
process.exit();
