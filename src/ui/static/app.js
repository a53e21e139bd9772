// The single page: routes (by the URL hash, so every server path works, proxies included), the
// theme, sign-in when the operator asks for a token, and the live-connection badge.
import { h, clear } from './dom.js';
import { openStream, setToken, token } from './live.js';
import * as dashboard from './dashboard.js';
import * as services from './services.js';
import * as service from './service.js';
import * as nodes from './nodes.js';

const page = document.getElementById('page');
const title = document.getElementById('title');
const live = document.getElementById('live');
const notice = document.getElementById('notice');
const themeButton = document.getElementById('theme');

window.__dcosUi = { renders: [], errors: [] };

// ---- theme
function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  themeButton.textContent = theme === 'dark' ? 'Light' : 'Dark';
}
const storedTheme = localStorage.getItem('dcos-ui-theme');
applyTheme(storedTheme ?? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'));
themeButton.addEventListener('click', () => {
  const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
  localStorage.setItem('dcos-ui-theme', next);
  applyTheme(next);
  route(); // charts pick their colours up when they are made
});

// ---- notices and sign-in
function showNotice(text) {
  notice.hidden = !text;
  notice.textContent = text ?? '';
}

function setLive(state) {
  live.dataset.state = state;
  live.textContent = { live: 'Live', reconnecting: 'Reconnecting', connecting: 'Connecting', denied: 'Signed out', standby: 'Standby' }[state] ?? state;
}

function signIn(status, message) {
  setLive('denied');
  const input = h('textarea', { id: 'token-input', rows: 4, placeholder: 'eyJhbGciOi…', spellcheck: 'false', autocomplete: 'off' });
  const form = h(
    'form',
    {
      class: 'panel signin',
      onsubmit: (e) => {
        e.preventDefault();
        setToken(input.value.trim());
        route();
      },
    },
    h('h2', {}, status === 403 ? 'Not allowed' : 'Sign in'),
    h('p', { class: 'muted' }, message),
    h('p', {}, 'Paste a Kubernetes bearer token whose user may ', h('code', {}, 'get dcosclusters'), ', for example from ', h('code', {}, 'kubectl create token <service-account> -n <namespace>'), '. It stays in this tab only.'),
    input,
    h('div', { class: 'row' }, h('button', { class: 'button primary', type: 'submit' }, 'Sign in'), token() ? h('button', { class: 'button', type: 'button', onclick: () => { setToken(''); route(); } }, 'Forget token') : null),
  );
  clear(page).append(form);
}

/** What pages call to go live: the view, then its changes. */
function stream(topic, handlers) {
  setLive('connecting');
  return openStream(topic, {
    full: (v) => {
      showNotice('');
      const t0 = performance.now();
      handlers.full(v);
      window.__dcosUi.renders.push({ topic, kind: 'full', ms: performance.now() - t0 });
    },
    delta: (d) => {
      const t0 = performance.now();
      handlers.delta(d);
      const entry = { topic, kind: 'delta', ms: performance.now() - t0, frameMs: undefined };
      window.__dcosUi.renders.push(entry);
      // Until the frame with the change is on screen: style, layout and paint included.
      requestAnimationFrame(() => setTimeout(() => (entry.frameMs = performance.now() - t0)));
      window.__dcosUi.updates = (window.__dcosUi.updates ?? 0) + 1;
    },
    denied: (status, message) => signIn(status, message),
    unavailable: (message) => {
      setLive('standby');
      showNotice(message);
    },
    state: setLive,
  });
}

// ---- routes
let unmount = () => {};
const PAGES = [
  { match: /^#\/services\/([^/]+)\/([^/]+)$/, page: service, nav: 'services', title: (m) => decodeURIComponent(m[2]) },
  { match: /^#\/services\/?$/, page: services, nav: 'services', title: () => 'Services' },
  { match: /^#\/nodes\/?$/, page: nodes, nav: 'nodes', title: () => 'Nodes' },
  { match: /^#\/dashboard\/?$/, page: dashboard, nav: 'dashboard', title: () => 'Dashboard' },
];

function route() {
  unmount();
  showNotice('');
  const hash = location.hash || '#/dashboard';
  const found = PAGES.map((p) => ({ p, m: p.match.exec(hash) })).find((x) => x.m) ?? { p: PAGES[3], m: [] };
  for (const a of document.querySelectorAll('.sidebar a')) a.classList.toggle('active', a.dataset.page === found.p.nav);
  title.textContent = found.p.title(found.m);
  document.title = `${title.textContent} · DC/OS`;
  clear(page);
  const params = found.m.length > 2 ? { namespace: decodeURIComponent(found.m[1]), name: decodeURIComponent(found.m[2]) } : {};
  unmount = found.p.page.mount(page, { stream, params }) ?? (() => {});
}

window.addEventListener('hashchange', route);
window.addEventListener('error', (e) => window.__dcosUi.errors.push(String(e.message)));
route();
