import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { emitImageLayout } from '../../scripts/emit-runtime-js.ts';

// There is no container engine here: these are the facts of the image a reader would check by hand.
const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
const dockerignore = readFileSync(new URL('../../.dockerignore', import.meta.url), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

interface Instruction {
  op: string;
  args: string;
}
/** Instructions per stage (continuation lines joined, comments dropped). */
function stages(text: string): Array<{ from: string; name?: string; instructions: Instruction[] }> {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const result: Array<{ from: string; name?: string; instructions: Instruction[] }> = [];
  for (const line of lines) {
    const [, op = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    if (op.toUpperCase() === 'FROM') {
      const [image = '', , name] = args.split(/\s+/);
      result.push({ from: image, name, instructions: [] });
    } else {
      result.at(-1)?.instructions.push({ op: op.toUpperCase(), args });
    }
  }
  return result;
}

const all = stages(dockerfile);
const final = all.at(-1)!;
const finalOps = (op: string) => final.instructions.filter((i) => i.op === op);

describe('Dockerfile', () => {
  it('is multi-stage: dependencies are installed in a build stage and only copied into the runtime image', () => {
    expect(all.length).toBeGreaterThanOrEqual(2);
    const builder = all[0]!;
    expect(builder.instructions.some((i) => i.op === 'RUN' && /npm ci\b.*--omit=dev/.test(i.args))).toBe(true);
    expect(finalOps('COPY').some((i) => i.args.includes(`--from=${builder.name}`) && i.args.includes('node_modules'))).toBe(true);
    // The runtime installs nothing itself.
    expect(finalOps('RUN')).toEqual([]);
  });

  it('runs Node.js 24 on a small image as a numeric non-root user, the same uid as deploy/', () => {
    expect(final.from).toMatch(/(distroless\/nodejs24|node:24-(slim|alpine))/);
    const user = finalOps('USER').at(-1)?.args ?? '';
    const uid = Number(user.split(':')[0]);
    expect(Number.isInteger(uid) && uid > 0, `USER ${user}`).toBe(true);
    const deployment = loadAll(readFileSync(new URL('../../deploy/deployment.yaml', import.meta.url), 'utf8'))[0] as {
      spec: { template: { spec: { containers: Array<{ securityContext: { runAsUser: number } }> } } };
    };
    expect(deployment.spec.template.spec.containers[0]!.securityContext.runAsUser).toBe(uid);
  });

  it('starts the operator with node directly (no npm, no shell), so a pod\'s args become its flags', () => {
    const entrypoint = JSON.parse(finalOps('ENTRYPOINT').at(-1)?.args ?? 'null') as string[] | null;
    expect(entrypoint, 'ENTRYPOINT in exec form').toBeInstanceOf(Array);
    expect(entrypoint!.at(-1)).toBe('src/main.js');
    expect(entrypoint![0]).toMatch(/node$/);
    for (const op of ['ENTRYPOINT', 'CMD']) {
      for (const i of finalOps(op)) {
        expect(i.args, op).not.toMatch(/\bnpm\b/);
        expect(i.args.startsWith('['), `${op} in exec form`).toBe(true);
      }
    }
  });

  it('ships src/ emitted as JavaScript and the default package repository, and keeps local state out of the build context', () => {
    const emit = all.find((s) => s.instructions.some((i) => i.op === 'RUN' && i.args.includes('scripts/emit-runtime-js.ts')));
    expect(emit, 'a stage that runs scripts/emit-runtime-js.ts').toBeDefined();
    const copied = finalOps('COPY').map((i) => i.args);
    expect(copied).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^--from=${emit!.name}\\s+\\S+/src\\s+\\./src$`)), expect.stringMatching(/^packages\s/)]));
    for (const path of ['node_modules', '.cluster', '.git', 'test']) expect(dockerignore).toContain(path);
    for (const path of ['src', 'packages', 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.runtime.json']) expect(dockerignore).not.toContain(path);
    expect(dockerignore).toContain('!scripts/emit-runtime-js.ts');
  });

  it('emits a src/ that Node runs without its type stripper: no .ts file left, the assets beside the code, the operator starts', () => {
    const out = mkdtempSync(join(tmpdir(), 'dcos-runtime-'));
    try {
      const main = emitImageLayout(out);
      const files = readdirSync(join(out, 'src'), { recursive: true }).map(String);
      expect(files.filter((f) => f.endsWith('.ts'))).toEqual([]);
      expect(files).toEqual(expect.arrayContaining(['main.js', 'operator-main.js', join('ui', 'static', 'app.js'), join('cluster', 'kwok-stages.yaml')]));
      const help = execFileSync(process.execPath, ['--no-experimental-strip-types', main, '--help'], { encoding: 'utf8' });
      expect(help).toMatch(/^Usage: dcos-operator/);
      expect(help).toContain('--webhooks');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
