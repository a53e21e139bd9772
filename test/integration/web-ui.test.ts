import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controllerFactories } from '../../src/controllers/index.ts';
import type { KubeObjectLike } from '../../src/kube/kube-client.ts';
import type { Operator } from '../../src/operator/operator.ts';
import type { DcosClusterStatus } from '../../src/resources/dcos-cluster.ts';
import { launchBrowser, type Browser } from '../support/browser.ts';
import { createTestNamespace, deleteNamespace, eventually, kubeClient, kubectl } from './support/cluster.ts';
import { dcosService, simpleApp } from './support/dcos-services.ts';
import { startOperator } from './support/operator.ts';

/** CI keeps this folder (git-ignored): every page, light and dark, as the tests saw it. */
const SCREENSHOTS = fileURLToPath(new URL('../../test-artifacts/screenshots/', import.meta.url));
const REGION = 'topology.kubernetes.io/region';
const ZONE = 'topology.kubernetes.io/zone';

type Cluster = KubeObjectLike & { status?: DcosClusterStatus };

describe('the web UI in a real browser', () => {
  const client = kubeClient();
  let operator: Operator;
  let browser: Browser;
  let ns: string;
  let base: string;
  const errors: string[] = [];

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    // Loopback only: the UI needs no token (the auto mode), as `npm start` serves it.
    operator = await startOperator(client, controllerFactories);
    base = `http://127.0.0.1:${operator.ports.metrics}/ui/`;
    ns = await createTestNamespace(client, 'ui');
    await client.create(dcosService(ns, 'shop', simpleApp({ instances: 1, cpus: 0.5, mem: 256 })));
    await client.create(dcosService(ns, 'search', simpleApp({ instances: 1, cpus: 0.25 })));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await operator?.stop();
    await deleteNamespace(client, ns);
  });

  async function open(hash: string): Promise<Page> {
    const page = await browser.context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`${hash}: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`${hash}: ${e.message}`));
    await page.goto(`${base}${hash}`);
    await page.locator('#live[data-state="live"]').waitFor({ timeout: 15_000 });
    return page;
  }

  async function screenshots(page: Page, name: string): Promise<void> {
    for (const theme of ['light', 'dark']) {
      if ((await page.evaluate('document.documentElement.dataset.theme')) !== theme) {
        await page.click('#theme');
        await page.locator('#live[data-state="live"]').waitFor();
      }
      await page.screenshot({ path: `${SCREENSHOTS}${name}-${theme}.png` });
    }
  }

  const text = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`).innerText();
  const cluster = () => client.get<Cluster>('dcos.dev/v1alpha1', 'DcosCluster', 'default');

  it('Dashboard: the figures are the DcosCluster status', async () => {
    const page = await open('#/dashboard');
    await eventually(async () => {
      const status = (await cluster()).status!;
      const shown = {
        cpu: await text(page, 'cpu-percent'),
        cpuSummary: await text(page, 'cpu-summary'),
        memSummary: await text(page, 'memory-summary'),
        gpuSummary: await text(page, 'gpu-summary'),
        running: await text(page, 'tasks-running'),
        staging: await text(page, 'tasks-staging'),
        nodes: await text(page, 'nodes-connected'),
        failure: await text(page, 'failure-percent'),
      };
      expect(shown).toEqual({
        cpu: `${status.resources!.cpu.percent}%`,
        cpuSummary: status.resources!.cpu.summary,
        memSummary: status.resources!.memory.summary,
        gpuSummary: status.resources!.gpu.summary,
        running: String(status.tasks!.running),
        staging: String(status.tasks!.staging),
        nodes: String(status.nodes!.ready),
        failure: `${status.taskFailureRate!.percent}%`,
      });
    }, 20_000, 500);
    await eventually(async () => expect(await text(page, 'view-all')).toMatch(/^View all \d+ services$/));
    await screenshots(page, 'dashboard');
    await page.close();
  });

  it('Services: scaling a DcosService shows on the Services page and in the allocation, without a reload', async () => {
    const services = await open('#/services');
    const dashboard = await open('#/dashboard');
    const row = services.locator(`tr[data-service="${ns}/shop"]`);
    await eventually(async () => expect(await row.locator('td').nth(3).innerText()).toBe('1/1'), 30_000, 300);
    await services.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
    const before = await text(dashboard, 'cpu-summary');
    const layout = () => dashboard.locator('section.panel').evaluateAll((panels) => panels.map((p) => { const r = p.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }));
    const layoutBefore = await layout();

    kubectl(['scale', '-n', ns, 'dsvc/shop', '--replicas=3']);
    await eventually(async () => expect(await row.locator('td').nth(3).innerText()).toBe('3/3'), 30_000, 300);
    // One more shop task (0.5 shares each) is in the allocation, and the page was never reloaded.
    await eventually(async () => {
      const status = (await cluster()).status!;
      expect(await text(dashboard, 'cpu-summary')).toBe(status.resources!.cpu.summary);
      expect(await text(dashboard, 'cpu-summary')).not.toBe(before);
    }, 30_000, 300);
    expect(await services.evaluate(() => (globalThis as unknown as { marker: number }).marker)).toBe(42);
    // New figures, same layout: no panel moved or changed size.
    expect(await layout()).toEqual(layoutBefore);

    await services.fill('[data-testid="service-filter"]', 'sea');
    await eventually(async () => expect(await services.locator('tr[data-service]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-service')))).toEqual([`${ns}/search`]));
    await services.fill('[data-testid="service-filter"]', '');
    await services.selectOption('[data-testid="health-filter"]', 'Unhealthy');
    expect(await services.locator(`tr[data-service^="${ns}/"]`).count()).toBe(0);
    await services.selectOption('[data-testid="health-filter"]', '');
    await screenshots(services, 'services');
    await services.close();
    await dashboard.close();
  });

  it('a service page shows its tasks with their nodes, its conditions and its events', async () => {
    const page = await open(`#/services/${ns}/shop`);
    await eventually(async () => expect(await page.locator('tr[data-task]').count()).toBe(3), 30_000, 300);
    const nodes = await page.locator('tr[data-task] td:nth-child(2)').allInnerTexts();
    expect(nodes.every((n) => n.startsWith('dcos-agent-'))).toBe(true);
    await eventually(async () => expect(await page.locator('[data-testid="conditions"]').innerText()).toMatch(/Ready\s+True/), 30_000, 300);
    await eventually(async () => expect(await page.locator('[data-testid="events"]').innerText()).toMatch(/Created|Scaled|Updated/), 30_000, 300);
    await screenshots(page, 'service');
    await page.close();
  });

  it('Nodes: the health, region and zone filters, the count, and the grid', async () => {
    const nodes = (await client.list<KubeObjectLike>('v1', 'Node')).items;
    const zone = nodes[0]!.metadata.labels![ZONE]!;
    const region = nodes[0]!.metadata.labels![REGION]!;
    const inZone = nodes.filter((n) => n.metadata.labels?.[ZONE] === zone).length;
    const page = await open('#/nodes');
    await eventually(async () => expect(await text(page, 'node-count')).toBe(`${nodes.length} of ${nodes.length} nodes`));
    await page.selectOption('[data-testid="node-zone"]', zone);
    expect(await text(page, 'node-count')).toBe(`${inZone} of ${nodes.length} nodes`);
    const hosts = await page.locator('.vwindow [data-node]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-node')));
    expect(hosts.sort()).toEqual(nodes.filter((n) => n.metadata.labels?.[ZONE] === zone).map((n) => n.metadata.name).sort());
    await page.selectOption('[data-testid="node-region"]', region);
    expect(await text(page, 'node-count')).toBe(`${inZone} of ${nodes.length} nodes`);
    await page.selectOption('[data-testid="node-health"]', 'Unhealthy');
    expect(await text(page, 'node-count')).toBe(`0 of ${nodes.length} nodes`);
    await page.selectOption('[data-testid="node-health"]', '');
    await page.selectOption('[data-testid="node-zone"]', '');
    await page.click('[data-testid="mode-grid"]');
    expect(await page.locator('.vwindow .tile').count()).toBe(nodes.length);
    await page.screenshot({ path: `${SCREENSHOTS}nodes-grid.png` });
    await page.click('[data-testid="mode-list"]');
    await screenshots(page, 'nodes');
    await page.close();
  });

  it('loaded every page with no console error', () => {
    expect(errors).toEqual([]);
  });
});

describe('the web UI where it requires a token', () => {
  const client = kubeClient();
  let operator: Operator;
  let ns: string;
  let api: string;
  const tokenOf = (sa: string) => kubectl(['create', 'token', sa, '-n', ns]).stdout.trim();

  beforeAll(async () => {
    // No controllers: only the UI reads the caches, so it does not race the other operator.
    operator = await startOperator(client, [], { uiAuth: 'token' });
    api = `http://127.0.0.1:${operator.ports.metrics}/ui/api/view?topic=dashboard`;
    ns = await createTestNamespace(client, 'ui-auth');
    kubectl(['create', 'serviceaccount', 'viewer', '-n', ns]);
    kubectl(['create', 'serviceaccount', 'stranger', '-n', ns]);
    kubectl(['create', 'clusterrole', `${ns}-dcl-viewer`, '--verb=get', '--resource=dcosclusters.dcos.dev']);
    kubectl(['create', 'clusterrolebinding', `${ns}-dcl-viewer`, `--clusterrole=${ns}-dcl-viewer`, `--serviceaccount=${ns}:viewer`]);
  });
  afterAll(async () => {
    await operator?.stop();
    kubectl(['delete', 'clusterrolebinding,clusterrole', `${ns}-dcl-viewer`, '--ignore-not-found']);
    await deleteNamespace(client, ns);
  });

  it('refuses a request with no token or a forged one (401) and a user who may not get dcosclusters (403)', async () => {
    const none = await fetch(api);
    expect(none.status).toBe(401);
    expect(((await none.json()) as { message: string }).message).toMatch(/bearer token is required/);
    expect((await fetch(api, { headers: { authorization: 'Bearer forged' } })).status).toBe(401);
    const stranger = await fetch(api, { headers: { authorization: `Bearer ${tokenOf('stranger')}` } });
    expect(stranger.status).toBe(403);
    expect(((await stranger.json()) as { message: string }).message).toMatch(/may not get dcosclusters/);
    // The page itself holds no figures; its data and live stream are refused the same way.
    expect((await fetch(api.replace('/view', '/stream'))).status).toBe(401);
  });

  it('serves the figures to a user who may get dcosclusters, and the page asks for a token before it shows any', async () => {
    const token = tokenOf('viewer');
    await eventually(async () => {
      const res = await fetch(api, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { view: { nodes: { total: number } } }).view.nodes).toBeDefined();
    });
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      await page.goto(api.replace(/api\/view.*$/, '#/dashboard'));
      await page.locator('#token-input').waitFor({ timeout: 15_000 });
      await page.fill('#token-input', token);
      await page.click('form.signin button[type="submit"]');
      await page.locator('#live[data-state="live"]').waitFor({ timeout: 15_000 });
      expect(await page.locator('[data-testid="nodes-total"]').innerText()).toMatch(/of \d+ nodes/);
    } finally {
      await browser.close();
    }
  });
});
