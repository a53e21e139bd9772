import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { dump } from 'js-yaml';
import type { KubeObjectLike } from '../kube/kube-client.ts';
import { isConflict, isNotFound } from '../kube/kube-client.ts';
import { objectNameForAppId, resolveAppId } from '../marathon/app-id.ts';
import { API_VERSION } from '../resources/api-group.ts';
import type { Condition } from '../resources/conditions.ts';
import type { DcosPackage } from '../resources/dcos-package.ts';
import type { DcosService } from '../resources/dcos-service.ts';
import { defaultsFromConfig, mergeOptions, optionProblems } from '../universe/package-options.ts';
import { renderDcosPackage } from '../universe/package-render.ts';
import { resolvePackage, type ResolvedPackage } from '../universe/package-resolve.ts';
import { parseJson } from '../universe/json-location.ts';
import { isJsonObject, type JsonObject } from '../universe/universe-result.ts';
import { CliError } from './cli-error.ts';
import { completeArgumentWith } from './completion.ts';
import { listNamespace, type CliContext } from './cli-context.ts';
import { loadCatalog, packageNames, searchPackages, similarNames, type Catalog, type RepositoryObject } from './package-catalog.ts';
import { printJson, printTable, withNamespace } from './output.ts';
import { confirmOrCancel } from './prompt.ts';
import { EMPTY_CELL, truncate } from './table.ts';

type PackageObject = DcosPackage & KubeObjectLike;
type ServiceObject = DcosService & KubeObjectLike;

function condition(obj: { status?: { conditions?: Condition[] } }, type: string): Condition | undefined {
  return obj.status?.conditions?.find((c) => c.type === type);
}

/** Resolves a package over the catalog; a miss says which names are close ("did you mean"). */
export function resolveOrExplain(catalog: Catalog, name: string, version?: string): ResolvedPackage {
  const resolved = resolvePackage(catalog.repositories, name, version);
  if (resolved.ok) return resolved.value;
  if (resolved.error.reason === 'PackageNotFound') {
    const similar = similarNames(name, packageNames(catalog));
    const unreadable = catalog.unreadable.length > 0 ? ` (not read: ${catalog.unreadable.join('; ')})` : '';
    throw new CliError(`package '${name}' not found${similar.length > 0 ? `: did you mean ${similar.map((s) => `'${s}'`).join(', ')}?` : ` in repositories ${catalog.repositories.map((r) => r.name).join(', ') || '(none)'}`}${unreadable}`);
  }
  throw new CliError(resolved.error.message);
}

async function readOptions(file: string | undefined): Promise<JsonObject | undefined> {
  if (file === undefined) return undefined;
  const text = await readFile(file, 'utf8').catch((e: Error) => Promise.reject(new CliError(`cannot read ${file}: ${e.message}`)));
  const parsed = parseJson(text, file);
  if (!parsed.ok) throw new CliError(parsed.error.message);
  if (!isJsonObject(parsed.value)) throw new CliError(`${file}: the options must be a JSON object`);
  return parsed.value;
}

/** The options checked against the package's config.json before anything is created, field by field. */
export function checkOptions(resolved: ResolvedPackage, options: JsonObject | undefined): void {
  const problems = optionProblems(resolved.pkg.config, mergeOptions(defaultsFromConfig(resolved.pkg.config), options ?? {}));
  if (!problems.ok) throw new CliError(problems.error.message);
  const first = problems.value[0];
  if (first) throw new CliError(`options invalid at ${first.path}: ${first.message}`);
}

function progressWriter(): { update: (line: string) => void; done: () => void } {
  const tty = process.stderr.isTTY === true;
  let last = '';
  return {
    update(line) {
      if (line === last) return;
      last = line;
      process.stderr.write(tty ? `\r\x1b[2K${line}` : `${line}\n`);
    },
    done() {
      if (tty && last) process.stderr.write('\n');
    },
  };
}

/** Waits until the package reports Ready on its generation and every service runs its instances; fails with the status's reason. */
async function waitInstalled(ctx: CliContext, name: string, namespace: string, timeoutSeconds: number): Promise<PackageObject> {
  const { client } = ctx.session();
  const progress = progressWriter();
  const deadline = Date.now() + timeoutSeconds * 1000;
  try {
    for (;;) {
      const pkg = await client.get<PackageObject>(API_VERSION, 'DcosPackage', name, namespace);
      const current = pkg.status?.observedGeneration === pkg.metadata.generation;
      const failed = condition(pkg, 'Failed');
      if (current && failed?.status === 'True') throw new CliError(`installing ${pkg.spec.packageName} failed: ${failed.reason}: ${failed.message}`);
      let running = 0;
      let wanted = 0;
      for (const s of pkg.status?.services ?? []) {
        const svc = await client.getOrUndefined<ServiceObject>(API_VERSION, 'DcosService', s.name, namespace);
        running += svc?.status?.tasksRunning ?? 0;
        wanted += svc?.spec.instances ?? 1;
      }
      const services = pkg.status?.services?.length ?? 0;
      progress.update(`Waiting for ${pkg.spec.packageName}: ${services} service${services === 1 ? '' : 's'}, ${running} of ${wanted} tasks running`);
      if (current && condition(pkg, 'Ready')?.status === 'True' && services > 0 && running >= wanted) return pkg;
      if (Date.now() > deadline) {
        const ready = condition(pkg, 'Ready');
        throw new CliError(`${pkg.spec.packageName} did not start within ${timeoutSeconds} s: ${ready ? `${ready.reason}: ${ready.message}` : 'the operator has not reported on it (is it running?)'}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    progress.done();
  }
}

function sourceOf(repo: RepositoryObject): string {
  const s = repo.spec;
  if (s.url !== undefined) return s.url;
  if (s.configMap) return `configmap://${s.configMap.namespace}/${s.configMap.name}/${s.configMap.key}`;
  return s.directory ?? EMPTY_CELL;
}

export function registerPackage(program: Command, ctx: CliContext): void {
  const pkg = program.command('package').description('Universe packages, as DcosPackages');

  pkg
    .command('install <name>')
    .description('install a package: shows its notes, asks, creates the DcosPackage and waits until its services run')
    .option('--package-version <version>', 'the package version (default: the newest)')
    .option('--options <file>', 'a JSON file of install options')
    .option('--app-id <id>', 'install under this Marathon app id')
    .option('--yes', 'do not ask for confirmation')
    .option('--timeout <seconds>', 'how long to wait for the services to run', '600')
    .action(async (name: string, opts: { packageVersion?: string; options?: string; appId?: string; yes?: boolean; timeout: string }) => {
      const session = ctx.session();
      const options = await readOptions(opts.options);
      const catalog = await loadCatalog(session.client);
      const resolved = resolveOrExplain(catalog, name, opts.packageVersion);
      checkOptions(resolved, options);
      const objectName = opts.appId !== undefined ? objectNameForAppId(resolveAppId(opts.appId)) : name;
      const rendered = renderDcosPackage(
        { apiVersion: API_VERSION, kind: 'DcosPackage', metadata: { name: objectName, namespace: session.namespace }, spec: { packageName: name, ...(opts.packageVersion && { packageVersion: opts.packageVersion }), ...(options && { options }), ...(opts.appId && { appId: opts.appId }) } },
        catalog.repositories,
      );
      if (!rendered.ok) throw new CliError(rendered.error.message);
      const existing = await session.client.getOrUndefined<PackageObject>(API_VERSION, 'DcosPackage', objectName, session.namespace);
      if (existing) throw new CliError(`package '${name}' is already installed as dcospackage/${objectName} in namespace ${session.namespace}: install another with --app-id`);
      if (resolved.pkg.preInstallNotes) process.stdout.write(`${resolved.pkg.preInstallNotes}\n`);
      await confirmOrCancel('Continue installing?', opts.yes, 'Cancelled: nothing installed.');
      process.stdout.write(`Installing Marathon app for package [${name}] version [${resolved.pkg.version}]${opts.appId ? ` with app id [${resolveAppId(opts.appId)}]` : ''}\n`);
      const body = {
        apiVersion: API_VERSION,
        kind: 'DcosPackage',
        metadata: { name: objectName, namespace: session.namespace },
        spec: { packageName: name, packageVersion: resolved.pkg.version, ...(options && { options }), ...(opts.appId && { appId: opts.appId }) },
      };
      try {
        await session.client.create(body as PackageObject);
      } catch (err) {
        if (isConflict(err)) throw new CliError(`package '${name}' is already installed as dcospackage/${objectName}: install another with --app-id`);
        throw err;
      }
      const timeout = Number(opts.timeout);
      if (!Number.isFinite(timeout) || timeout <= 0) throw new CliError(`--timeout: expected a number of seconds, got ${JSON.stringify(opts.timeout)}`);
      await waitInstalled(ctx, objectName, session.namespace, timeout);
      process.stdout.write(`Package [${name}] version [${resolved.pkg.version}] installed\n`);
      if (resolved.pkg.postInstallNotes) process.stdout.write(`${resolved.pkg.postInstallNotes}\n`);
    });

  pkg
    .command('uninstall <name>')
    .description('uninstall a package: its DcosPackage and the services it runs')
    .option('--app-id <id>', 'only the installation with this app id')
    .option('--all', 'every installation of the package')
    .option('--yes', 'do not ask for confirmation')
    .action(async (name: string, opts: { appId?: string; all?: boolean; yes?: boolean }) => {
      if (opts.all && opts.appId) throw new CliError('--app-id and --all: give one of them, not both');
      const session = ctx.session();
      const installed = (await session.client.list<PackageObject>(API_VERSION, 'DcosPackage', { namespace: session.namespace })).items.filter((p) => p.spec.packageName === name);
      const appIdOf = (p: PackageObject) => p.status?.services?.[0]?.appId ?? resolveAppId(p.spec.appId ?? p.spec.packageName);
      let chosen = installed;
      if (opts.appId !== undefined) chosen = installed.filter((p) => appIdOf(p) === resolveAppId(opts.appId!) || resolveAppId(p.spec.appId ?? p.spec.packageName) === resolveAppId(opts.appId!));
      if (chosen.length === 0) throw new CliError(`package '${name}' is not installed${opts.appId ? ` with app id '${resolveAppId(opts.appId)}'` : ''} in namespace ${session.namespace}`);
      if (chosen.length > 1 && !opts.all) throw new CliError(`package '${name}' is installed ${chosen.length} times (app ids ${chosen.map(appIdOf).join(', ')}): pick one with --app-id, or --all`);
      await confirmOrCancel(`Uninstalling package [${name}] (${chosen.map((p) => `app ${appIdOf(p)}`).join(', ')}) removes its services and their tasks. Continue uninstalling?`, opts.yes, 'Cancelled: nothing uninstalled.');
      for (const p of chosen) {
        await session.client.delete(API_VERSION, 'DcosPackage', p.metadata.name, session.namespace, 'Foreground');
        process.stdout.write(`Uninstalled package [${name}] version [${p.status?.resolvedVersion ?? p.spec.packageVersion ?? 'unknown'}] (app ${appIdOf(p)})\n`);
      }
    });

  pkg
    .command('list')
    .description('the installed packages: NAME VERSION APP READY DESCRIPTION')
    .option('--json', 'print the installed packages as JSON')
    .action(async (opts: { json?: boolean }) => {
      const session = ctx.session();
      const packages = (await session.client.list<PackageObject>(API_VERSION, 'DcosPackage', { namespace: listNamespace(session) })).items.sort((a, b) => (a.spec.packageName < b.spec.packageName ? -1 : 1));
      const rows = packages.map((p) => ({
        name: p.spec.packageName,
        version: p.status?.resolvedVersion ?? p.spec.packageVersion ?? null,
        apps: (p.status?.services ?? []).map((s) => s.appId),
        namespace: p.metadata.namespace,
        object: p.metadata.name,
        ready: condition(p, 'Ready')?.status === 'True',
        message: condition(p, 'Ready')?.message ?? null,
        description: p.status?.description ?? null,
      }));
      if (opts.json) return printJson(rows);
      const [headers, cells] = withNamespace(
        session.allNamespaces,
        ['NAME', 'VERSION', 'APP', 'READY', 'DESCRIPTION'],
        rows.map((r) => ({ namespace: r.namespace, cells: [r.name, r.version, r.apps.join(', '), r.ready, r.description === null ? null : truncate(r.description, 77)] })),
      );
      printTable(headers, cells);
    });

  pkg
    .command('search [query]')
    .description('the packages of the repositories: NAME VERSION SELECTED FRAMEWORK DESCRIPTION')
    .option('--json', 'print the packages as JSON')
    .action(async (query: string | undefined, opts: { json?: boolean }) => {
      const catalog = await loadCatalog(ctx.session().client);
      for (const problem of catalog.unreadable) process.stderr.write(`Warning: repository ${problem}\n`);
      const results = searchPackages(catalog, query);
      if (opts.json) return printJson({ packages: results });
      if (results.length === 0) throw new CliError(`no package matches '${query ?? ''}'`);
      printTable(['NAME', 'VERSION', 'SELECTED', 'FRAMEWORK', 'DESCRIPTION'], results.map((r) => [r.name, r.currentVersion, r.selected, r.framework, truncate(r.description, 77)]));
    });

  pkg
    .command('describe <name>')
    .description("a package's definition; or its versions, its options schema, or what it would install")
    .option('--package-version <version>', 'the package version (default: the newest)')
    .option('--package-versions', 'the versions the repositories have')
    .option('--config', 'the JSON Schema of the install options (config.json)')
    .option('--render', 'the DcosServices it would install, as YAML, installing nothing')
    .option('--options <file>', 'with --render: a JSON file of install options')
    .option('--app-id <id>', 'with --render: install under this Marathon app id')
    .action(async (name: string, opts: { packageVersion?: string; packageVersions?: boolean; config?: boolean; render?: boolean; options?: string; appId?: string }) => {
      const session = ctx.session();
      const catalog = await loadCatalog(session.client);
      const resolved = resolveOrExplain(catalog, name, opts.packageVersion);
      if (opts.packageVersions) {
        const versions = catalog.repositories.flatMap((r) => r.index.packages.filter((p) => p.name === name).map((p) => ({ version: p.version, releaseVersion: p.releaseVersion, repository: r.name })));
        return printJson(versions.sort((a, b) => b.releaseVersion - a.releaseVersion));
      }
      if (opts.config) return printJson(resolved.pkg.config ?? {});
      if (opts.render) {
        const options = await readOptions(opts.options);
        checkOptions(resolved, options);
        const rendered = renderDcosPackage(
          { apiVersion: API_VERSION, kind: 'DcosPackage', metadata: { name, namespace: session.namespace }, spec: { packageName: name, packageVersion: resolved.pkg.version, ...(options && { options }), ...(opts.appId && { appId: opts.appId }) } },
          catalog.repositories,
        );
        if (!rendered.ok) throw new CliError(rendered.error.message);
        process.stdout.write(rendered.value.services.map((s) => dump(s, { noRefs: true, lineWidth: -1 })).join('---\n'));
        return;
      }
      const { marathon: _m, resource: _r, config: _c, ...definition } = resolved.pkg.definition;
      printJson({ ...definition, repository: resolved.repository.name });
    });

  const repo = pkg.command('repo').description('package repositories, as DcosPackageRepositories');
  repo
    .command('add <name> <url>')
    .description('add a repository: a Universe index URL (or a Universe archive .tar.gz)')
    .option('--index <n>', 'its place in the search order (0 is searched first)')
    .action(async (name: string, url: string, opts: { index?: string }) => {
      const index = opts.index === undefined ? undefined : Number(opts.index);
      if (index !== undefined && (!Number.isInteger(index) || index < 0)) throw new CliError(`--index: expected a whole number of 0 or more, got ${JSON.stringify(opts.index)}`);
      if (!/^https?:\/\//.test(url)) throw new CliError(`url: expected an http:// or https:// URL, got ${JSON.stringify(url)}`);
      try {
        await ctx.session().client.create({ apiVersion: API_VERSION, kind: 'DcosPackageRepository', metadata: { name }, spec: { url, ...(index !== undefined && { priority: index }) } } as RepositoryObject);
      } catch (err) {
        if (isConflict(err)) throw new CliError(`repository '${name}' already exists`);
        throw err;
      }
      process.stdout.write(`Added repository [${name}] ${url}\n`);
    });
  repo
    .command('remove <names...>')
    .description('remove repositories')
    .action(async (names: string[]) => {
      for (const name of names) {
        if (!(await ctx.session().client.delete(API_VERSION, 'DcosPackageRepository', name))) throw new CliError(`repository '${name}' does not exist`);
        process.stdout.write(`Removed repository [${name}]\n`);
      }
    });
  repo
    .command('list')
    .description('the repositories, in search order: NAME URL PRIORITY PACKAGES READY')
    .option('--json', 'print the repositories as JSON')
    .action(async (opts: { json?: boolean }) => {
      const repos = (await ctx.session().client.list<RepositoryObject>(API_VERSION, 'DcosPackageRepository')).items.sort(
        (a, b) => (a.spec.priority ?? Infinity) - (b.spec.priority ?? Infinity) || (a.metadata.name < b.metadata.name ? -1 : 1),
      );
      const rows = repos.map((r) => ({
        name: r.metadata.name,
        uri: sourceOf(r),
        priority: r.spec.priority ?? null,
        packages: r.status?.packageCount ?? null,
        ready: condition(r, 'Ready')?.status === 'True',
        message: condition(r, 'Ready')?.message ?? null,
      }));
      if (opts.json) return printJson({ repositories: rows });
      printTable(['NAME', 'URL', 'PRIORITY', 'PACKAGES', 'READY'], rows.map((r) => [r.name, r.uri, r.priority, r.packages, r.ready]));
    });

  const subcommand = (parent: Command, name: string) => parent.commands.find((c) => c.name() === name)!;
  const catalogNames = async () => packageNames(await loadCatalog(ctx.session().client));
  completeArgumentWith(subcommand(pkg, 'install'), catalogNames);
  completeArgumentWith(subcommand(pkg, 'describe'), catalogNames);
  completeArgumentWith(subcommand(pkg, 'uninstall'), async () => {
    const session = ctx.session();
    const installed = await session.client.list<PackageObject>(API_VERSION, 'DcosPackage', { namespace: session.namespace });
    return [...new Set(installed.items.map((p) => p.spec.packageName))].sort();
  });
  completeArgumentWith(subcommand(repo, 'remove'), async () => (await ctx.session().client.list<RepositoryObject>(API_VERSION, 'DcosPackageRepository')).items.map((r) => r.metadata.name).sort());
}

export { isNotFound };
