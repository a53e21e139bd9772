// The packages this project ships (packages/): upstream's schemas accept them and they install.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dcosServiceSpecSchema } from '../../src/resources/dcos-service.ts';
import { renderPackage } from '../../src/universe/package-render.ts';
import { buildRepositoryIndex } from '../../src/universe/universe-index.ts';
import { readUniverseTree } from '../../src/universe/universe-tree.ts';
import { upstreamSchema } from './universe-test-packages.ts';
import { describeCorpus } from '../support/corpora.ts';

const packagesDir = fileURLToPath(new URL('../../packages/', import.meta.url));
const tree = await readUniverseTree(packagesDir);
if (!tree.ok) throw new Error(tree.error.message);
const { packages } = tree.value;

function render(name: string, options?: Record<string, unknown>) {
  const pkg = packages.find((p) => p.name === name);
  if (!pkg) throw new Error(`no package ${name}`);
  const result = renderPackage({ pkg, source: tree.ok ? tree.value.source : '', namespace: 'apps', ...(options && { options }) });
  if (!result.ok) throw new Error(result.error.message);
  return result.value.services;
}

describe('the default repository (packages/)', () => {
  it('holds nginx, redis and hello-world, and nothing unreadable', () => {
    expect(tree.value.problems).toEqual([]);
    expect(packages.map((p) => p.name).sort()).toEqual(expect.arrayContaining(['hello-world', 'nginx', 'redis']));
  });

  it.each(packages.map((p) => [p.name, p] as const))('%s renders with defaults to a DcosService with a public image', (_name, pkg) => {
    const services = render(pkg.name);
    expect(services).toHaveLength(1);
    const spec = services[0]!.spec as { id: string; container: { docker: { image: string } }; healthChecks: unknown[] };
    expect(dcosServiceSpecSchema.safeParse(spec).success).toBe(true);
    expect(spec.id).toBe(`/${pkg.name}`);
    expect(spec.container.docker.image).toMatch(/^[a-z0-9./-]+:[\w.-]+$/);
    expect(spec.healthChecks.length).toBeGreaterThan(0);
  });

  it('nginx serves the page a user gives, embedded safely, and spreads by constraints', () => {
    const page = '<h1>"Shop" & {{co}}</h1>\n';
    const [nginx] = render('nginx', { nginx: { index_html: page, instances: 3 }, service: { constraints: [['hostname', 'UNIQUE']] } });
    expect(nginx!.spec).toMatchObject({ instances: 3, env: { INDEX_HTML: page }, constraints: [['hostname', 'UNIQUE']] });
    expect(nginx!.spec.cmd).toContain('/usr/share/nginx/html/index.html');
    expect(render('nginx')[0]!.spec.cmd).toBeUndefined();
  });

  it.each([
    ['defaults', {}, ['redis-server', '--maxmemory', '192mb', '--appendonly', 'no']],
    ['a password and persistence', { redis: { password: 'p"w', appendonly: true } }, ['redis-server', '--maxmemory', '192mb', '--appendonly', 'yes', '--requirepass', 'p"w']],
  ])('redis passes %s as server arguments', (_name, options, args) => {
    expect(render('redis', options)[0]!.spec.args).toEqual(args);
  });

  it('hello-world answers with the text a user gives', () => {
    const [service] = render('hello-world', { hello: { text: 'Hi "there"' }, service: { name: 'greeter' } });
    expect(service!.metadata.name).toBe('greeter');
    expect(service!.spec.args).toEqual(['-listen=:5678', '-text=Hi "there"']);
  });

  it.each([
    ['nginx', { nginx: { cpus: 0 } }, 'nginx.cpus: must be >= 0.01'],
    ['redis', { redis: { maxmemory: '1gb' } }, 'redis.maxmemory: is not an option of this package'],
    ['hello-world', { service: { name: 'Hello World' } }, 'service.name: must match pattern'],
  ])('%s rejects bad options by path', (name, options, message) => {
    const pkg = packages.find((p) => p.name === name)!;
    const result = renderPackage({ pkg, source: '', namespace: 'apps', options });
    expect(!result.ok && result.error.message).toContain(message);
  });
});

// The upstream Universe schemas are part of the universe corpus, not of this project.
describeCorpus('universe', 'the default repository against the upstream Universe schemas', () => {
  const schemas = Promise.all(['package-schema.json', 'config-schema.json', 'v3-resource-schema.json', 'v5-repo-schema.json'].map(upstreamSchema));

  it.each(packages.map((p) => [`${p.name} ${p.version}`, p] as const))('%s validates against the upstream Universe schemas', async (_name, pkg) => {
    const [packageSchema, configSchema, resourceSchema] = await schemas;
    const dir = new URL(`${pkg.name[0]!.toUpperCase()}/${pkg.name}/${pkg.releaseVersion}/`, new URL('../../packages/', import.meta.url));
    const file = async (name: string) => JSON.parse(await readFile(new URL(name, dir), 'utf8')) as unknown;
    expect(packageSchema!(await file('package.json'))).toEqual([]);
    expect(configSchema!(await file('config.json'))).toEqual([]);
    expect(resourceSchema!(await file('resource.json'))).toEqual([]);
  });

  it('publishes as a valid v5 repository index', async () => {
    const indexSchema = (await schemas)[3]!;
    expect(indexSchema(buildRepositoryIndex(packages))).toEqual([]);
  });
});
