import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRepositoryIndex, parseRepositoryIndex } from '../../src/universe/universe-index.ts';
import { readUniverseTree } from '../../src/universe/universe-tree.ts';
import { loadRepository } from '../../src/universe/repository-source.ts';
import { renderPackage } from '../../src/universe/package-render.ts';

const b64 = (text: string) => Buffer.from(text).toString('base64');
const entry = (packagingVersion: string, extra: object = {}) => ({
  packagingVersion,
  name: 'echo',
  version: `v${packagingVersion}`,
  releaseVersion: Number(packagingVersion[0]),
  maintainer: 'm',
  description: 'd',
  tags: [],
  marathon: { v2AppMustacheTemplate: b64('{"id": "/echo", "cmd": "{{msg}}"}') },
  config: { type: 'object', properties: { msg: { type: 'string', default: 'hi' } } },
  resource: {},
  ...extra,
});

describe('parseRepositoryIndex', () => {
  it.each(['2.0', '3.0', '4.0', '5.0'])('reads a packagingVersion %s entry with its template decoded', (version) => {
    const result = parseRepositoryIndex(JSON.stringify({ packages: [entry(version)] }), 'https://x/repo.json');
    expect(result.ok).toBe(true);
    const pkg = result.ok ? result.value.packages[0]! : undefined;
    expect(pkg).toMatchObject({ name: 'echo', version: `v${version}`, marathonTemplate: '{"id": "/echo", "cmd": "{{msg}}"}' });
    const rendered = renderPackage({ pkg: pkg!, source: 'x', namespace: 'n' });
    expect(rendered.ok && rendered.value.services[0]!.spec.cmd).toBe('hi');
  });

  it('keeps the good entries and says which were left out and why', () => {
    const index = {
      packages: [entry('4.0'), { ...entry('4.0'), name: 7 }, entry('3.0', { marathon: { v2AppMustacheTemplate: 'not base64!' } }), 'junk', entry('5.0', { releaseVersion: undefined })],
    };
    const result = parseRepositoryIndex(JSON.stringify(index), 'src');
    expect(result.ok && result.value.packages.map((p) => p.version)).toEqual(['v4.0']);
    expect(result.ok && result.value.problems).toEqual([
      'packages[1].name: Invalid input: expected string, received number',
      'packages[2].marathon.v2AppMustacheTemplate: must be base64',
      'packages[3]: expected an object',
      'packages[4]: releaseVersion is required for packagingVersion 5.0',
    ]);
  });

  it.each([
    ['broken JSON, with the path where it broke', '{"packages": [{"name": "a"}, {"name": "b",}]}', /repository index src is not valid JSON: line 1 column \d+ \(at packages\[1\]\)/],
    ['JSON that is not an index', '{"apps": []}', /expected an object with a "packages" array/],
  ])('fails on %s', (_name, text, message) => {
    const result = parseRepositoryIndex(text, 'src');
    expect(!result.ok && result.error.reason).toBe('InvalidIndex');
    expect(!result.ok && result.error.message).toMatch(message);
  });
});

describe('readUniverseTree', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'universe-tree-'));
    const write = async (path: string, text: string) => {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), text);
    };
    const pkgJson = (name: string, version: string) => JSON.stringify({ packagingVersion: '4.0', name, version, maintainer: 'm', description: 'd', tags: [] });
    await write('repo/packages/E/echo/0/package.json', pkgJson('echo', '1.0'));
    await write('repo/packages/E/echo/0/marathon.json.mustache', '{"id": "/echo", "cmd": "{{resource.assets.uris.x}}"}');
    await write('repo/packages/E/echo/0/resource.json', '{"assets": {"uris": {"x": "old"}}}');
    await write('repo/packages/E/echo/3/package.json', pkgJson('echo', '2.0'));
    await write('repo/packages/E/echo/3/marathon.json.mustache', '{"id": "/echo", "cmd": "new"}');
    await write('repo/packages/E/echo/3/config.json', '{"type": "object", "properties": {}}');
    await write('repo/packages/B/broken/0/package.json', pkgJson('broken', '1'));
    await write('repo/packages/B/broken/0/config.json', '{"type": "object",\n "properties": {,}}');
    await write('repo/packages/C/cli-only/1/package.json', pkgJson('cli-only', '1'));
    await write('repo/packages/O/odd/latest/package.json', pkgJson('odd', '1'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads every package version, releaseVersion from the directory name, from a checkout root', async () => {
    const result = await readUniverseTree(dir);
    expect(result.ok && result.value.packages.map((p) => [p.name, p.version, p.releaseVersion, p.marathonTemplate !== undefined])).toEqual([
      ['cli-only', '1', 1, false],
      ['echo', '1.0', 0, true],
      ['echo', '2.0', 3, true],
    ]);
    expect(result.ok && result.value.source).toBe(`file://${join(dir, 'repo', 'packages')}`);
  });

  it('names the file, line and place of a broken package file and keeps reading', async () => {
    const result = await readUniverseTree(join(dir, 'repo', 'packages'));
    expect(result.ok && result.value.problems).toEqual([
      `${join(dir, 'repo/packages/B/broken/0/config.json')} is not valid JSON: line 2 column 17 (at properties): expected a property name in double quotes, found ","`,
      `${join(dir, 'repo/packages/O/odd/latest')}: a release directory must be named by its releaseVersion (0, 1, 2, ...)`,
    ]);
  });

  it('gives the same packages through an index built from the tree', async () => {
    const tree = await readUniverseTree(dir);
    if (!tree.ok) throw new Error(tree.error.message);
    const index = parseRepositoryIndex(JSON.stringify(buildRepositoryIndex(tree.value.packages)), 'built');
    expect(index.ok && index.value.packages.map(({ definition: _d, ...rest }) => rest)).toEqual(tree.value.packages.map(({ definition: _d, ...rest }) => rest));
  });

  it('fails on a directory that is not there', async () => {
    const result = await readUniverseTree(join(dir, 'missing'));
    expect(!result.ok && result.error).toEqual({ reason: 'RepositoryUnreadable', message: `${join(dir, 'missing')} is not a readable directory` });
  });
});

describe('loadRepository', () => {
  const index = JSON.stringify({ packages: [entry('4.0')] });
  const fakeFetch = (status: number, body: string | Uint8Array, seen: string[] = []) =>
    (async (url: string | URL | Request, init?: RequestInit) => {
      seen.push(`${String(url)} ${new Headers(init?.headers).get('accept')}`);
      return new Response(body, { status });
    }) as typeof fetch;

  it('fetches an index by URL, asking for the DC/OS repository media types', async () => {
    const seen: string[] = [];
    const result = await loadRepository({ url: 'https://repo.example/v4.json' }, { fetch: fakeFetch(200, index, seen) });
    expect(result.ok && [result.value.source, result.value.packages.length]).toEqual(['https://repo.example/v4.json', 1]);
    expect(seen[0]).toContain('application/vnd.dcos.universe.repo+json;charset=utf-8;version=v5');
  });

  it.each([
    ['an HTTP error status', fakeFetch(404, 'nope'), 'IndexUnreachable', 'GET https://repo.example/v4.json: HTTP 404'],
    ['a zip (the old Universe format)', fakeFetch(200, new Uint8Array([0x50, 0x4b, 3, 4])), 'InvalidIndex', 'this is a zip'],
    ['a network failure', (async () => { throw Object.assign(new TypeError('fetch failed'), { cause: new Error('connect ECONNREFUSED 127.0.0.1:1') }); }) as typeof fetch, 'IndexUnreachable', 'GET https://repo.example/v4.json: connect ECONNREFUSED 127.0.0.1:1'],
  ])('reports %s as a value', async (_name, doFetch, reason, message) => {
    const result = await loadRepository({ url: 'https://repo.example/v4.json' }, { fetch: doFetch });
    expect(!result.ok && result.error.reason).toBe(reason);
    expect(!result.ok && result.error.message).toContain(message);
  });

  it('reads an index from a ConfigMap key', async () => {
    const result = await loadRepository({ configMap: { namespace: 'ops', name: 'universe', key: 'repo.json' } }, { readConfigMap: async () => ({ 'repo.json': index }) });
    expect(result.ok && [result.value.source, result.value.packages.length]).toEqual(['configmap://ops/universe/repo.json', 1]);
  });

  it.each([
    ['a missing ConfigMap', undefined, 'ConfigMap ops/universe not found'],
    ['a missing key', { other: '{}' }, 'ConfigMap ops/universe has no key "repo.json" (keys: other)'],
  ])('reports %s', async (_name, data, message) => {
    const result = await loadRepository({ configMap: { namespace: 'ops', name: 'universe', key: 'repo.json' } }, { readConfigMap: async () => data });
    expect(!result.ok && result.error.message).toBe(message);
  });

  it.each([
    ['no source', {}],
    ['two sources', { url: 'https://a', directory: '/x' }],
    ['a URL that is not HTTP', { url: 'ftp://a' }],
  ])('refuses a spec with %s', async (_name, spec) => {
    const result = await loadRepository(spec);
    expect(!result.ok && result.error.reason).toBe('InvalidSpec');
  });
});
