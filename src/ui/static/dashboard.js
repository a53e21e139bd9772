// The Dashboard, DC/OS 1.x's panels: allocation per resource with its history, task failure rate,
// services health, tasks and nodes. Figures are the DcosCluster status, as kubectl shows it.
import { percentChart } from './chart.js';
import { h, setText } from './dom.js';
import { pct } from './format.js';

const RESOURCES = [
  { key: 'cpu', title: 'CPU Allocation', color: '--chart-cpu' },
  { key: 'memory', title: 'Memory Allocation', color: '--chart-memory' },
  { key: 'disk', title: 'Disk Allocation', color: '--chart-disk' },
  { key: 'gpu', title: 'GPU Allocation', color: '--chart-gpu' },
];
const HEALTH_CLASS = { Healthy: 'ok', Unhealthy: 'bad', Idle: 'idle', NA: 'na' };
const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

export function mount(root, { stream }) {
  const charts = [];
  const figure = (id) => h('div', { class: 'figure', 'data-testid': id }, '—');
  const sub = (id) => h('div', { class: 'figure-sub', 'data-testid': id }, '\u00a0');
  const panels = {};
  const grid = h('div', { class: 'dashboard' });

  for (const r of RESOURCES) {
    const chartEl = h('div', { class: 'chart' });
    panels[r.key] = { percent: figure(`${r.key}-percent`), summary: sub(`${r.key}-summary`), chartEl, color: r.color };
    grid.append(h('section', { class: 'panel', 'data-panel': r.key }, h('h2', {}, r.title), panels[r.key].percent, panels[r.key].summary, chartEl));
  }
  const failureChart = h('div', { class: 'chart' });
  const failure = { percent: figure('failure-percent'), summary: sub('failure-summary') };
  grid.append(h('section', { class: 'panel' }, h('h2', {}, 'Task Failure Rate'), failure.percent, failure.summary, failureChart));

  const healthList = h('ul', { class: 'health-list', 'data-testid': 'services-health' });
  const viewAll = h('a', { href: '#/services', class: 'view-all', 'data-testid': 'view-all' }, 'View all services');
  grid.append(h('section', { class: 'panel' }, h('h2', {}, 'Services Health'), healthList, viewAll));

  const tasks = { running: figure('tasks-running'), staging: figure('tasks-staging'), total: figure('tasks-total') };
  grid.append(
    h('section', { class: 'panel' }, h('h2', {}, 'Tasks'),
      h('div', { class: 'trio' },
        h('div', {}, tasks.running, h('div', { class: 'figure-sub' }, 'Running')),
        h('div', {}, tasks.staging, h('div', { class: 'figure-sub' }, 'Staging')),
        h('div', {}, tasks.total, h('div', { class: 'figure-sub' }, 'Total')))),
  );
  const nodes = { connected: figure('nodes-connected'), total: sub('nodes-total') };
  grid.append(h('section', { class: 'panel' }, h('h2', {}, 'Nodes'), nodes.connected, nodes.total, h('a', { href: '#/nodes', class: 'view-all' }, 'View all nodes')));
  root.append(grid);

  for (const r of RESOURCES) charts.push((panels[r.key].chart = percentChart(panels[r.key].chartEl, { color: css(r.color) })));
  const failurePlot = percentChart(failureChart, { color: css('--chart-failure') });
  charts.push(failurePlot);

  // The history, column-wise as uPlot wants it.
  const series = { t: [], cpu: [], memory: [], disk: [], gpu: [], failureRate: [] };
  const addSamples = (samples) => {
    for (const s of samples) {
      if (series.t.length > 0 && s.t <= series.t[series.t.length - 1]) continue;
      for (const k of Object.keys(series)) series[k].push(s[k]);
    }
    for (const k of Object.keys(series)) if (series[k].length > 1800) series[k].splice(0, series[k].length - 1800);
    for (const r of RESOURCES) panels[r.key].chart.set(series.t, series[r.key]);
    failurePlot.set(series.t, series.failureRate);
  };

  const render = (v) => {
    for (const r of RESOURCES) {
      const p = v.allocation[r.key];
      setText(panels[r.key].percent, v.accounted ? pct(p.percent) : '—');
      setText(panels[r.key].summary, v.accounted ? p.summary : 'Not accounted yet');
    }
    setText(failure.percent, pct(v.failureRate.percent));
    const minutes = Math.round(v.failureRate.windowSeconds / 60);
    const window = minutes >= 1 ? `${minutes} min` : `${v.failureRate.windowSeconds} s`;
    setText(failure.summary, `${v.failureRate.failed} failed of ${v.failureRate.failed + v.failureRate.successful} · last ${window}`);
    const items = v.servicesHealth.top.map((s) =>
      h('li', {}, h('a', { href: `#/services/${encodeURIComponent(s.namespace)}/${encodeURIComponent(s.name)}` }, s.name), h('span', { class: `badge ${HEALTH_CLASS[s.health]}` }, s.health)),
    );
    if (items.length === 0) items.push(h('li', { class: 'muted' }, 'No services yet'));
    healthList.replaceChildren(...items);
    setText(viewAll, `View all ${v.servicesHealth.total} services`);
    setText(tasks.running, v.tasks.running);
    setText(tasks.staging, v.tasks.staging);
    setText(tasks.total, v.tasks.total);
    setText(nodes.connected, `${v.nodes.connected}`);
    setText(nodes.total, `connected of ${v.nodes.total} nodes`);
  };

  const close = stream('dashboard', {
    full: (m) => {
      for (const k of Object.keys(series)) series[k].length = 0;
      render(m.view);
      addSamples(m.samples);
    },
    delta: (m) => {
      render(m.view);
      if (m.samples.length > 0) addSamples(m.samples);
    },
  });
  return () => {
    close();
    for (const c of charts) c.destroy();
  };
}
