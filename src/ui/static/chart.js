// A percentage over time (0-100%), drawn by uPlot: small, canvas-based, no build step, and fast
// enough to redraw an hour of 2-second samples on every update.
import uPlot from './vendor/uplot/uPlot.esm.js';

// Seconds only when the chart spans a few minutes, so two ticks never read the same.
function clockLabels(vals) {
  const short = vals.length > 1 && vals[vals.length - 1] - vals[0] < 180;
  const format = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', ...(short ? { second: '2-digit' } : {}) };
  return vals.map((v) => new Date(v * 1000).toLocaleTimeString([], format));
}

const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

export function percentChart(el, { color = css('--accent'), height = 120 } = {}) {
  const axis = { stroke: css('--muted'), grid: { stroke: css('--grid'), width: 1 }, ticks: { show: false }, font: '11px system-ui, sans-serif' };
  const plot = new uPlot(
    {
      width: Math.max(120, el.clientWidth),
      height,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: { x: { time: true }, y: { range: [0, 100] } },
      axes: [
        { ...axis, space: 70, size: 22, values: (_u, vals) => clockLabels(vals) },
        { ...axis, size: 40, splits: () => [0, 50, 100], values: (_u, vals) => vals.map((v) => `${v}%`) },
      ],
      series: [{}, { stroke: color, fill: `${color}33`, width: 2, points: { show: false } }],
    },
    [[], []],
    el,
  );
  const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(120, el.clientWidth), height }));
  resize.observe(el);
  return {
    set(xs, ys) {
      plot.setData([xs, ys]);
    },
    destroy() {
      resize.disconnect();
      plot.destroy();
    },
  };
}
