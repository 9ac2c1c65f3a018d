// charts.js - small hand-written SVG charts: trend lines, horizontal bars
// (with a target mark), stacked columns and sparklines.  Each chart is an
// image with a text alternative (role="img" and aria-label) and comes with
// its numbers as a table behind a disclosure, for screen readers and for
// anyone who wants the figures.  Colours come from CSS classes.

import { h, svg } from './dom.js';
import { t } from './i18n.js';

// The drawing's width in SVG units.  On a phone the chart is drawn narrower
// so that, scaled to the screen, its text keeps the size the CSS gives it
// (a 640-unit chart on a 390 px phone would shrink 12 px labels to 7 px).
let W = 640;
const narrow = () => typeof window !== 'undefined' && window.matchMedia && window.matchMedia('(max-width: 600px)').matches;
function setWidth() {
  W = narrow() ? 360 : 640;
  return W;
}

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/**
 * The left margin that fits the y-axis labels @texts: their width estimated
 * from the characters (a CJK character an em, others about 0.6), at the
 * larger font size of the care mode so that switching it clips nothing.
 */
function axisMargin(texts) {
  const em = 15;
  const width = (s) => [...String(s)].reduce((w, c) => w + (c.codePointAt(0) >= 0x2e80 ? 1 : 0.6), 0) * em;
  return Math.max(40, Math.ceil(Math.max(0, ...texts.map(width))) + 10);
}

/** The figures of a chart as a table inside <details>. */
export function dataTable(caption, head, rows) {
  return h('details', { class: 'chart-data' },
    h('summary', null, t('chart.showData')),
    h('div', { class: 'table-wrap' }, h('table', null,
      h('caption', { class: 'sr-only' }, caption),
      h('thead', null, h('tr', null, head.map((c, i) => h('th', { scope: 'col', class: i ? 'num' : null }, c)))),
      h('tbody', null, rows.map((r) => h('tr', null, r.map((c, i) => (i ? h('td', { class: 'num' }, c) : h('th', { scope: 'row' }, c)))))))));
}

/**
 * Lines over @labels: @series [{name, values (numbers or null), cls}],
 * @fmt(v) formats axis and table values.
 */
export function lineChart(title, labels, series, fmt, { height = 220, partial = -1 } = {}) {
  setWidth();
  const H = height;
  const all = series.flatMap((s) => s.values).filter((v) => v !== null && v !== undefined);
  const max = niceMax(Math.max(0, ...all));
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const pad = { l: axisMargin(ticks.map((f) => fmt(max * f))), r: 12, t: 12, b: 28 };
  const x = (i) => pad.l + (labels.length > 1 ? (i * (W - pad.l - pad.r)) / (labels.length - 1) : 0);
  const y = (v) => pad.t + (H - pad.t - pad.b) * (1 - v / max);
  const grid = ticks.map((f) => [
    svg('line', { x1: pad.l, x2: W - pad.r, y1: y(max * f), y2: y(max * f), class: 'grid' }),
    svg('text', { x: pad.l - 6, y: y(max * f) + 4, class: 'axis', 'text-anchor': 'end' }, fmt(max * f)),
  ]);
  const step = Math.ceil(labels.length / (W < 500 ? 6 : 12));
  // A first label longer than the rest (it names the year: "2026年1月") is
  // anchored at its start, and the next label gives it room.
  const longFirst = labels.length > 2 && String(labels[0]).length > String(labels[1]).length + 2;
  const xl = labels.map((l, i) => (i % step || (longFirst && i === step) ? null : svg('text', { x: x(i), y: H - 8, class: 'axis', 'text-anchor': i ? 'middle' : 'start' }, l)));
  // The partial (current) month: reached by a dashed segment, its dot hollow,
  // so that a month not yet over does not read as a collapse.
  const lines = series.map((s) => {
    let d = '';
    let dp = '';
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null || v === undefined) { pen = false; return; }
      const pt = `${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      if (i === partial) {
        const pv = s.values[i - 1];
        if (pen && pv !== null && pv !== undefined) dp = `M${x(i - 1).toFixed(1)},${y(pv).toFixed(1)}L${pt}`;
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${pt}`;
      pen = true;
    });
    const dots = s.values.map((v, i) => (v === null || v === undefined ? null : svg('circle', { cx: x(i), cy: y(v), r: 3, class: `dot ${s.cls}${i === partial ? ' partial' : ''}` })));
    return [svg('path', { d, class: `line ${s.cls}` }), dp ? svg('path', { d: dp, class: `line ${s.cls} partial`, 'data-partial': '' }) : null, dots];
  });
  const summary = series.map((s) => {
    const vals = s.values.filter((v) => v !== null && v !== undefined);
    return vals.length ? `${s.name}: ${fmt(vals[0])} → ${fmt(vals[vals.length - 1])}` : `${s.name}: —`;
  }).join('; ');
  return h('figure', { class: 'chart' },
    h('figcaption', null, title),
    svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${title}. ${summary}${partial >= 0 ? `. ${t('chart.partial', { period: labels[partial] })}` : ''}`, preserveAspectRatio: 'xMidYMid meet' }, grid, xl, lines),
    legend(series),
    partial >= 0 ? h('p', { class: 'partial-note', 'data-test': 'partial-note' }, h('span', { class: 'partial-key', 'aria-hidden': 'true' }), t('chart.partial', { period: labels[partial] })) : null,
    dataTable(title, [t('chart.period'), ...series.map((s) => s.name)], labels.map((l, i) => [i === partial ? `${l} ${t('chart.partialMark')}` : l, ...series.map((s) => fmt(s.values[i]))])));
}

function legend(series) {
  return h('ul', { class: 'legend' }, series.map((s) => h('li', null, h('span', { class: `swatch ${s.cls}`, 'aria-hidden': 'true' }), s.name)));
}

/**
 * Horizontal bars: @items [{label, value, target?, href?}]; @fmt formats.
 * Bars are sorted by the caller.  A target draws a mark on the bar.
 */
export function barChart(title, items, fmt, { cls = 's1', max: fixedMax } = {}) {
  setWidth();
  const rowH = items.length <= 4 ? 44 : 26;
  const pad = W < 500 ? { l: 112, r: 72, t: 4 } : { l: 150, r: 90, t: 4 };
  const H = pad.t + items.length * rowH + 4;
  const max = fixedMax || niceMax(Math.max(0, ...items.flatMap((i) => [i.value || 0, i.target || 0])));
  const x = (v) => pad.l + ((W - pad.l - pad.r) * v) / max;
  const rows = items.map((it, i) => {
    const yy = pad.t + i * rowH;
    const cut = W < 500 ? 8 : 12;
    const label = it.label.length > cut ? `${it.label.slice(0, cut - 1)}…` : it.label;
    return [
      svg('text', { x: pad.l - 8, y: yy + rowH / 2 + 4, class: 'axis label', 'text-anchor': 'end' }, label),
      svg('rect', { x: pad.l, y: yy + 4, width: Math.max(0, x(it.value || 0) - pad.l), height: rowH - 9, class: `bar ${cls}`, rx: 2 }),
      it.target !== null && it.target !== undefined ? svg('line', { x1: x(it.target), x2: x(it.target), y1: yy + 1, y2: yy + rowH - 2, class: 'target-mark' }) : null,
      svg('text', { x: x(it.value || 0) + 6, y: yy + rowH / 2 + 4, class: 'axis value' }, fmt(it.value)),
    ];
  });
  const hasTarget = items.some((i) => i.target !== null && i.target !== undefined);
  return h('figure', { class: 'chart' },
    h('figcaption', null, title),
    svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${title}. ${items.map((i) => `${i.label} ${fmt(i.value)}`).join('; ')}` }, rows),
    hasTarget ? h('p', { class: 'legend-note' }, h('span', { class: 'target-key', 'aria-hidden': 'true' }), t('chart.targetMark')) : null,
    dataTable(title, [t('chart.item'), t('chart.value'), ...(hasTarget ? [t('chart.target')] : [])], items.map((i) => [i.label, fmt(i.value), ...(hasTarget ? [fmt(i.target)] : [])])));
}

/**
 * Stacked columns: @labels along x, @series [{name, values, cls}] stacked.
 */
export function stackedColumns(title, labels, series, fmt, { height = 200 } = {}) {
  setWidth();
  const H = height;
  const totals = labels.map((_, i) => series.reduce((s, se) => s + (se.values[i] || 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const ticks = [0, 0.5, 1];
  const pad = { l: axisMargin(ticks.map((f) => fmt(max * f))), r: 8, t: 10, b: 26 };
  const bw = Math.min(48, (W - pad.l - pad.r) / Math.max(1, labels.length));
  const y = (v) => pad.t + (H - pad.t - pad.b) * (1 - v / max);
  const cols = labels.map((l, i) => {
    let acc = 0;
    return series.map((se) => {
      const v = se.values[i] || 0;
      const r = svg('rect', { x: pad.l + i * bw + 2, y: y(acc + v), width: Math.max(1, bw - 4), height: Math.max(0, y(acc) - y(acc + v)), class: `bar ${se.cls}` });
      acc += v;
      return r;
    });
  });
  const step = Math.ceil(labels.length / (W < 500 ? 6 : 10));
  const xl = labels.map((l, i) => (i % step ? null : svg('text', { x: pad.l + i * bw + bw / 2, y: H - 8, class: 'axis', 'text-anchor': 'middle' }, l)));
  const grid = ticks.map((f) => [
    svg('line', { x1: pad.l, x2: W - pad.r, y1: y(max * f), y2: y(max * f), class: 'grid' }),
    svg('text', { x: pad.l - 6, y: y(max * f) + 4, class: 'axis', 'text-anchor': 'end' }, fmt(max * f)),
  ]);
  const sums = series.map((s) => `${s.name} ${fmt(s.values.reduce((a, b) => a + (b || 0), 0))}`).join('; ');
  return h('figure', { class: 'chart' },
    h('figcaption', null, title),
    svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `${title}. ${sums}` }, grid, cols, xl),
    legend(series),
    dataTable(title, [t('chart.period'), ...series.map((s) => s.name)], labels.map((l, i) => [l, ...series.map((s) => fmt(s.values[i] || 0))])));
}

/** A small trend line for a card (decorative: the card states the figures). */
export function sparkline(values) {
  const vals = values.map((v) => (v === null || v === undefined ? null : v));
  const nums = vals.filter((v) => v !== null);
  if (nums.length < 2) return null;
  const w = 120;
  const hh = 32;
  const min = Math.min(...nums);
  const max = Math.max(...nums);
  const span = max - min || 1;
  let d = '';
  let pen = false;
  vals.forEach((v, i) => {
    if (v === null) { pen = false; return; }
    const xx = (i * w) / (vals.length - 1);
    const yy = hh - 3 - ((v - min) / span) * (hh - 6);
    d += `${pen ? 'L' : 'M'}${xx.toFixed(1)},${yy.toFixed(1)}`;
    pen = true;
  });
  return svg('svg', { class: 'spark', viewBox: `0 0 ${w} ${hh}`, 'aria-hidden': 'true', focusable: 'false' }, svg('path', { d, class: 'line s1' }));
}

/** A horizontal meter (0..1+) for attainment, as an image with its value. */
export function meter(frac, labelText) {
  const f = Math.max(0, Math.min(1.2, frac || 0));
  const cls = frac === null || frac === undefined ? 'none' : frac >= 1 ? 'good' : frac >= 0.8 ? 'fair' : 'poor';
  return svg('svg', { class: `meter ${cls}`, viewBox: '0 0 120 8', role: 'img', 'aria-label': labelText, preserveAspectRatio: 'none' },
    svg('rect', { x: 0, y: 0, width: 120, height: 8, class: 'meter-bg', rx: 4 }),
    svg('rect', { x: 0, y: 0, width: (Math.min(f, 1) * 120).toFixed(1), height: 8, class: 'meter-fg', rx: 4 }));
}
