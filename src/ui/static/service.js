// One service: its figures, its tasks (DC/OS's task table), the last task failure, conditions and
// recent events. Read-only.
import { h, setText } from './dom.js';
import { ago, mib, shares, time } from './format.js';

const HEALTH_CLASS = { Healthy: 'ok', Unhealthy: 'bad', Idle: 'idle', NA: 'na' };
const STATE_CLASS = { TASK_RUNNING: 'ok', TASK_STAGING: 'busy', TASK_FINISHED: 'na', TASK_FAILED: 'bad', TASK_KILLING: 'warn', TASK_UNREACHABLE: 'bad' };

const table = (columns, rows, empty) =>
  h('table', { class: 'table' }, h('thead', {}, h('tr', {}, ...columns.map((c) => h('th', {}, c)))), h('tbody', {}, ...(rows.length > 0 ? rows : [h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, empty))])));

export function mount(root, { stream, params }) {
  const { namespace, name } = params;
  const head = h('div', { class: 'service-head' });
  const tasks = h('section', { class: 'panel flush', 'data-testid': 'tasks' });
  const failure = h('section', { class: 'panel', hidden: true });
  const conditions = h('section', { class: 'panel flush', 'data-testid': 'conditions' });
  const events = h('section', { class: 'panel flush', 'data-testid': 'events' });
  root.append(h('nav', { class: 'crumbs' }, h('a', { href: '#/services' }, 'Services'), ' › ', namespace, ' › ', h('strong', {}, name)), head, h('h3', {}, 'Tasks'), tasks, failure, h('div', { class: 'split' }, h('div', {}, h('h3', {}, 'Conditions'), conditions), h('div', {}, h('h3', {}, 'Recent events'), events)));

  const stat = (label, value, id, wide) => h('div', { class: wide ? 'stat wide' : 'stat' }, h('div', { class: 'stat-label' }, label), h('div', { class: 'stat-value', 'data-testid': id }, value));
  const render = (v) => {
    if (!v.found) {
      head.replaceChildren(h('div', { class: 'panel' }, h('p', {}, `There is no DcosService ${namespace}/${name} (it may have been deleted).`)));
      tasks.replaceChildren();
      return;
    }
    const r = v.row;
    head.replaceChildren(
      h('div', { class: 'panel stats' },
        stat('Status', h('span', { class: `status ${r.status === 'Running' ? 'ok' : r.status === 'Failed' ? 'bad' : 'busy'}`, title: r.statusMessage }, r.status), 'status'),
        stat('Health', h('span', { class: `badge ${HEALTH_CLASS[r.health]}` }, r.health), 'health'),
        stat('Instances', `${r.running}/${r.wanted}`, 'instances'),
        stat('CPU', shares(r.cpus), 'cpu'),
        stat('Mem', mib(r.mem), 'mem'),
        stat('Disk', mib(r.disk), 'disk'),
        stat('GPU', String(r.gpus), 'gpu'),
        stat('Image', h('span', { class: 'ellipsis mono', title: r.image }, r.image || '—'), 'image', true),
        stat('App id', h('span', { class: 'mono' }, r.appId), 'appid', true),
        r.package ? stat('Package', h('a', { href: '#/services' }, r.package), 'package') : null,
      ),
    );
    tasks.replaceChildren(
      table(
        ['Task (pod)', 'Node', 'State', 'Health', 'Started', 'Restarts', 'Last failure'],
        v.tasks.map((t) =>
          h('tr', { 'data-task': t.pod },
            h('td', { class: 'mono ellipsis', title: t.pod }, t.pod),
            h('td', { class: 'ellipsis' }, t.node || '—'),
            h('td', {}, h('span', { class: `status ${STATE_CLASS[t.state] ?? 'na'}` }, t.state)),
            h('td', {}, h('span', { class: `badge ${HEALTH_CLASS[t.health]}` }, t.health)),
            h('td', { title: time(t.started) }, ago(t.started)),
            h('td', { class: 'num-left' }, String(t.restarts)),
            h('td', { class: 'failure' }, t.lastFailure ? `${t.lastFailure.exitCode !== undefined ? `exit ${t.lastFailure.exitCode}` : t.lastFailure.reason}${t.lastFailure.reason && t.lastFailure.exitCode !== undefined ? ` (${t.lastFailure.reason})` : ''}: ${t.lastFailure.message}` : '—'),
          ),
        ),
        'No tasks: instances is 0, or they have not been created yet.',
      ),
    );
    const f = v.lastTaskFailure;
    failure.hidden = !f;
    if (f) failure.replaceChildren(h('h2', {}, 'Last task failure'), h('p', { 'data-testid': 'last-failure' }, `${time(f.time)} · ${f.taskId ?? ''} · ${f.exitCode !== undefined ? `exit code ${f.exitCode} · ` : ''}${f.message}`));
    conditions.replaceChildren(
      table(['Type', 'Status', 'Reason', 'Message', 'Since'], v.conditions.map((c) => h('tr', {}, h('td', {}, c.type), h('td', {}, c.status), h('td', {}, c.reason), h('td', { class: 'wrap' }, c.message), h('td', { title: time(c.lastTransitionTime) }, ago(c.lastTransitionTime)))), 'No conditions yet.'),
    );
    events.replaceChildren(
      table(['Type', 'Reason', 'Message', 'When'], v.events.map((e) => h('tr', { class: e.type === 'Warning' ? 'warning' : '' }, h('td', {}, e.type), h('td', {}, e.reason), h('td', { class: 'wrap' }, e.note + (e.count > 1 ? ` (×${e.count})` : '')), h('td', { title: time(e.time) }, ago(e.time)))), 'No recent events.'),
    );
  };
  setText(head, '');
  return stream(`service/${namespace}/${name}`, { full: render, delta: render });
}
