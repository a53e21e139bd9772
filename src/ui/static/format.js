// Figures as DC/OS printed them: shares with two decimals, bytes in binary units, percentages with one.
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function bytes(n) {
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  const shown = v < 10 ? Math.round(v * 10) / 10 : Math.round(v);
  return `${shown} ${UNITS[u]}`;
}

export const mib = (n) => (n === 0 ? '0 B' : bytes(n * 1024 * 1024));

export function shares(n) {
  return String(Math.round(n * 100) / 100);
}

export function percent(used, total) {
  return total > 0 ? (used / total) * 100 : 0;
}

export function pct(p) {
  return `${Math.round(p * 10) / 10}%`;
}

export function ago(iso) {
  if (!iso) return '—';
  const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (s < 60) return `${Math.round(s)}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}

export function time(iso) {
  return iso ? new Date(iso).toLocaleString() : '—';
}
