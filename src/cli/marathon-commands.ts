import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { KubeObjectLike } from '../kube/kube-client.ts';
import { isConflict } from '../kube/kube-client.ts';
import { objectNameForAppId, resolveAppId } from '../marathon/app-id.ts';
import { applyMarathonDefaults } from '../marathon/marathon-defaults.ts';
import { translateService } from '../marathon/translate-service.ts';
import { defaultOperatorConfig } from '../operator/operator-config.ts';
import { RESTART_ANNOTATION } from '../marathon/operator-labels.ts';
import { API_VERSION } from '../resources/api-group.ts';
import { dcosServiceSpecSchema, type DcosService, type DcosServiceSpec } from '../resources/dcos-service.ts';
import { formatJsonPath } from '../universe/json-location.ts';
import { APP_HEADERS, appIdOfService, appRow, groupCounts, matchesApp } from './app-table.ts';
import { CliError } from './cli-error.ts';
import { completeArgumentWith } from './completion.ts';
import { listNamespace, type CliContext } from './cli-context.ts';
import { printJson, printTable, withNamespace } from './output.ts';

export type ServiceObject = DcosService & KubeObjectLike;

export async function listServices(ctx: CliContext, namespace: string | undefined): Promise<ServiceObject[]> {
  const { client } = ctx.session();
  return (await client.list<ServiceObject>(API_VERSION, 'DcosService', { namespace })).items;
}

/** An app by Marathon id or object name, in the session's namespace (every namespace with -A). */
export async function findApp(ctx: CliContext, id: string): Promise<ServiceObject> {
  const session = ctx.session();
  const services = await listServices(ctx, listNamespace(session));
  const found = services.filter((s) => matchesApp(s, id));
  if (found.length === 0) {
    const where = session.allNamespaces ? 'in any namespace' : `in namespace ${session.namespace}`;
    throw new CliError(`app '${id.startsWith('/') ? id : '/' + id}' does not exist ${where}`);
  }
  if (found.length > 1) throw new CliError(`app '${id}' is in several namespaces (${found.map((s) => s.metadata.namespace).join(', ')}): pick one with -n`);
  return found[0]!;
}

/** Marathon's app JSON with its status, as `dcos marathon app show` printed /v2/apps/ID. */
export function appJson(svc: DcosService) {
  const s = svc.status ?? {};
  return {
    ...applyMarathonDefaults(svc.spec),
    id: appIdOfService(svc),
    namespace: svc.metadata.namespace,
    name: svc.metadata.name,
    tasksRunning: s.tasksRunning ?? 0,
    tasksStaged: s.tasksStaged ?? 0,
    tasksHealthy: s.tasksHealthy ?? 0,
    tasksUnhealthy: s.tasksUnhealthy ?? 0,
    health: s.health ?? null,
    deployment: s.deployment ?? null,
    waitingFor: s.waitingFor ?? [],
    lastTaskFailure: s.lastTaskFailure ?? null,
  };
}

type Json = Record<string, unknown>;

/** A group's apps with absolute ids (a relative id resolves against its group), as Marathon read a group. */
export function appsOfDefinition(definition: Json, parent = '/'): Json[] {
  const rawId = typeof definition.id === 'string' ? definition.id : undefined;
  const isGroup = Array.isArray(definition.apps) || Array.isArray(definition.groups);
  if (!rawId && !isGroup) throw new CliError('the app has no "id"');
  const id = rawId ? resolveAppId(rawId, `${parent.replace(/\/$/, '')}/_`) : parent;
  if (!isGroup) return [{ ...definition, id }];
  const children = [...((definition.apps as unknown[]) ?? []), ...((definition.groups as unknown[]) ?? [])];
  return children.flatMap((child) => {
    if (typeof child !== 'object' || child === null || Array.isArray(child)) throw new CliError(`group ${id} holds something that is not an app or a group`);
    return appsOfDefinition(child as Json, id);
  });
}

/** Refuses what Marathon (and the operator's webhook) would refuse, naming the field. */
export function checkApp(app: Json): DcosServiceSpec {
  const parsed = dcosServiceSpecSchema.safeParse(app);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CliError(`app ${String(app.id)} invalid at ${formatJsonPath(issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))) || 'app'}: ${issue.message}`);
  }
  // The judgement admission makes: the one pass of the Marathon core, with the operator's default image.
  const service = { apiVersion: API_VERSION, kind: 'DcosService', metadata: { name: objectNameForAppId(String(app.id)) }, spec: parsed.data } as DcosService;
  const { errors } = translateService(service, { defaultImage: defaultOperatorConfig().defaultImage });
  if (errors.length > 0) throw new CliError(`app ${String(app.id)} invalid at ${errors[0]!.path.replace(/^spec\./, '')}: ${errors[0]!.message}`);
  return parsed.data;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `key=value`: the value as JSON when it reads as JSON (numbers, objects, arrays, true), else as a string. */
export function parseProperty(property: string): [string, unknown] {
  const eq = property.indexOf('=');
  if (eq <= 0) throw new CliError(`${JSON.stringify(property)}: expected key=value`);
  const key = property.slice(0, eq);
  const raw = property.slice(eq + 1);
  try {
    return [key, JSON.parse(raw)];
  } catch {
    return [key, raw];
  }
}

export function registerMarathon(program: Command, ctx: CliContext): void {
  const marathon = program.command('marathon').description('Marathon apps and groups, as DcosServices');
  const app = marathon.command('app').description('Marathon apps');

  app
    .command('add [file]')
    .description('add an app (or every app of a group) from a JSON file, or from stdin')
    .action(async (file: string | undefined) => {
      const text = file ? await readFile(file, 'utf8').catch((e: Error) => Promise.reject(new CliError(`cannot read ${file}: ${e.message}`))) : await readStdin();
      let definition: unknown;
      try {
        definition = JSON.parse(text);
      } catch (e) {
        throw new CliError(`${file ?? 'stdin'}: not JSON: ${(e as Error).message}`);
      }
      if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) throw new CliError(`${file ?? 'stdin'}: expected a Marathon app or group (a JSON object)`);
      const apps = appsOfDefinition(definition as Json).map((a) => ({ id: a.id as string, spec: checkApp(a) }));
      const session = ctx.session();
      for (const { id, spec } of apps) {
        const name = objectNameForAppId(id);
        try {
          await session.client.create({ apiVersion: API_VERSION, kind: 'DcosService', metadata: { name, namespace: session.namespace }, spec } as ServiceObject);
        } catch (err) {
          if (isConflict(err)) throw new CliError(`app '${id}' already exists (dcosservice ${name} in namespace ${session.namespace})`);
          throw err;
        }
        process.stdout.write(`Created app ${id} (dcosservice/${name} in namespace ${session.namespace})\n`);
      }
    });

  app
    .command('list')
    .description('the apps: ID MEM CPUS TASKS HEALTH DEPLOYMENT WAITING CONTAINER CMD')
    .option('--json', 'print the apps as JSON')
    .action(async (opts: { json?: boolean }) => {
      const session = ctx.session();
      const services = (await listServices(ctx, listNamespace(session))).sort((a, b) => (appIdOfService(a) < appIdOfService(b) ? -1 : 1));
      if (opts.json) return printJson(services.map(appJson));
      const [headers, rows] = withNamespace(session.allNamespaces, APP_HEADERS, services.map((s) => ({ namespace: s.metadata.namespace, cells: appRow(s) })));
      printTable(headers, rows);
    });

  app
    .command('show <app-id>')
    .description('the app as Marathon showed it, with its tasks counts')
    .action(async (id: string) => printJson(appJson(await findApp(ctx, id))));

  app
    .command('remove <app-id>')
    .description('remove the app and its tasks')
    .action(async (id: string) => {
      const svc = await findApp(ctx, id);
      await ctx.session().client.delete(API_VERSION, 'DcosService', svc.metadata.name, svc.metadata.namespace);
      process.stdout.write(`Removed app ${appIdOfService(svc)}\n`);
    });

  app
    .command('restart <app-id>')
    .description('restart every task of the app (a rolling restart)')
    .action(async (id: string) => {
      const svc = await findApp(ctx, id);
      await ctx.session().client.patch(API_VERSION, 'DcosService', svc.metadata.name, svc.metadata.namespace, { metadata: { annotations: { [RESTART_ANNOTATION]: new Date().toISOString() } } });
      process.stdout.write(`Restarting app ${appIdOfService(svc)}\n`);
    });

  app
    .command('start <app-id> [instances]')
    .description('start a stopped app with N instances (default 1)')
    .action(async (id: string, instances: string | undefined) => {
      const n = instances === undefined ? 1 : Number(instances);
      if (!Number.isInteger(n) || n < 1) throw new CliError(`instances: expected a whole number of 1 or more, got ${JSON.stringify(instances)}`);
      const svc = await findApp(ctx, id);
      const current = applyMarathonDefaults(svc.spec).instances ?? 1;
      if (current > 0) throw new CliError(`app '${appIdOfService(svc)}' already started: ${current} instances`);
      await ctx.session().client.patch(API_VERSION, 'DcosService', svc.metadata.name, svc.metadata.namespace, { spec: { instances: n } });
      process.stdout.write(`Starting app ${appIdOfService(svc)} with ${n} instance${n === 1 ? '' : 's'}\n`);
    });

  app
    .command('stop <app-id>')
    .description('stop the app: scale it to 0 instances')
    .action(async (id: string) => {
      const svc = await findApp(ctx, id);
      if ((applyMarathonDefaults(svc.spec).instances ?? 1) === 0) throw new CliError(`app '${appIdOfService(svc)}' already stopped: 0 instances`);
      await ctx.session().client.patch(API_VERSION, 'DcosService', svc.metadata.name, svc.metadata.namespace, { spec: { instances: 0 } });
      process.stdout.write(`Stopping app ${appIdOfService(svc)}\n`);
    });

  app
    .command('update <app-id> <properties...>')
    .description('change fields of the app: key=value, the value as JSON where it reads as JSON (cpus=0.5 env=\'{"A":"b"}\')')
    .action(async (id: string, properties: string[]) => {
      const changes = Object.fromEntries(properties.map(parseProperty));
      if ('id' in changes) throw new CliError('id cannot be changed: remove the app and add it under the new id');
      const svc = await findApp(ctx, id);
      checkApp({ ...svc.spec, id: appIdOfService(svc), ...changes });
      await ctx.session().client.patch(API_VERSION, 'DcosService', svc.metadata.name, svc.metadata.namespace, { spec: changes });
      process.stdout.write(`Updated app ${appIdOfService(svc)}: ${Object.keys(changes).join(', ')}\n`);
    });

  const appIds = async () => (await listServices(ctx, listNamespace(ctx.session()))).map(appIdOfService).sort();
  for (const cmd of app.commands) if (cmd.registeredArguments[0]?.name() === 'app-id') completeArgumentWith(cmd, appIds);

  const group = marathon.command('group').description('Marathon groups: the paths of the app ids');
  group
    .command('list')
    .description('the groups with the number of apps in each: ID APPS')
    .option('--json', 'print the groups as JSON')
    .action(async (opts: { json?: boolean }) => {
      const services = await listServices(ctx, listNamespace(ctx.session()));
      const groups = groupCounts(services.map(appIdOfService));
      if (opts.json) return printJson(groups);
      printTable(['ID', 'APPS'], groups.map((g) => [g.id, g.apps]));
    });
}
