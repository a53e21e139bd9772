import { appendFileSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controllerFactories } from '../../src/controllers/index.ts';
import type { KubeObjectLike } from '../../src/kube/kube-client.ts';
import type { Operator } from '../../src/operator/operator.ts';
import { binaryPath } from '../../src/cluster/control-plane-versions.ts';
import { criLogLine } from '../../src/cluster/kwok-logs.ts';
import type { DcosService } from '../../src/resources/dcos-service.ts';
import { createTestNamespace, ensureCrds, eventually, kubeClient, kubeconfigPath } from './support/cluster.ts';
import { startOperator } from './support/operator.ts';
import { DCOS_BIN, runCli } from './support/dcos-cli.ts';

const API = 'dcos.dev/v1alpha1';
type Svc = DcosService & KubeObjectLike;

describe('the dcos command line against the local control plane', () => {
  const client = kubeClient();
  let ns: string;
  let operator: Operator;
  const env = () => ({ KUBECONFIG: kubeconfigPath() });
  const dcos = (args: string[], input?: string) => runCli(['-n', ns, ...args], { env: env(), ...(input !== undefined && { input }) });

  beforeAll(async () => {
    await ensureCrds(client);
    ns = await createTestNamespace(client, 'dcos-cli');
    operator = await startOperator(client, controllerFactories, { namespace: ns });
  });

  afterAll(async () => {
    await operator?.stop();
    if (ns) await client.delete('v1', 'Namespace', ns);
  });

  it('says in one line when no cluster is reachable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dcos-cli-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters:\n- name: gone\n  cluster: {server: 'https://127.0.0.1:1'}\ncontexts:\n- name: gone\n  context: {cluster: gone, user: u}\nusers:\n- name: u\n  user: {token: x}\ncurrent-context: gone\n`);
    const run = await runCli(['marathon', 'app', 'list'], { env: { KUBECONFIG: kubeconfig } });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('Error: no cluster reachable at https://127.0.0.1:1 (ECONNREFUSED): check KUBECONFIG, --kubeconfig and --context\n');
    const missing = await runCli(['--context', 'nope', 'node'], { env: env() });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^Error: context "nope" not found in the kubeconfig \(contexts: .+\)\n$/);
  });

  it('searches the repositories and describes a package', async () => {
    const search = await dcos(['package', 'search', 'ngin']);
    expect(search.stderr).toBe('');
    expect(search.stdout.split('\n')[0]).toMatch(/^NAME\s+VERSION\s+SELECTED\s+FRAMEWORK\s+DESCRIPTION$/);
    expect(search.stdout).toMatch(/^nginx\s+1\.27\.5\s+(True|False)\s+False\s+\S/m);
    const json = JSON.parse((await dcos(['package', 'search', '--json'])).stdout) as { packages: Array<Record<string, unknown>> };
    expect(json.packages.map((p) => p.name)).toEqual(expect.arrayContaining(['hello-world', 'nginx', 'redis']));
    expect(Object.keys(json.packages[0]!).sort()).toEqual(['currentVersion', 'description', 'framework', 'name', 'repository', 'selected', 'tags', 'versions']);
    const described = JSON.parse((await dcos(['package', 'describe', 'nginx'])).stdout) as Record<string, unknown>;
    expect(described).toMatchObject({ name: 'nginx', version: '1.27.5', repository: 'default' });
    const rendered = await dcos(['package', 'describe', 'nginx', '--render', '--app-id', '/web/front']);
    expect(rendered.stdout).toMatch(/kind: DcosService\n/);
    expect(rendered.stdout).toMatch(/id: \/web\/front\n/);
  });

  it('refuses an unknown package with "did you mean" and invalid options with the field', async () => {
    const typo = await dcos(['package', 'install', 'ngnix', '--yes']);
    expect(typo.status).toBe(1);
    expect(typo.stderr).toBe("Error: package 'ngnix' not found: did you mean 'nginx'?\n");
    const dir = mkdtempSync(join(tmpdir(), 'dcos-cli-'));
    writeFileSync(join(dir, 'options.json'), JSON.stringify({ nginx: { cpus: 0 } }));
    const bad = await dcos(['package', 'install', 'nginx', '--yes', '--options', join(dir, 'options.json')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^Error: options invalid at nginx\.cpus: .*0\.01.*\n$/);
  });

  it('installs a package, waits until it runs, and shows it in every listing', async () => {
    const install = await dcos(['package', 'install', 'nginx', '--yes']);
    expect(install.stderr).toMatch(/Waiting for nginx: .* tasks running/);
    expect(install.status).toBe(0);
    expect(install.stdout).toContain('Installing Marathon app for package [nginx] version [1.27.5]\n');
    expect(install.stdout).toContain('Package [nginx] version [1.27.5] installed\n');
    expect(install.stdout).toMatch(/nginx is starting/);

    const list = await dcos(['package', 'list']);
    expect(list.stdout).toMatch(/^NAME\s+VERSION\s+APP\s+READY\s+DESCRIPTION\nnginx\s+1\.27\.5\s+\/nginx\s+True\s+nginx serving a static page or your own content, behind a Kubernetes Service \.\.\.\n$/);
    expect(JSON.parse((await dcos(['package', 'list', '--json'])).stdout)).toEqual([
      { name: 'nginx', version: '1.27.5', apps: ['/nginx'], namespace: ns, object: 'nginx', ready: true, message: expect.any(String), description: expect.stringMatching(/^nginx serving/) },
    ]);
    const uninstallable = await dcos(['__complete', 'package', 'uninstall', 'ng']);
    expect(uninstallable.stdout).toBe('nginx\n:4\n');

    const services = await dcos(['service']);
    expect(services.stdout).toMatch(/^NAME\s+HOST\s+ACTIVE\s+TASKS\s+CPU\s+MEM\s+DISK\s+ID\n/);
    expect(services.stdout).toMatch(/^nginx\s+dcos-agent-\d\s+True\s+1\s+0\.1\s+64\s+0\s+dpkg\/nginx$/m);
    const servicesJson = JSON.parse((await dcos(['service', '--json'])).stdout) as Array<Record<string, unknown>>;
    expect(servicesJson).toEqual([expect.objectContaining({ name: 'nginx', kind: 'DcosPackage', namespace: ns, id: 'dpkg/nginx', appIds: ['/nginx'], active: true, tasks: 1, resources: { cpus: 0.1, mem: 64, disk: 0 } })]);

    const tasks = await dcos(['task']);
    expect(tasks.stdout).toMatch(/^NAME\s+HOST\s+USER\s+STATE\s+ID\s+MESOS ID\n/);
    expect(tasks.stdout).toMatch(/^nginx\s+dcos-agent-\d\s+\S+\s+R\s+nginx-\S+\s+\S+$/m);
    const taskJson = JSON.parse((await dcos(['task', '--json'])).stdout) as Array<Record<string, unknown>>;
    expect(taskJson[0]).toMatchObject({ name: 'nginx', namespace: ns, appId: '/nginx', service: 'nginx', state: 'TASK_RUNNING' });
    expect(Object.keys(taskJson[0]!).sort()).toEqual(['appId', 'containers', 'host', 'id', 'ip', 'name', 'namespace', 'service', 'startedAt', 'state']);

    const log = await dcos(['service', 'log', 'nginx', '--lines', '5']);
    expect(log.stderr).toBe('');
    expect(log.stdout).toMatch(/task started on a kwok node/);
    const taskLog = await dcos(['task', 'log', taskJson[0]!.id as string, '--lines', '1']);
    expect(taskLog.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('follows the logs of a service: lines written later arrive', async () => {
    const child = spawn(DCOS_BIN, ['-n', ns, 'service', 'log', 'nginx', '--follow', '--lines', '1'], { env: { ...process.env, ...env() } });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    try {
      await eventually(() => expect(out).not.toBe(''), 30_000);
      const marker = `followed-line-${Date.now()}`;
      appendFileSync(join(dirname(kubeconfigPath()), 'task.log'), criLogLine(marker));
      await eventually(() => expect(out).toContain(`${marker}\n`), 30_000);
    } finally {
      child.kill('SIGINT');
    }
  });

  it('adds a Marathon group from stdin and manages its apps by id', async () => {
    const group = { id: '/prod', apps: [{ id: 'web', cmd: 'python3 -m http.server 8080', cpus: 0.25, mem: 64, instances: 2, container: { type: 'DOCKER', docker: { image: 'python:3' } } }, { id: 'db/postgres', instances: 1, container: { type: 'DOCKER', docker: { image: 'postgres:16' } }, healthChecks: [{ protocol: 'COMMAND', command: { value: 'true' } }] }] };
    const add = await dcos(['marathon', 'app', 'add'], JSON.stringify(group));
    expect(add.stderr).toBe('');
    expect(add.stdout).toBe(`Created app /prod/web (dcosservice/prod-web in namespace ${ns})\nCreated app /prod/db/postgres (dcosservice/prod-db-postgres in namespace ${ns})\n`);
    const again = await dcos(['marathon', 'app', 'add'], JSON.stringify(group.apps[0] && { ...group.apps[0], id: '/prod/web' }));
    expect(again.stderr).toBe(`Error: app '/prod/web' already exists (dcosservice prod-web in namespace ${ns})\n`);
    const invalid = await dcos(['marathon', 'app', 'add'], JSON.stringify({ id: '/bad', cmd: 'x', args: ['y'] }));
    expect(invalid.status).toBe(1);
    expect(invalid.stderr).toMatch(/^Error: app \/bad invalid at args: .+\n$/);

    await eventually(async () => {
      const list = await dcos(['marathon', 'app', 'list']);
      expect(list.stdout).toMatch(/^ID\s+MEM\s+CPUS\s+TASKS\s+HEALTH\s+DEPLOYMENT\s+WAITING\s+CONTAINER\s+CMD\n/);
      expect(list.stdout).toMatch(/^\/prod\/web\s+64\s+0\.25\s+2\/2\s+---\s+---\s+False\s+DOCKER\s+python3 -m http\.server 8080$/m);
      expect(list.stdout).toMatch(/^\/prod\/db\/postgres\s+128\s+1\s+1\/1\s+\d\/1\s+\S+\s+\S+\s+DOCKER\s+---$/m);
    }, 60_000);
    const apps = JSON.parse((await dcos(['marathon', 'app', 'list', '--json'])).stdout) as Array<Record<string, unknown>>;
    expect(apps.map((a) => a.id)).toEqual(expect.arrayContaining(['/nginx', '/prod/db/postgres', '/prod/web']));

    const groups = await dcos(['marathon', 'group', 'list']);
    expect(groups.stdout).toMatch(/^ID\s+APPS\n\/\s+3\n\/prod\s+2\n\/prod\/db\s+1\n$/);

    const shown = JSON.parse((await dcos(['marathon', 'app', 'show', '/prod/web'])).stdout) as Record<string, unknown>;
    expect(shown).toMatchObject({ id: '/prod/web', name: 'prod-web', instances: 2, cpus: 0.25, tasksRunning: 2 });
    expect((JSON.parse((await dcos(['marathon', 'app', 'show', 'prod-web'])).stdout) as { id: string }).id).toBe('/prod/web');

    expect((await dcos(['marathon', 'app', 'stop', '/prod/web'])).stdout).toBe('Stopping app /prod/web\n');
    expect((await client.get<Svc>(API, 'DcosService', 'prod-web', ns)).spec.instances).toBe(0);
    expect((await dcos(['marathon', 'app', 'stop', '/prod/web'])).stderr).toBe("Error: app '/prod/web' already stopped: 0 instances\n");
    expect((await dcos(['marathon', 'app', 'start', '/prod/web', '3'])).stdout).toBe('Starting app /prod/web with 3 instances\n');
    expect((await dcos(['marathon', 'app', 'update', '/prod/web', 'cpus=0.5', 'env={"MODE":"prod"}'])).status).toBe(0);
    const updated = await client.get<Svc>(API, 'DcosService', 'prod-web', ns);
    expect(updated.spec).toMatchObject({ instances: 3, cpus: 0.5, env: { MODE: 'prod' } });
    expect((await dcos(['marathon', 'app', 'restart', '/prod/web'])).stdout).toBe('Restarting app /prod/web\n');
    expect((await client.get<Svc>(API, 'DcosService', 'prod-web', ns)).metadata.annotations?.['dcos.dev/restart']).toMatch(/^\d{4}-/);

    expect((await dcos(['marathon', 'app', 'remove', '/prod/web'])).stdout).toBe('Removed app /prod/web\n');
    const gone = await dcos(['marathon', 'app', 'show', '/prod/web']);
    expect(gone.status).toBe(1);
    expect(gone.stderr).toBe(`Error: app '/prod/web' does not exist in namespace ${ns}\n`);
  });

  it('lists the nodes with their allocation and shows the cluster as the dashboard did', async () => {
    const nodes = await dcos(['node']);
    expect(nodes.stdout.split('\n')[0]).toMatch(/^HOSTNAME\s+IP\s+ID\s+TYPE\s+STATUS\s+REGION\s+ZONE\s+CPU\s+MEM\s+DISK\s+GPU$/);
    expect(nodes.stdout).toMatch(/^dcos-agent-1\s+127\.0\.0\.1\s+\S+\s+agent\s+ACTIVE\s+region-1\s+zone-a\s+[\d.]+ of 8 \(\d+%\)\s+\S+ \S+ of 32 GiB \(\d+%\)/m);
    const json = JSON.parse((await dcos(['node', '--json'])).stdout) as Array<Record<string, unknown>>;
    expect(json[0]).toMatchObject({ hostname: 'dcos-agent-1', ip: '127.0.0.1', type: 'agent', status: 'ACTIVE', region: 'region-1', zone: 'zone-a', total: { cpus: 8, mem: 32 * 2 ** 30 } });
    await eventually(async () => {
      const status = await dcos(['cluster', 'status']);
      expect(status.stdout).toMatch(/^CPU Allocation\s+\d+%\s+[\d.]+ of \d+ shares$/m);
      expect(status.stdout).toMatch(/^Memory Allocation\s+\d+%\s+\S+ \S+ of \S+ \S+$/m);
      expect(status.stdout).toMatch(/^Task Failure Rate\s+\d+%/m);
      expect(status.stdout).toMatch(/^Services Health\s+\d+ healthy, \d+ unhealthy, \d+ idle, \d+ NA \(\d+ services\)$/m);
    }, 60_000);
  });

  it('adds, lists and removes a package repository', async () => {
    const name = `${ns}-extra`;
    expect((await dcos(['package', 'repo', 'add', name, 'http://127.0.0.1:9/repo.json', '--index', '5'])).stdout).toBe(`Added repository [${name}] http://127.0.0.1:9/repo.json\n`);
    expect((await dcos(['package', 'repo', 'add', name, 'http://127.0.0.1:9/repo.json'])).stderr).toBe(`Error: repository '${name}' already exists\n`);
    const list = await dcos(['package', 'repo', 'list']);
    expect(list.stdout).toMatch(new RegExp(`^${name}\\s+http://127\\.0\\.0\\.1:9/repo\\.json\\s+5\\s`, 'm'));
    const json = JSON.parse((await dcos(['package', 'repo', 'list', '--json'])).stdout) as { repositories: Array<Record<string, unknown>> };
    expect(json.repositories.find((r) => r.name === name)).toMatchObject({ uri: 'http://127.0.0.1:9/repo.json', priority: 5 });
    expect((await dcos(['package', 'repo', 'remove', name])).stdout).toBe(`Removed repository [${name}]\n`);
    expect((await dcos(['package', 'repo', 'remove', name])).stderr).toBe(`Error: repository '${name}' does not exist\n`);
  });

  it('works as a kubectl plugin, completion included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dcos-plugin-'));
    symlinkSync(DCOS_BIN, join(dir, 'kubectl-dcos'));
    symlinkSync(DCOS_BIN, join(dir, 'kubectl_complete-dcos'));
    const kubectl = binaryPath('kubectl');
    const pathEnv = { PATH: `${dir}:${process.env.PATH}`, KUBECONFIG: kubeconfigPath() };
    const list = await runCli(['dcos', 'marathon', 'app', 'list', '-n', ns], { bin: kubectl, env: pathEnv });
    expect(list.stderr).toBe('');
    expect(list.stdout).toMatch(/^\/nginx\s+/m);
    const completion = await runCli(['__complete', 'dcos', 'marathon', 'app', 're'], { bin: kubectl, env: pathEnv });
    expect(completion.stdout.split('\n')).toEqual(expect.arrayContaining(['remove', 'restart']));
    const appIds = await runCli(['__complete', 'dcos', '-n', ns, 'marathon', 'app', 'show', '/ng'], { bin: kubectl, env: pathEnv });
    expect(appIds.stdout).toBe('/nginx\n:4\n');
    const bash = await runCli(['completion', 'bash']);
    expect(bash.stdout).toContain('complete -o default -F _dcos_complete dcos');
  });
});
