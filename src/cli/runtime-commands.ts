import type { Command } from 'commander';
import type { KubeObjectLike } from '../kube/kube-client.ts';
import { API_VERSION } from '../resources/api-group.ts';
import type { DcosCluster } from '../resources/dcos-cluster.ts';
import type { DcosPackage } from '../resources/dcos-package.ts';
import { MANAGED_BY, MANAGED_BY_LABEL, SERVICE_LABEL, serviceNameOf } from '../marathon/operator-labels.ts';
import { CliError } from './cli-error.ts';
import { completeArgumentWith } from './completion.ts';
import { listNamespace, type CliContext } from './cli-context.ts';
import { clusterSummaryLines } from './cluster-summary.ts';
import { listServices } from './marathon-commands.ts';
import { allocatedByNode, NODE_HEADERS, nodeJson, nodeRow, type NodeObject } from './node-table.ts';
import { printJson, printTable, withNamespace } from './output.ts';
import { streamTaskLogs } from './pod-logs.ts';
import { matchesService, SERVICE_HEADERS, serviceRow, summarizeServices } from './service-table.ts';
import { matchesTask, TASK_HEADERS, taskJson, taskRow, type PodObject } from './task-table.ts';

/** The tasks: pods of DcosServices (the operator labels them). */
export async function listTasks(ctx: CliContext, namespace: string | undefined): Promise<PodObject[]> {
  const { client } = ctx.session();
  const pods = await client.list<PodObject>('v1', 'Pod', { namespace, labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY},${SERVICE_LABEL}` });
  return pods.items.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
}

async function serviceSummaries(ctx: CliContext) {
  const session = ctx.session();
  const namespace = listNamespace(session);
  const [packages, services, tasks] = await Promise.all([
    session.client.list<DcosPackage & KubeObjectLike>(API_VERSION, 'DcosPackage', { namespace }).then((l) => l.items),
    listServices(ctx, namespace),
    listTasks(ctx, namespace),
  ]);
  const hostsOf = (svc: { metadata: { name: string; namespace?: string } }) =>
    tasks.filter((t) => t.metadata.namespace === svc.metadata.namespace && serviceNameOf(t.metadata) === svc.metadata.name && t.status?.phase === 'Running' && t.spec?.nodeName).map((t) => t.spec!.nodeName!);
  return { summaries: summarizeServices(packages, services, hostsOf), tasks };
}

function logFlags(cmd: Command): Command {
  return cmd.option('--follow', 'keep printing the lines as they come').option('--lines <n>', 'lines from the end of the log to start with', '10');
}

function linesOf(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`--lines: expected a whole number of 0 or more, got ${JSON.stringify(value)}`);
  return n;
}

async function followLogs(ctx: CliContext, pods: PodObject[], opts: { follow?: boolean; lines: string }): Promise<void> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await streamTaskLogs(ctx.session().client, pods, { follow: opts.follow ?? false, lines: linesOf(opts.lines), signal: controller.signal });
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

export function registerRuntime(program: Command, ctx: CliContext): void {
  const service = program
    .command('service')
    .description('the running services (packages and apps): NAME HOST ACTIVE TASKS CPU MEM DISK ID')
    .option('--json', 'print the services as JSON')
    .action(async (opts: { json?: boolean }) => {
      const session = ctx.session();
      const { summaries } = await serviceSummaries(ctx);
      if (opts.json) return printJson(summaries);
      const [headers, rows] = withNamespace(session.allNamespaces, SERVICE_HEADERS, summaries.map((s) => ({ namespace: s.namespace, cells: serviceRow(s) })));
      printTable(headers, rows);
    });
  const serviceNames = async () => [...new Set((await serviceSummaries(ctx)).summaries.map((s) => s.name))].sort();
  const taskIds = async () => (await listTasks(ctx, listNamespace(ctx.session()))).map((t) => t.metadata.name);
  logFlags(completeArgumentWith(service.command('log <name>'), serviceNames).description("the logs of a service's tasks (a package, an app name or an app id)")).action(async (name: string, opts: { follow?: boolean; lines: string }) => {
    const { summaries, tasks } = await serviceSummaries(ctx);
    const matches = summaries.filter((s) => matchesService(s, name));
    if (matches.length === 0) throw new CliError(`service '${name}' not found${summaries.length > 0 ? ` (services: ${summaries.map((s) => s.name).join(', ')})` : ''}`);
    if (matches.length > 1) throw new CliError(`service '${name}' is in several namespaces (${matches.map((s) => s.namespace).join(', ')}): pick one with -n`);
    const s = matches[0]!;
    const pods = tasks.filter((t) => t.metadata.namespace === s.namespace && s.services.includes(serviceNameOf(t.metadata) ?? '') && !t.metadata.deletionTimestamp);
    if (pods.length === 0) throw new CliError(`service '${name}' has no tasks`);
    await followLogs(ctx, pods, opts);
  });

  const task = completeArgumentWith(program.command('task [task]'), taskIds)
    .description('the tasks of the apps: NAME HOST USER STATE ID MESOS ID; TASK filters by id')
    .option('--json', 'print the tasks as JSON')
    .action(async (filter: string | undefined, opts: { json?: boolean }) => {
      const session = ctx.session();
      const [tasks, nodes] = await Promise.all([listTasks(ctx, listNamespace(session)), session.client.list<NodeObject>('v1', 'Node')]);
      const shown = filter ? tasks.filter((t) => matchesTask(t, filter)) : tasks;
      if (opts.json) return printJson(shown.map(taskJson));
      const nodeIds = new Map(nodes.items.map((n) => [n.metadata.name, n.metadata.uid ?? '']));
      const [headers, rows] = withNamespace(session.allNamespaces, TASK_HEADERS, shown.map((t) => ({ namespace: t.metadata.namespace, cells: taskRow(t, nodeIds) })));
      printTable(headers, rows);
    });
  logFlags(completeArgumentWith(task.command('log <task>'), taskIds).description('the log of a task (its id, or part of it: every task that matches)')).action(async (pattern: string, opts: { follow?: boolean; lines: string }) => {
    const tasks = (await listTasks(ctx, listNamespace(ctx.session()))).filter((t) => matchesTask(t, pattern));
    if (tasks.length === 0) throw new CliError(`no task matches '${pattern}'`);
    await followLogs(ctx, tasks, opts);
  });

  program
    .command('node')
    .description('the nodes: HOSTNAME IP ID TYPE STATUS REGION ZONE and CPU / MEM / DISK / GPU allocation')
    .option('--json', 'print the nodes as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { client } = ctx.session();
      const [nodes, pods] = await Promise.all([client.list<NodeObject>('v1', 'Node'), client.list<PodObject>('v1', 'Pod', { fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' })]);
      const used = allocatedByNode(pods.items as never);
      const sorted = nodes.items.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
      if (opts.json) return printJson(sorted.map((n) => nodeJson(n, used.get(n.metadata.name))));
      printTable(NODE_HEADERS, sorted.map((n) => nodeRow(n, used.get(n.metadata.name))));
    });

  const cluster = program.command('cluster').description('the cluster as the DC/OS dashboard showed it');
  cluster
    .command('status')
    .description('CPU / memory / disk / GPU allocation, nodes, tasks, task failure rate, services health')
    .option('--json', 'print the DcosCluster status as JSON')
    .action(async (opts: { json?: boolean }) => {
      const cl = await ctx.session().client.getOrUndefined<DcosCluster & KubeObjectLike>(API_VERSION, 'DcosCluster', 'default');
      if (!cl?.status?.resources) throw new CliError('the DcosCluster default has no figures yet: is the operator running? (`kubectl get dcosclusters`)');
      if (opts.json) return printJson(cl.status);
      process.stdout.write(clusterSummaryLines(cl.status).join('\n') + '\n');
    });
}
