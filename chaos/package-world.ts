// The DcosPackage side of a chaos world: two package repositories served on loopback by the
// scenario (the packages the project ships as a repo.json, the real Universe tree as the .tar.gz a
// Git host publishes), and user operations on DcosPackages: install with options, change an option,
// change the version, change the app id, uninstall.
import type { KubeClient, KubeObjectLike } from '../src/kube/kube-client.ts';
import { corpusMissing, corpusPath, corpusPresent } from '../test/support/corpus-location.ts';
import { loopbackServer, shippedPackagesDir, universeArchive, universeIndexJson, type LoopbackServer } from '../test/support/repository-servers.ts';
import type { WantedPackage } from './package-world-check.ts';

const API = 'dcos.dev/v1alpha1';
type Source = 'shipped' | 'universe';

interface PackageVersion {
  version: string;
  from: Source;
  /** Install options; `variant` (0-9) picks one of ten values of an option the render carries into the DcosService. */
  options: (variant: number) => Record<string, unknown>;
}

/** A package a DcosPackage name installs, with the versions the two repositories have of it. */
export interface PackageChoice {
  packageName: string;
  versions: PackageVersion[];
}

/*
 * Packages that render and run on the local cluster (docs/compatibility.md: "installs", one service
 * under the app id asked for, no volume claim, no host port, no UNIQUE constraint), one instance each.
 * nginx and redis are in both repositories at different versions: their version changes cross from
 * one repository to the other, with the options each version's config.json takes.
 */
const CHOICES: PackageChoice[] = [
  { packageName: 'hello-world', versions: [{ version: '1.0.0', from: 'shipped', options: (v) => ({ hello: { text: `chaos ${v}`, instances: 1 } }) }] },
  {
    packageName: 'nginx',
    versions: [
      { version: '1.27.5', from: 'shipped', options: (v) => ({ nginx: { instances: 1, index_html: `<p>chaos ${v}</p>` } }) },
      { version: '1.10.3', from: 'universe', options: (v) => ({ nginx: { instances: 1, mem: 256 + v } }) },
    ],
  },
  {
    packageName: 'redis',
    versions: [
      { version: '7.4.2', from: 'shipped', options: (v) => ({ redis: { maxmemory_mb: 100 + v } }) },
      { version: '4.0-0.0.1', from: 'universe', options: (v) => ({ redis: { mem: 1024 + v } }) },
    ],
  },
  { packageName: 'postgresql', versions: [{ version: '9.6-0.2', from: 'universe', options: (v) => ({ postgresql: { mem: 512 + v } }) }] },
  { packageName: 'mysql', versions: [{ version: '5.7.12-0.3', from: 'universe', options: (v) => ({ mysql: { mem: 512 + v } }) }] },
  { packageName: 'mongodb', versions: [{ version: '3.2-0.2', from: 'universe', options: (v) => ({ mongodb: { mem: 512 + v } }) }] },
  { packageName: 'influxdb', versions: [{ version: '1.4', from: 'universe', options: (v) => ({ service: { mem: 1024 + v } }) }] },
  { packageName: 'openldap-admin', versions: [{ version: '1.2.2-0.4', from: 'universe', options: (v) => ({ 'openldap-admin': { mem: 256 + v } }) }] },
  { packageName: 'wordpress', versions: [{ version: '1.0.0-4.5.3-apache', from: 'universe', options: (v) => ({ service: { mem: 256 + v } }) }] },
];

/** The choices whose versions the served repositories have (the shipped ones only, without the Universe corpus). */
export function packageChoices(sources: ReadonlySet<Source>): PackageChoice[] {
  return CHOICES.map((c) => ({ ...c, versions: c.versions.filter((v) => sources.has(v.from)) })).filter((c) => c.versions.length > 0);
}

export interface PackageWorld {
  names: string[];
  /** What the user last asked for, per DcosPackage name. */
  live: Map<string, WantedPackage>;
  /** Names whose last operation failed without an answer. */
  uncertain: Set<string>;
  choices: PackageChoice[];
  /** DcosPackageRepository name per source. */
  repositories: Partial<Record<Source, string>>;
  servers: LoopbackServer[];
  /** Operations the apiserver answered, per kind. */
  done: Record<PackageOperation, number>;
}

export type PackageOperation = 'install' | 'option' | 'version' | 'app id' | 'uninstall';

/** What the user did to a package going from `current` to `next` (undefined: not installed). */
export function operationKind(current: WantedPackage | undefined, next: WantedPackage | undefined): PackageOperation {
  if (!current) return 'install';
  if (!next) return 'uninstall';
  if (next.version !== current.version) return 'version';
  return next.appId !== current.appId ? 'app id' : 'option';
}

/** Serves the repositories and creates a DcosPackageRepository for each (cluster-scoped: named after the namespace). */
export async function openPackageWorld(client: KubeClient, ns: string, count: number, say: (line: string) => void): Promise<PackageWorld> {
  const servers: LoopbackServer[] = [];
  const repositories: PackageWorld['repositories'] = {};
  const index = await universeIndexJson(shippedPackagesDir);
  const shipped = await loopbackServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(index));
  servers.push(shipped);
  // Searched first: hello-world is a framework needing Mesos in the Universe, the shipped one runs.
  repositories.shipped = `${ns}-shipped`;
  await createRepository(client, repositories.shipped, shipped.url('/repo.json'), 1);
  if (corpusPresent('universe')) {
    const archive = await universeArchive(corpusPath('universe'));
    const universe = await loopbackServer((_req, res) => res.writeHead(200, { 'content-type': 'application/x-gzip' }).end(archive));
    servers.push(universe);
    repositories.universe = `${ns}-universe`;
    await createRepository(client, repositories.universe, universe.url('/mesosphere/universe/archive/refs/heads/version-3.x.tar.gz'), 2);
  } else {
    say(`packages from the shipped repository only: ${corpusMissing('universe')}`);
  }
  const choices = packageChoices(new Set(Object.keys(repositories) as Source[]));
  const done = { install: 0, option: 0, version: 0, 'app id': 0, uninstall: 0 };
  return { names: Array.from({ length: count }, (_, i) => `pkg-${i}`), live: new Map(), uncertain: new Set(), choices, repositories, servers, done };
}

async function createRepository(client: KubeClient, name: string, url: string, priority: number): Promise<void> {
  await client.create({ apiVersion: API, kind: 'DcosPackageRepository', metadata: { name }, spec: { url, priority } } as KubeObjectLike);
}

export async function closePackageWorld(client: KubeClient, world: PackageWorld): Promise<void> {
  for (const name of Object.values(world.repositories)) await client.delete(API, 'DcosPackageRepository', name);
  for (const s of world.servers) await s.close();
}

export function packageManifest(ns: string, name: string, w: WantedPackage): KubeObjectLike {
  return { apiVersion: API, kind: 'DcosPackage', metadata: { name, namespace: ns }, spec: { packageName: w.packageName, packageVersion: w.version, appId: w.appId, options: w.options } } as KubeObjectLike;
}

const choiceOf = (world: PackageWorld, name: string) => world.choices[Number(name.slice('pkg-'.length)) % world.choices.length]!;
const variant = () => Math.floor(Math.random() * 10);

function wanted(world: PackageWorld, choice: PackageChoice, v: PackageVersion, appId: string, options: Record<string, unknown>): WantedPackage {
  return { packageName: choice.packageName, version: v.version, appId, repository: world.repositories[v.from]!, options };
}

/** The user's next word on one DcosPackage name, after `current` (undefined: not installed); undefined: uninstall. */
export function nextPackage(world: PackageWorld, name: string, current: WantedPackage | undefined, roll = Math.random()): WantedPackage | undefined {
  const choice = choiceOf(world, name);
  if (!current) {
    const v = choice.versions[Math.floor(Math.random() * choice.versions.length)]!;
    return wanted(world, choice, v, `/${name}`, v.options(variant()));
  }
  if (roll < 0.15) return undefined;
  const now = choice.versions.find((v) => v.version === current.version) ?? choice.versions[0]!;
  if (roll >= 0.7) return wanted(world, choice, now, current.appId === `/${name}` ? `/${name}-b` : `/${name}`, current.options);
  if (roll >= 0.45 && choice.versions.length > 1) {
    const other = choice.versions.find((v) => v !== now)!;
    return wanted(world, choice, other, current.appId, other.options(variant()));
  }
  let options = now.options(variant());
  while (JSON.stringify(options) === JSON.stringify(current.options)) options = now.options(variant());
  return wanted(world, choice, now, current.appId, options);
}

/** One user operation on DcosPackage `name`: installs, changes or uninstalls it. */
export async function operatePackage(client: KubeClient, ns: string, world: PackageWorld, name: string): Promise<void> {
  const current = world.live.get(name);
  const next = nextPackage(world, name, current);
  if (next) {
    await client.apply(packageManifest(ns, name, next));
    world.live.set(name, next);
  } else {
    await client.delete(API, 'DcosPackage', name, ns);
    world.live.delete(name);
  }
  world.done[operationKind(current, next)]++;
}

type PackageObject = KubeObjectLike & { spec: { packageName: string; packageVersion?: string; appId?: string; options?: Record<string, unknown> } };

/** Takes what the apiserver holds as the user's last word for each package whose last operation got no answer. */
export async function settlePackages(client: KubeClient, ns: string, world: PackageWorld): Promise<void> {
  for (const name of world.uncertain) {
    const pkg = await client.getOrUndefined<PackageObject>(API, 'DcosPackage', name, ns);
    if (!pkg || pkg.metadata.deletionTimestamp) {
      world.live.delete(name);
      continue;
    }
    const choice = choiceOf(world, name);
    const v = choice.versions.find((x) => x.version === pkg.spec.packageVersion)!;
    world.live.set(name, wanted(world, choice, v, pkg.spec.appId!, pkg.spec.options ?? {}));
  }
  world.uncertain.clear();
}
