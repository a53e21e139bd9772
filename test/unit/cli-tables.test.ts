import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { KubeApiError } from '../../src/kube/kube-client.ts';
import type { DcosService } from '../../src/resources/dcos-service.ts';
import type { DcosPackage } from '../../src/resources/dcos-package.ts';
import { appRow, deploymentCell, groupCounts, healthCell, matchesApp } from '../../src/cli/app-table.ts';
import { failureLine } from '../../src/cli/cli-error.ts';
import { clusterSummaryLines } from '../../src/cli/cluster-summary.ts';
import { completeArgumentWith, completions } from '../../src/cli/completion.ts';
import { allocationCells, nodeStatus } from '../../src/cli/node-table.ts';
import { similarNames } from '../../src/cli/package-catalog.ts';
import { serviceRow, summarizeServices } from '../../src/cli/service-table.ts';
import { renderTable } from '../../src/cli/table.ts';
import { taskState, taskStateLetter, type PodObject } from '../../src/cli/task-table.ts';

function svc(name: string, spec: DcosService['spec'], status: DcosService['status'] = {}, owner?: string): DcosService {
  return {
    apiVersion: 'dcos.dev/v1alpha1',
    kind: 'DcosService',
    metadata: { name, namespace: 'ns', ...(owner && { ownerReferences: [{ apiVersion: 'dcos.dev/v1alpha1', kind: 'DcosPackage', name: owner, uid: 'u', controller: true }] }) },
    spec,
    status,
  };
}

describe('dcos marathon app list cells', () => {
  it('computes the row as dcos-cli did, Marathon defaults filled in', () => {
    const app = svc('prod-web', { id: '/prod/web', cmd: 'python3 -m http.server 8080 --bind 0.0.0.0 --directory /srv', instances: 3 }, { appId: '/prod/web', tasksRunning: 2 });
    expect(appRow(app)).toEqual(['/prod/web', 128, 1, '2/3', '---', '---', false, 'mesos', 'python3 -m http.server 8080 --bind ...']);
  });

  it('shows health as healthy of running only when the app has health checks', () => {
    expect(healthCell(svc('a', { healthChecks: [{ protocol: 'HTTP' }] } as DcosService['spec'], { tasksRunning: 2, tasksHealthy: 1 }))).toBe('1/2');
    expect(healthCell(svc('a', {}, { tasksRunning: 2 }))).toBe('---');
  });

  it.each([
    [{ message: '', targetInstances: 0, updatedInstances: 0, readyInstances: 0 }, 0, 'stop'],
    [{ message: '', targetInstances: 2, updatedInstances: 0, readyInstances: 0 }, 0, 'start'],
    [{ message: '', targetInstances: 2, updatedInstances: 1, readyInstances: 2 }, 2, 'restart'],
    [{ message: '', targetInstances: 4, updatedInstances: 4, readyInstances: 2 }, 2, 'scale'],
  ])('DEPLOYMENT %j with %i running -> %s', (deployment, running, cell) => {
    expect(deploymentCell(svc('a', {}, { deployment, tasksRunning: running }))).toBe(cell);
  });

  it('finds an app by Marathon id, with or without the slash, and by object name', () => {
    const app = svc('prod-db-postgres', { id: '/prod/db/postgres' });
    expect(['/prod/db/postgres', 'prod/db/postgres', 'prod-db-postgres'].map((id) => matchesApp(app, id))).toEqual([true, true, true]);
    expect(matchesApp(app, '/prod/db')).toBe(false);
  });

  it('counts the apps of every group, nested groups included', () => {
    expect(groupCounts(['/prod/web', '/prod/db/postgres', '/nginx'])).toEqual([
      { id: '/', apps: 3 },
      { id: '/prod', apps: 2 },
      { id: '/prod/db', apps: 1 },
    ]);
  });
});

describe('dcos service', () => {
  it('sums what the running tasks were given, per package and per lone app', () => {
    const pkg = { apiVersion: 'dcos.dev/v1alpha1', kind: 'DcosPackage', metadata: { name: 'spark', namespace: 'ns' }, spec: { packageName: 'spark' } } as DcosPackage;
    const services = [
      svc('spark', { id: '/spark', cpus: 0.5, mem: 256, disk: 10, instances: 2 }, { tasksRunning: 2 }, 'spark'),
      svc('spark-history', { id: '/spark-history', cpus: 1, mem: 512 }, { tasksRunning: 1 }, 'spark'),
      svc('web', { id: '/web' }, { tasksRunning: 0 }),
    ];
    const rows = summarizeServices([pkg], services, (s) => (s.metadata.name === 'web' ? [] : ['dcos-agent-2', 'dcos-agent-1']));
    expect(rows.map(serviceRow)).toEqual([
      ['spark', 'dcos-agent-1 (+1)', true, 3, 2, 1024, 20, 'dpkg/spark'],
      ['web', undefined, false, 0, 0, 0, 0, 'dsvc/web'],
    ]);
  });
});

describe('dcos task and dcos node cells', () => {
  const pod = (phase: string | undefined, deleting = false): PodObject => ({ metadata: { name: 'p', ...(deleting && { deletionTimestamp: 'x' }) }, status: phase ? { phase } : {} });
  it.each([
    ['Running', false, 'R'],
    ['Pending', false, 'S'],
    ['Succeeded', false, 'F'],
    ['Failed', false, 'F'],
    ['Running', true, 'K'],
  ])('a %s pod (deleting: %s) is %s', (phase, deleting, letter) => {
    expect(taskStateLetter(pod(phase, deleting))).toBe(letter);
  });

  it('shows a running task whose container crash-loops as failed (F, TASK_FAILED), as Marathon saw the task fail', () => {
    const crashing: PodObject = { metadata: { name: 'p' }, status: { phase: 'Running', containerStatuses: [{ name: 'app', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } } }] } };
    expect(taskStateLetter(crashing)).toBe('F');
    expect(taskState(crashing)).toBe('TASK_FAILED');
    const restartedAndBack: PodObject = { metadata: { name: 'p' }, status: { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 4, state: { running: {} } }] } };
    expect(taskState(restartedAndBack)).toBe('TASK_RUNNING');
  });

  it('shows each resource as used of total with its share', () => {
    expect(allocationCells({ cpu: 1500, memory: 2 * 2 ** 30, disk: 0, gpu: 1 }, { cpu: 8000, memory: 32 * 2 ** 30, disk: 100 * 2 ** 30, gpu: 2 })).toEqual({
      cpu: '1.5 of 8 (19%)',
      mem: '2 GiB of 32 GiB (6%)',
      disk: '0 B of 100 GiB (0%)',
      gpu: '1 of 2 (50%)',
    });
  });

  it('says ACTIVE, DEACTIVATED (cordoned) or INACTIVE (not Ready)', () => {
    const ready = [{ type: 'Ready', status: 'True' }];
    expect(nodeStatus({ metadata: { name: 'a' }, status: { conditions: ready } })).toBe('ACTIVE');
    expect(nodeStatus({ metadata: { name: 'a' }, spec: { unschedulable: true }, status: { conditions: ready } })).toBe('DEACTIVATED');
    expect(nodeStatus({ metadata: { name: 'a' }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } })).toBe('INACTIVE');
  });
});

describe('dcos cluster status', () => {
  it('puts the figures as the DC/OS dashboard did', () => {
    const lines = clusterSummaryLines({
      resources: {
        cpu: { allocated: 10.05, total: 24, percent: 41.9, summary: '10.05 of 24 shares' },
        memory: { allocated: 1, total: 2, percent: 34.1, summary: '28 GiB of 82 GiB' },
        disk: { allocated: 1, total: 10, percent: 10, summary: '100 GiB of 1000 GiB' },
        gpu: { allocated: 0, total: 0, percent: 0, summary: '0 of 0 GPUs' },
      },
      taskFailureRate: { percent: 2.5, windowSeconds: 3600, failed: 1, successful: 39 },
      services: { total: 3, healthy: 1, unhealthy: 1, idle: 0, na: 1, unhealthyNames: ['ns/db'] },
    });
    expect(lines).toEqual([
      'CPU Allocation     42%  10.05 of 24 shares',
      'Memory Allocation  34%  28 GiB of 82 GiB',
      'Disk Allocation    10%  100 GiB of 1000 GiB',
      'GPU Allocation     0%  0 of 0 GPUs',
      'Task Failure Rate  3%  1 failed, 39 successful in the last hour',
      'Services Health    1 healthy, 1 unhealthy, 0 idle, 1 NA (3 services)',
      'Unhealthy          ns/db',
    ]);
  });
});

describe('the dcos command line plumbing', () => {
  it('prints borderless tables with upper-case headers and --- for empty cells', () => {
    expect(renderTable(['id', 'cmd'], [['/a', undefined], ['/bb', 'sleep 1']])).toBe('ID   CMD\n/a   ---\n/bb  sleep 1\n');
  });

  it('suggests close package names', () => {
    expect(similarNames('ngnix', ['nginx', 'redis', 'hello-world'])).toEqual(['nginx']);
    expect(similarNames('spark', ['spark-history', 'kafka'])).toEqual(['spark-history']);
    expect(similarNames('zzz', ['nginx'])).toEqual([]);
  });

  it('tells missing CRDs from a missing object, and says how to install them', () => {
    const crds = new KubeApiError(404, 'NotFound', 'GET /apis/dcos.dev/v1alpha1/namespaces/x/dcosservices: 404 the server could not find the requested resource', { message: 'the server could not find the requested resource' });
    expect(failureLine(crds, 'https://k')).toMatch(/^the dcos\.dev CRDs are not installed in this cluster: install them with `kubectl apply -k deploy\/`/);
    const object = new KubeApiError(404, 'NotFound', 'GET /apis/dcos.dev/v1alpha1/dcosclusters/default: 404', { message: 'dcosclusters.dcos.dev "default" not found', details: { name: 'default' } });
    expect(failureLine(object, 'https://k')).toBe('dcosclusters.dcos.dev "default" not found');
    const refused = Object.assign(new Error('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    expect(failureLine(refused, 'https://127.0.0.1:1')).toBe('no cluster reachable at https://127.0.0.1:1 (ECONNREFUSED): check KUBECONFIG, --kubeconfig and --context');
  });

  it('completes commands and flags, skipping the values of global flags', async () => {
    const root = new Command('dcos').option('-n, --namespace <ns>');
    const marathon = root.command('marathon');
    const app = marathon.command('app');
    app.command('list').option('--json');
    app.command('restart');
    app.command('remove');
    expect(await completions(root, ['-n', 'prod', 'marathon', 'app', 're'])).toEqual(['restart', 'remove']);
    expect(await completions(root, ['marathon', 'app', 'list', '--j'])).toEqual(['--json']);
    expect(await completions(root, ['ma'])).toEqual(['marathon']);
  });

  it("completes a command's argument with names read in the namespace the words give, and only where an argument goes", async () => {
    const root = new Command('dcos').option('-n, --namespace <ns>').option('--context <name>');
    const apps: Record<string, string[]> = { default: ['/web', '/worker'], prod: ['/db', '/web-prod'] };
    const show = root.command('show <app-id>');
    completeArgumentWith(show, async () => apps[root.opts<{ namespace?: string }>().namespace ?? 'default']!);
    const remove = root.command('remove <names...>');
    completeArgumentWith(remove, async () => ['a', 'b']);
    completeArgumentWith(root.command('broken <x>'), () => Promise.reject(new Error('no cluster reachable')));
    expect(await completions(root, ['show', '/w'])).toEqual(['/web', '/worker']);
    expect(await completions(root, ['--namespace=prod', 'show', ''])).toEqual(['/db', '/web-prod']);
    expect(await completions(root, ['show', '/web', ''])).toEqual([]);
    expect(await completions(root, ['remove', 'a', ''])).toEqual(['a', 'b']);
    expect(await completions(root, ['broken', ''])).toEqual([]);
  });
});
