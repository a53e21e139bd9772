// The Nodes page: a list (DC/OS 1.x columns, resources as bar and %) or a grid (one dial per node
// for the chosen resource), filtered by health, region and zone. Only the rows on screen exist in
// the DOM, and an update touches the nodes that changed: 5,000 nodes stay responsive.
import { h, setText } from './dom.js';
import { bytes, percent, pct, shares } from './format.js';

// Row layout, as the server sends it (src/ui/nodes-view.ts).
const HOST = 0, HEALTH = 1, REGION = 2, ZONE = 3, TASKS = 4, ADDRESS = 13;
const RES = { cpu: [5, 6], memory: [7, 8], disk: [9, 10], gpu: [11, 12] };
const RES_LABEL = { cpu: 'CPU', memory: 'Mem', disk: 'Disk', gpu: 'GPU' };
const ROW_H = 44;
const HEAD_H = 38;
const TILE_W = 124;
const TILE_H = 132;
const HEALTH_CLASS = { Healthy: 'ok', Unhealthy: 'bad', Cordoned: 'warn' };

const amount = (res, v) => (res === 'cpu' ? shares(v) : res === 'gpu' ? String(v) : bytes(v));
const usage = (row, res) => percent(row[RES[res][0]], row[RES[res][1]]);

export function mount(root, { stream }) {
  const rows = new Map();
  let list = [];
  let mode = 'list';
  let resource = 'cpu';
  let sortKey = 'host';
  let sortDir = 1;

  const select = (label, id, options) => h('select', { 'aria-label': label, 'data-testid': id }, ...options.map(([v, t]) => h('option', { value: v }, t)));
  const healthSel = select('Health', 'node-health', [['', 'All health'], ['Healthy', 'Healthy'], ['Unhealthy', 'Unhealthy'], ['Cordoned', 'Cordoned']]);
  const regionSel = select('Region', 'node-region', [['', 'All regions']]);
  const zoneSel = select('Zone', 'node-zone', [['', 'All zones']]);
  const search = h('input', { type: 'search', placeholder: 'Filter by host or address', 'aria-label': 'Filter nodes', 'data-testid': 'node-filter' });
  const resourceSel = select('Resource', 'node-resource', Object.entries(RES_LABEL));
  const listBtn = h('button', { class: 'button seg active', type: 'button', 'data-testid': 'mode-list' }, 'List');
  const gridBtn = h('button', { class: 'button seg', type: 'button', 'data-testid': 'mode-grid' }, 'Grid');
  const count = h('span', { class: 'count', 'data-testid': 'node-count' }, '');
  root.append(h('div', { class: 'toolbar' }, h('span', { class: 'segmented' }, listBtn, gridBtn), search, healthSel, regionSel, zoneSel, resourceSel, count));

  const header = h('div', { class: 'vrow vhead' }, ...[['host', 'Host'], ['health', 'Health'], ['region', 'Region'], ['zone', 'Zone'], ['tasks', 'Tasks'], ['cpu', 'CPU'], ['memory', 'Mem'], ['disk', 'Disk'], ['gpu', 'GPU']].map(([k, t]) => h('button', { class: `vcell c-${k}`, type: 'button', 'data-sort': k }, t)));
  const spacer = h('div', { class: 'vspacer' });
  const windowEl = h('div', { class: 'vwindow' });
  // The header scrolls with the rows (sticky), so its columns line up with theirs, scrollbar or not.
  const scroller = h('div', { class: 'vscroll', 'data-testid': 'nodes-scroll' }, header, spacer, windowEl);
  const panel = h('div', { class: 'panel flush nodes' }, scroller);
  root.append(panel);

  // ---- filtering and sorting: O(n) per update, the DOM only for what is on screen
  const sortValue = (r) => (sortKey === 'host' ? r[HOST] : sortKey === 'health' ? r[HEALTH] : sortKey === 'region' ? r[REGION] : sortKey === 'zone' ? r[ZONE] : sortKey === 'tasks' ? r[TASKS] : usage(r, sortKey));
  const refilter = () => {
    const text = search.value.trim().toLowerCase();
    const hv = healthSel.value, rv = regionSel.value, zv = zoneSel.value;
    list = [];
    for (const r of rows.values()) {
      if (hv && r[HEALTH] !== hv) continue;
      if (rv && r[REGION] !== rv) continue;
      if (zv && r[ZONE] !== zv) continue;
      if (text && !r[HOST].toLowerCase().includes(text) && !r[ADDRESS].includes(text)) continue;
      list.push(r);
    }
    list.sort((a, b) => {
      const x = sortValue(a), y = sortValue(b);
      return (x < y ? -1 : x > y ? 1 : a[HOST] < b[HOST] ? -1 : 1) * sortDir;
    });
    setText(count, `${list.length} of ${rows.size} nodes`);
  };
  const refreshOptions = () => {
    const fill = (sel, values, all) => {
      const want = [...values].filter(Boolean).sort();
      const have = [...sel.options].slice(1).map((o) => o.value);
      if (want.join('\n') === have.join('\n')) return;
      const current = sel.value;
      sel.replaceChildren(h('option', { value: '' }, all), ...want.map((v) => h('option', { value: v }, v)));
      sel.value = want.includes(current) ? current : '';
    };
    const regions = new Set(), zones = new Set();
    for (const r of rows.values()) {
      regions.add(r[REGION]);
      zones.add(r[ZONE]);
    }
    fill(regionSel, regions, 'All regions');
    fill(zoneSel, zones, 'All zones');
  };

  // ---- list rows, reused as the window scrolls
  const bar = () => {
    const fill = h('span', { class: 'bar-fill' });
    const label = h('span', { class: 'bar-label' });
    return { el: h('span', { class: 'bar' }, h('span', { class: 'bar-track' }, fill), label), fill, label };
  };
  const makeRow = () => {
    const c = {
      host: h('span', { class: 'host' }), addr: h('span', { class: 'addr' }),
      health: h('span', { class: 'badge' }), region: h('span', {}), zone: h('span', {}), tasks: h('span', {}),
      cpu: bar(), memory: bar(), disk: bar(), gpu: bar(),
    };
    c.el = h('div', { class: 'vrow', 'data-node': '' },
      h('div', { class: 'vcell c-host' }, c.host, c.addr), h('div', { class: 'vcell c-health' }, c.health), h('div', { class: 'vcell c-region' }, c.region),
      h('div', { class: 'vcell c-zone' }, c.zone), h('div', { class: 'vcell c-tasks' }, c.tasks),
      ...['cpu', 'memory', 'disk', 'gpu'].map((k) => h('div', { class: `vcell c-${k}` }, c[k].el)));
    return c;
  };
  const fillRow = (c, r) => {
    c.el.dataset.node = r[HOST];
    setText(c.host, r[HOST]);
    setText(c.addr, r[ADDRESS]);
    setText(c.health, r[HEALTH]);
    c.health.className = `badge ${HEALTH_CLASS[r[HEALTH]]}`;
    setText(c.region, r[REGION] || '—');
    setText(c.zone, r[ZONE] || '—');
    setText(c.tasks, r[TASKS]);
    for (const k of ['cpu', 'memory', 'disk', 'gpu']) {
      const [u, t] = RES[k];
      const p = percent(r[u], r[t]);
      c[k].fill.style.width = `${Math.min(100, p)}%`;
      c[k].fill.className = `bar-fill${p >= 90 ? ' hot' : ''}`;
      setText(c[k].label, t > 0 ? pct(p) : '—');
      c[k].el.title = `${amount(k, r[u])} of ${amount(k, r[t])}`;
    }
  };

  // ---- grid tiles: one dial per node
  const makeTile = () => {
    const t = { dial: h('span', { class: 'dial' }), value: h('span', { class: 'dial-value' }), host: h('span', { class: 'tile-host' }) };
    t.dial.append(t.value);
    t.el = h('a', { class: 'tile', 'data-node': '' }, t.dial, t.host);
    return t;
  };
  const fillTile = (t, r) => {
    const [u, total] = RES[resource];
    const p = percent(r[u], r[total]);
    t.el.dataset.node = r[HOST];
    t.el.className = `tile ${HEALTH_CLASS[r[HEALTH]]}`;
    t.el.title = `${r[HOST]} · ${r[HEALTH]} · ${RES_LABEL[resource]} ${amount(resource, r[u])} of ${amount(resource, r[total])}`;
    t.dial.style.setProperty('--p', String(Math.min(100, p)));
    setText(t.value, total > 0 ? pct(p) : '—');
    setText(t.host, r[HOST]);
  };

  const pool = [];
  const paint = () => {
    const offset = mode === 'grid' ? 0 : HEAD_H;
    const height = scroller.clientHeight || 600;
    const top = Math.max(0, scroller.scrollTop - offset);
    let perRow = 1, rowH = ROW_H;
    if (mode === 'grid') {
      perRow = Math.max(1, Math.floor((scroller.clientWidth - 16) / TILE_W));
      rowH = TILE_H;
    }
    const totalRows = Math.ceil(list.length / perRow);
    spacer.style.height = `${totalRows * rowH}px`;
    const first = Math.max(0, Math.floor(top / rowH) - 4);
    const last = Math.min(totalRows, Math.ceil((top + height) / rowH) + 4);
    windowEl.style.transform = `translateY(${offset + first * rowH}px)`;
    const from = first * perRow, to = Math.min(list.length, last * perRow);
    const need = to - from;
    while (pool.length < need) {
      const item = mode === 'grid' ? makeTile() : makeRow();
      pool.push(item);
      windowEl.append(item.el);
    }
    while (pool.length > need) pool.pop().el.remove();
    for (let i = 0; i < need; i++) (mode === 'grid' ? fillTile : fillRow)(pool[i], list[from + i]);
  };
  const resetPool = () => {
    pool.length = 0;
    windowEl.replaceChildren();
    panel.classList.toggle('grid-mode', mode === 'grid');
    header.hidden = mode === 'grid';
  };

  let frame = 0;
  const schedulePaint = () => {
    if (!frame) frame = requestAnimationFrame(() => {
      frame = 0;
      paint();
    });
  };
  scroller.addEventListener('scroll', schedulePaint, { passive: true });
  const resize = new ResizeObserver(schedulePaint);
  resize.observe(scroller);
  const onFilter = () => {
    refilter();
    scroller.scrollTop = 0;
    paint();
  };
  for (const el of [healthSel, regionSel, zoneSel]) el.addEventListener('change', onFilter);
  search.addEventListener('input', onFilter);
  resourceSel.addEventListener('change', () => {
    resource = resourceSel.value;
    paint();
  });
  const setMode = (m) => {
    mode = m;
    listBtn.classList.toggle('active', m === 'list');
    gridBtn.classList.toggle('active', m === 'grid');
    resetPool();
    paint();
  };
  listBtn.addEventListener('click', () => setMode('list'));
  gridBtn.addEventListener('click', () => setMode('grid'));
  header.addEventListener('click', (e) => {
    const key = e.target.closest('[data-sort]')?.dataset.sort;
    if (!key) return;
    sortDir = key === sortKey ? -sortDir : 1;
    sortKey = key;
    for (const b of header.children) b.dataset.dir = b.dataset.sort === key ? (sortDir > 0 ? 'asc' : 'desc') : '';
    refilter();
    paint();
  });

  let firstPainted = false;
  const close = stream('nodes', {
    full: (m) => {
      rows.clear();
      for (const r of m.rows) rows.set(r[HOST], r);
      refreshOptions();
      refilter();
      paint();
      if (!firstPainted) {
        firstPainted = true;
        // The time to first paint: the frame after the rows are in the DOM.
        requestAnimationFrame(() => (window.__dcosUi.nodesFirstPaint = performance.now()));
      }
    },
    delta: (d) => {
      for (const r of d.changed) rows.set(r[HOST], r);
      for (const host of d.removed) rows.delete(host);
      refreshOptions();
      refilter();
      paint();
    },
  });
  return () => {
    close();
    resize.disconnect();
    if (frame) cancelAnimationFrame(frame);
  };
}
