/**
 * `npm run bench -- ui-nodes`: the Nodes page with 5,000 nodes in Debian's Chromium. The data goes
 * through the operator's own view code and server-sent events (src/ui/), from fake caches: time to
 * first paint (navigation to the frame with the rows), and per live update (500 nodes changed:
 * the script, and until the frame is on screen), medians; plus the server's cost per update.
 */
import express from 'express';
import type { Server } from 'node:http';
import type { NodeAllocation } from '../src/accounting/index.ts';
import { createLogger } from '../src/operator/logger.ts';
import { nodesDelta, type NodeRow } from '../src/ui/nodes-view.ts';
import { nodeRows } from '../src/ui/ui-topics.ts';
import type { SourceChange, UiSources } from '../src/ui/ui-sources.ts';
import { WebUi } from '../src/ui/web-ui.ts';
import { launchBrowser } from '../test/support/browser.ts';

const NODES = 5000;
const CHANGED_PER_UPDATE = 500;
const UPDATES = 20;
const LOADS = 5;
/** Goals: a first paint a person does not wait for, and updates well inside a frame budget of a few. */
const GOAL_FIRST_PAINT_MS = 1000;
const GOAL_UPDATE_FRAME_MS = 50;
const Gi = 2 ** 30;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function fakeNodes(): NodeAllocation[] {
  return Array.from({ length: NODES }, (_, i) => ({
    host: `agent-${String(i).padStart(5, '0')}`,
    address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    status: i % 97 === 0 ? 'NotReady' : 'Ready',
    unschedulable: i % 211 === 0,
    counted: true,
    tasks: i % 30,
    used: { cpu: (i * 37) % 8000, memory: ((i * 13) % 32) * Gi, disk: ((i * 7) % 100) * Gi, gpu: i % 2 },
    allocatable: { cpu: 8000, memory: 32 * Gi, disk: 100 * Gi, gpu: i % 4 === 0 ? 2 : 0 },
    limits: { cpu: 0, memory: 0 },
  }));
}

export async function run(): Promise<void> {
  const nodes = fakeNodes();
  const listeners: Array<(c: SourceChange) => void> = [];
  const sources: UiSources = {
    clusterStatus: () => undefined,
    nodeAllocations: () => nodes,
    nodeTopology: (host) => {
      const i = Number(host.slice(6));
      return { region: `region-${i % 3}`, zone: `zone-${i % 9}` };
    },
    services: () => [],
    service: () => undefined,
    packages: () => [],
    tasksOf: () => [],
    eventsOf: () => [],
    onChange: (l) => void listeners.push(l),
  };
  const app = express();
  const ui = new WebUi(app, { auth: 'none', log: createLogger('silent'), minIntervalMs: 250 });
  ui.attach(sources);
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/ui/#/nodes`;

  // The server's share: rows and difference for all 5,000 nodes, once per flush.
  const sent = new Map<string, NodeRow>();
  nodesDelta(nodeRows(sources), sent);
  const serverMs: number[] = [];
  for (let u = 0; u < UPDATES; u++) {
    for (let k = 0; k < CHANGED_PER_UPDATE; k++) nodes[(u * CHANGED_PER_UPDATE + k) % NODES]!.used.cpu = (u * 101 + k) % 8000;
    const t0 = performance.now();
    nodesDelta(nodeRows(sources), sent);
    serverMs.push(performance.now() - t0);
  }

  const browser = await launchBrowser({ width: 1440, height: 900 });
  try {
    const firstPaints: number[] = [];
    for (let i = 0; i < LOADS; i++) {
      const page = await browser.context.newPage();
      await page.goto(url);
      await page.waitForFunction(() => (globalThis as unknown as { __dcosUi?: { nodesFirstPaint?: number } }).__dcosUi?.nodesFirstPaint !== undefined, undefined, { timeout: 30_000 });
      firstPaints.push(await page.evaluate(() => (globalThis as unknown as { __dcosUi: { nodesFirstPaint: number } }).__dcosUi.nodesFirstPaint));
      if (i < LOADS - 1) await page.close();
    }
    const page = browser.context.pages().at(-1)!;
    const rowsInDom = await page.locator('.vwindow [data-node]').count();
    for (let u = 0; u < UPDATES; u++) {
      for (let k = 0; k < CHANGED_PER_UPDATE; k++) {
        const n = nodes[(u * 997 + k * 7) % NODES]!;
        n.used.memory = ((u + k) % 32) * Gi;
        n.tasks = (n.tasks + 1) % 30;
      }
      for (const l of listeners) l('nodes');
      await page.waitForFunction((want) => ((globalThis as unknown as { __dcosUi: { updates?: number } }).__dcosUi.updates ?? 0) >= want, u + 1, { timeout: 10_000 });
    }
    await page.waitForTimeout(200);
    const renders = await page.evaluate(() => (globalThis as unknown as { __dcosUi: { renders: Array<{ kind: string; ms: number; frameMs?: number }> } }).__dcosUi.renders.filter((r) => r.kind === 'delta'));
    const script = median(renders.map((r) => r.ms));
    const frame = median(renders.filter((r) => r.frameMs !== undefined).map((r) => r.frameMs!));
    const fp = median(firstPaints);
    console.log(`| nodes | loads | first paint, median | updates (${CHANGED_PER_UPDATE} nodes changed) | per update: script, median | per update: to frame on screen, median | server per update, median | rows in the DOM |`);
    console.log('|---|---|---|---|---|---|---|---|');
    console.log(`| ${NODES} | ${LOADS} | ${fp.toFixed(0)} ms | ${renders.length} | ${script.toFixed(1)} ms | ${frame.toFixed(1)} ms | ${median(serverMs).toFixed(1)} ms | ${rowsInDom} |`);
    console.log(`first paint: goal ${GOAL_FIRST_PAINT_MS} ms, ratio ${(fp / GOAL_FIRST_PAINT_MS).toFixed(2)}; update to frame: goal ${GOAL_UPDATE_FRAME_MS} ms, ratio ${(frame / GOAL_UPDATE_FRAME_MS).toFixed(2)}`);
  } finally {
    await browser.close();
    ui.close();
    server.closeAllConnections();
    server.close();
  }
}
