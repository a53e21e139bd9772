/**
 * `npm run bench`: every benchmark, one after the other (they would skew each other's figures if run
 * together). Each module exports `run(): Promise<void>` and prints its own figures and goal ratios.
 *
 *   npm run bench                      # all
 *   npm run bench -- webhook-latency   # only those whose name contains an argument
 */
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';

const MODULES = ['accounting-fold', 'webhook-latency', 'universe-render', 'dcos-service-scale', 'cluster-accounting', 'ui-nodes', 'scale', 'envelope'];

const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
// A filter that names a module exactly picks it alone (`scale` is also inside `dcos-service-scale`).
const exact = MODULES.filter((name) => filters.includes(name));
const chosen = exact.length > 0 ? exact : MODULES.filter((name) => filters.length === 0 || filters.some((f) => name.includes(f)));
if (chosen.length === 0) {
  console.error(`no benchmark matches ${filters.join(', ')}; there are: ${MODULES.join(', ')}`);
  process.exit(2);
}

let failed = 0;
for (const name of chosen) {
  const url = new URL(`./${name}.ts`, import.meta.url);
  if (!existsSync(url)) {
    console.log(`\n== ${name}: not there yet, skipped`);
    continue;
  }
  // Figures on a shared machine move with its load: say what it was.
  console.log(`\n== ${name} (load average ${loadavg()[0]!.toFixed(2)} on ${availableParallelism()} cores)`);
  const started = performance.now();
  try {
    const mod = (await import(url.href)) as { run?: () => Promise<void> };
    if (typeof mod.run !== 'function') throw new Error(`${name}.ts exports no run()`);
    await mod.run();
    console.log(`== ${name}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (err) {
    failed++;
    console.error(`== ${name}: failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
