// Repositories are other people's servers: each hostile one gives a clear reason, and memory stays
// bounded (bodies are streamed against byte limits; servers here stream too, never holding a body).
import { afterEach, describe, expect, it } from 'vitest';
import { fetchRepositoryIndex } from '../../src/universe/repository-source.ts';
import { corpusPath, describeCorpus } from '../support/corpora.ts';
import { rawTarGz, streamHugeIndex } from '../support/hostile-servers.ts';
import { loopbackServer, universeArchive, type LoopbackServer } from '../support/repository-servers.ts';

const MiB = 1024 * 1024;
let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(handler: Parameters<typeof loopbackServer>[0]) {
  server = await loopbackServer(handler);
  return server;
}

const packageJson = JSON.stringify({ packagingVersion: '4.0', name: 'demo', version: '1.0', maintainer: 'x', description: 'd', tags: [] });
const template = '{"id": "demo", "cmd": "sleep 1"}';

describe('hostile repository servers', () => {
  it('an index of 200 MB: refused at the limit, the connection closed long before the end', async () => {
    const s = await serve((_req, res, count) => streamHugeIndex(res, 200 * MiB, count));
    const result = await fetchRepositoryIndex(s.url(), { limits: { maxIndexBytes: 8 * MiB } });
    expect(!result.ok && result.error).toEqual({ reason: 'InvalidIndex', message: expect.stringContaining('the index is larger than the limit of 8 MiB') });
    expect(s.sent()).toBeLessThan(100 * MiB);
  });

  it('an index announcing 200 MB: refused from its Content-Length, before reading it', async () => {
    const s = await serve((_req, res, count) => streamHugeIndex(res, 200 * MiB, count, true));
    const result = await fetchRepositoryIndex(s.url());
    expect(!result.ok && result.error.message).toMatch(/the index is 200 MiB, over the limit of 64 MiB/);
    expect(s.sent()).toBeLessThan(100 * MiB);
  });

  it('a slow loris that never answers: a timeout waiting for the response', async () => {
    const s = await serve(() => undefined);
    const result = await fetchRepositoryIndex(s.url(), { timeoutMs: 300 });
    expect(!result.ok && result.error).toEqual({ reason: 'IndexUnreachable', message: `GET ${s.url()}: no response within 0.3 s (the server accepted the connection but did not answer)` });
  });

  it('a slow loris that trickles its body: a timeout saying how much came', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"packages": [');
      const timer = setInterval(() => (res.destroyed ? clearInterval(timer) : res.write(' ')), 50);
      res.on('close', () => clearInterval(timer));
    });
    const result = await fetchRepositoryIndex(s.url(), { timeoutMs: 400 });
    expect(!result.ok && result.error.message).toMatch(/the body did not arrive within 0\.4 s \(\d+ bytes received\): the server is too slow or stalls/);
  });

  it('a redirect loop: named, with the URLs it went through', async () => {
    const s = await serve((req, res) => {
      res.writeHead(302, { location: req.url === '/a' ? '/b' : '/a' });
      res.end();
    });
    const result = await fetchRepositoryIndex(s.url('/a'));
    expect(!result.ok && result.error.message).toBe(`GET ${s.url('/a')}: redirect loop: ${s.url('/a')} -> ${s.url('/b')} -> ${s.url('/a')}`);
  });

  it('an endless chain of redirects: stopped after 5', async () => {
    const s = await serve((req, res) => {
      res.writeHead(301, { location: `/r${Number(req.url!.slice(2) || 0) + 1}` });
      res.end();
    });
    const result = await fetchRepositoryIndex(s.url('/r0'));
    expect(!result.ok && result.error.message).toMatch(/more than 5 redirects/);
  });

  it('a redirect is followed to the index', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/old') return void res.writeHead(301, { location: '/new' }).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"packages": []}');
    });
    const result = await fetchRepositoryIndex(s.url('/old'));
    expect(result.ok && result.value).toMatchObject({ source: s.url('/old'), packages: [] });
  });

  it('an index that is not UTF-8: the offset of the first bad byte', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(Buffer.concat([Buffer.from('{"packages": ["'), Buffer.from([0xff, 0xfe]), Buffer.from('"]}')]));
    });
    const result = await fetchRepositoryIndex(s.url());
    expect(!result.ok && result.error).toEqual({ reason: 'InvalidIndex', message: `GET ${s.url()}: the index is not UTF-8 text (invalid byte 0xff at offset 15)` });
  });
});

describe('Universe archives (.tar.gz of a checkout)', () => {
  const serveBytes = (bytes: Buffer) => serve((_req, res) => res.writeHead(200, { 'content-type': 'application/gzip' }).end(bytes));
  const good = [
    { path: 'universe-main/repo/packages/D/demo/0/package.json', body: packageJson },
    { path: 'universe-main/repo/packages/D/demo/0/marathon.json.mustache', body: template },
    { path: 'universe-main/README.md', body: 'readme' },
  ];

  it('reads the packages under <top>/repo/packages', async () => {
    const s = await serveBytes(rawTarGz(good));
    const result = await fetchRepositoryIndex(s.url('/archive/main.tar.gz'));
    expect(result.ok && result.value.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['demo@1.0']);
    expect(result.ok && result.value.source).toBe(s.url('/archive/main.tar.gz'));
  });

  it.each([
    ['a path above its folder', [...good, { path: 'universe-main/../../etc/cron.d/evil', body: 'x' }], 'the archive entry "universe-main/../../etc/cron.d/evil" points outside the archive\'s folder'],
    ['an absolute path', [{ path: '/etc/passwd', body: 'x' }, ...good], 'points outside the archive\'s folder'],
    ['a symbolic link out of it', [...good, { path: 'universe-main/repo/packages/D/demo/0/config.json', type: 'SymbolicLink' as const, linkpath: '../../../../../../../etc/shadow' }], 'links outside the archive\'s folder (to "../../../../../../../etc/shadow")'],
    ['an absolute link', [...good, { path: 'universe-main/x', type: 'SymbolicLink' as const, linkpath: '/etc/shadow' }], 'links outside the archive\'s folder'],
  ])('refuses an archive with %s, as a whole', async (_name, entries, message) => {
    const s = await serveBytes(rawTarGz(entries));
    const result = await fetchRepositoryIndex(s.url());
    expect(!result.ok && result.error.reason).toBe('InvalidArchive');
    expect(!result.ok && result.error.message).toContain(message);
  });

  it('leaves out a package whose file is not UTF-8, naming it, and serves the rest', async () => {
    const bad = [
      ...good,
      { path: 'universe-main/repo/packages/B/bad/0/package.json', body: packageJson.replace('demo', 'bad') },
      { path: 'universe-main/repo/packages/B/bad/0/config.json', body: Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]) },
    ];
    const s = await serveBytes(rawTarGz(bad));
    const result = await fetchRepositoryIndex(s.url());
    expect(result.ok && result.value.packages.map((p) => p.name)).toEqual(['demo']);
    expect(result.ok && result.value.problems).toEqual(['universe-main/repo/packages/B/bad/0/config.json is not UTF-8 text (invalid byte 0xc3 at offset 2)']);
  });

  it('refuses an archive larger than its limit, and a gzip bomb by its unpacked size', async () => {
    const big = rawTarGz([...good, { path: 'universe-main/blob', body: 'x'.repeat(4 * MiB) }]);
    let s = await serveBytes(big);
    const unpacked = await fetchRepositoryIndex(s.url(), { limits: { maxUnpackedBytes: 1 * MiB } });
    expect(!unpacked.ok && unpacked.error.message).toContain('the archive unpacks to more than 1 MiB');
    await s.close();
    server = undefined;
    s = await serveBytes(rawTarGz([...good, { path: 'universe-main/repo/packages/D/demo/0/config.json', body: ' '.repeat(2 * MiB) }]));
    const file = await fetchRepositoryIndex(s.url(), { limits: { maxFileBytes: 1 * MiB } });
    expect(!file.ok && file.error.message).toContain('is larger than the limit of 1 MiB for a package file');
  });

  it('refuses a .tar.gz that is cut short or corrupt', async () => {
    const s = await serveBytes(rawTarGz(good).subarray(0, 40));
    const result = await fetchRepositoryIndex(s.url());
    expect(!result.ok && result.error).toMatchObject({ reason: 'InvalidArchive', message: expect.stringContaining('not a readable .tar.gz') });
  });

  it('says when an archive holds no Universe packages', async () => {
    const s = await serveBytes(rawTarGz([{ path: 'project-main/README.md', body: 'hi' }]));
    const result = await fetchRepositoryIndex(s.url());
    expect(!result.ok && result.error.message).toContain('no Universe packages in the archive');
  });
});

describeCorpus('universe', 'the visible Universe as a GitHub-style archive', () => {
  it('reads every package of the checkout from its .tar.gz', async () => {
    const archive = await universeArchive(corpusPath('universe'));
    const s = await serve((_req, res) => res.writeHead(200, { 'content-type': 'application/x-gzip', 'content-length': String(archive.length) }).end(archive));
    const result = await fetchRepositoryIndex(s.url('/mesosphere/universe/archive/refs/heads/version-3.x.tar.gz'));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.problems).toEqual([]);
    expect(result.value.packages.length).toBe(55);
    expect(result.value.packages.some((p) => p.name === 'kafka')).toBe(true);
  });
});
