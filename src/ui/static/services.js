// The Services table: DcosServices and the DcosPackages that own them (DC/OS 1.x columns), filtered
// by text and health. Rows are rebuilt on each update; the toolbar and the column widths stay put.
import { h, setText } from './dom.js';
import { mib, shares } from './format.js';

const HEALTH_CLASS = { Healthy: 'ok', Unhealthy: 'bad', Idle: 'idle', NA: 'na' };
const STATUS_CLASS = { Running: 'ok', Installed: 'ok', Deploying: 'busy', Installing: 'busy', Waiting: 'idle', Delayed: 'warn', Suspended: 'na', Failed: 'bad' };
const COLUMNS = ['Name', 'Status', 'Version', 'Instances', 'Health', 'CPU', 'Mem', 'Disk', 'GPU'];

export function mount(root, { stream }) {
  let view;
  const search = h('input', { type: 'search', placeholder: 'Filter by name, image or package', 'aria-label': 'Filter services', 'data-testid': 'service-filter' });
  const health = h('select', { 'aria-label': 'Health', 'data-testid': 'health-filter' }, ...['All health', 'Healthy', 'Unhealthy', 'Idle', 'NA'].map((o, i) => h('option', { value: i === 0 ? '' : o }, o)));
  const count = h('span', { class: 'count', 'data-testid': 'service-count' }, '');
  const tbody = h('tbody', {});
  const table = h('table', { class: 'table services' }, h('colgroup', {}, ...COLUMNS.map((c) => h('col', { class: `col-${c.toLowerCase()}` }))), h('thead', {}, h('tr', {}, ...COLUMNS.map((c, i) => h('th', { class: i >= 5 ? 'num' : '' }, c)))), tbody);
  root.append(h('div', { class: 'toolbar' }, search, health, count), h('div', { class: 'panel flush' }, table));

  const matches = (row, text, wanted) => (!wanted || row.health === wanted) && (!text || `${row.namespace}/${row.name} ${row.image ?? ''} ${row.packageName ?? ''} ${row.appId ?? ''}`.toLowerCase().includes(text));
  const cells = (row, nameCell, version) => [
    nameCell,
    h('td', {}, h('span', { class: `status ${STATUS_CLASS[row.status] ?? 'na'}`, title: row.statusMessage }, row.status)),
    h('td', { class: 'ellipsis', title: version }, version || '—'),
    h('td', { class: 'num-left' }, `${row.running}/${row.wanted}`),
    h('td', {}, h('span', { class: `badge ${HEALTH_CLASS[row.health]}` }, row.health)),
    h('td', { class: 'num' }, shares(row.cpus)),
    h('td', { class: 'num' }, mib(row.mem)),
    h('td', { class: 'num' }, mib(row.disk)),
    h('td', { class: 'num' }, String(row.gpus)),
  ];
  const serviceRow = (s, child) =>
    h('tr', { 'data-service': `${s.namespace}/${s.name}`, class: child ? 'child' : '' },
      ...cells(s, h('td', { class: 'name' }, h('a', { href: `#/services/${encodeURIComponent(s.namespace)}/${encodeURIComponent(s.name)}` }, s.name), h('span', { class: 'ns' }, s.namespace)), s.image));

  const render = () => {
    if (!view) return;
    const text = search.value.trim().toLowerCase();
    const wanted = health.value;
    const rows = [];
    let shown = 0;
    for (const p of view.packages) {
      const own = p.services.filter((s) => matches(s, text, wanted) || (!wanted && matches(p, text, '')));
      if (own.length === 0 && !matches(p, text, wanted)) continue;
      rows.push(h('tr', { class: 'package', 'data-package': `${p.namespace}/${p.name}` }, ...cells(p, h('td', { class: 'name' }, h('span', { class: 'pkg-icon', 'aria-hidden': 'true' }), p.name, h('span', { class: 'ns' }, `${p.packageName} · ${p.namespace}`)), p.version)));
      for (const s of own) rows.push(serviceRow(s, true));
      shown += own.length;
    }
    for (const s of view.services) {
      if (!matches(s, text, wanted)) continue;
      rows.push(serviceRow(s, false));
      shown++;
    }
    if (rows.length === 0) rows.push(h('tr', {}, h('td', { colspan: COLUMNS.length, class: 'empty' }, view.total === 0 ? 'No services yet: kubectl apply a DcosService or a DcosPackage.' : 'No service matches the filter.')));
    tbody.replaceChildren(...rows);
    setText(count, `${shown} of ${view.total} services`);
  };
  search.addEventListener('input', render);
  health.addEventListener('change', render);

  return stream('services', {
    full: (v) => {
      view = v;
      render();
    },
    delta: (v) => {
      view = v;
      render();
    },
  });
}
