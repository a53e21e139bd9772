// node scripts/emit-runtime-js.ts <out>: src/ as the image runs it, JavaScript in <out>/src (imports
// rewritten from .ts to .js, the non-TypeScript files beside them). Node runs .ts files through its
// type stripper, a WebAssembly build of swc: compiling and running it cost the operator about 7 MiB of
// heap and 7 MiB of wasm memory (bench/envelope.ts), paid in every replica for the life of the pod.
// The Dockerfile and the envelope benchmark both emit with this script, so the benchmark measures the
// process the image runs; `npm start` and the tests run the TypeScript itself.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

export function emitRuntimeJs(out: string): void {
  const target = join(out, 'src');
  mkdirSync(target, { recursive: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.runtime.json'), '--outDir', target], { stdio: 'inherit' });
  for (const entry of readdirSync(join(ROOT, 'src'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || entry.name.endsWith('.ts')) continue;
    const from = join(entry.parentPath, entry.name);
    const to = join(target, relative(join(ROOT, 'src'), from));
    mkdirSync(dirname(to), { recursive: true });
    cpSync(from, to);
  }
}

/**
 * The emitted src/ laid out as the image holds it, with this checkout's package.json (an ES module
 * package), node_modules and packages beside it: what a benchmark or a test runs. Returns its main.
 */
export function emitImageLayout(out: string): string {
  emitRuntimeJs(out);
  copyFileSync(join(ROOT, 'package.json'), join(out, 'package.json'));
  for (const dir of ['node_modules', 'packages']) symlinkSync(join(ROOT, dir), join(out, dir));
  return join(out, 'src/main.js');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) throw new Error('usage: node scripts/emit-runtime-js.ts <out>');
  emitRuntimeJs(out);
}
