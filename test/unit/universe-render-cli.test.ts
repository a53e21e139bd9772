import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { corpusPath, describeCorpus } from '../support/corpora.ts';

const cli = fileURLToPath(new URL('../../src/universe/render-cli.ts', import.meta.url));

async function run(...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('npm run render', () => {
  it('prints the DcosService of a package of the default repository as YAML', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'render-cli-'));
    await writeFile(join(dir, 'options.json'), JSON.stringify({ hello: { text: 'from a file' } }));
    const { code, stdout } = await run('hello-world', '--options', join(dir, 'options.json'), '-n', 'demo');
    expect(code).toBe(0);
    const [doc, ...rest] = loadAll(stdout) as Array<{ kind: string; metadata: { name: string; namespace: string }; spec: { args: string[] } }>;
    expect(rest).toEqual([]);
    expect(doc).toMatchObject({ kind: 'DcosService', metadata: { name: 'hello-world', namespace: 'demo' }, spec: { args: ['-listen=:5678', '-text=from a file'] } });
  });

  it.each([
    [['no-such-package'], /PackageNotFound: package "no-such-package" not found/],
    [['nginx', '--version', '0.0.1'], /VersionNotFound/],
    [['nginx', '--options', '/nonexistent/options.json'], /cannot read \/nonexistent\/options.json/],
    [['redis', '--repo', '/nonexistent/universe'], /RepositoryUnreadable/],
  ])('exits 1 with the reason for %j', async (args, message) => {
    const { code, stdout, stderr } = await run(...args);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });
});

describeCorpus('universe', 'npm run render --repo with a real Universe tree', () => {
  it('renders every app of a group package from another repository, one document each', async () => {
    const { code, stdout } = await run('nexcloud', '--repo', corpusPath('universe', 'repo', 'packages'));
    expect(code).toBe(0);
    expect((loadAll(stdout) as Array<{ kind: string }>).map((d) => d.kind)).toEqual(['DcosService', 'DcosService', 'DcosService']);
  });
});
