// A sponsored block's impressions and clicks per day: bars for impressions (left
// scale) and a line for clicks (right scale, since clicks are a small fraction of
// impressions and would vanish on one scale), drawn as inline SVG with DOM calls, and
// the same numbers in a table, which is what screen readers read.

import { h } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const HEIGHT = 220;
const PAD = { top: 14, right: 40, bottom: 30, left: 48 };

/** @typedef {import('./api.js').Schemas['DailyCount']} Day */

/**
 * An SVG element with attributes and children.
 * @param {string} tag
 * @param {Record<string, string | number>} [attrs]
 * @param {...(SVGElement | string)} children
 */
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

/**
 * The days from the first to the last, with the days that had no event as zeros, so
 * that the bars keep the calendar's spacing. Past a year, only the days given.
 * @param {Day[]} days
 * @returns {Day[]}
 */
export function fillDays(days) {
  if (days.length < 2) return days;
  const first = Date.parse(`${days[0]?.date}T00:00:00Z`);
  const last = Date.parse(`${days[days.length - 1]?.date}T00:00:00Z`);
  const span = Math.round((last - first) / 86_400_000);
  if (!(span > 0) || span > 366) return days;
  const byDate = new Map(days.map((d) => [d.date, d]));
  /** @type {Day[]} */
  const out = [];
  for (let i = 0; i <= span; i++) {
    const date = new Date(first + i * 86_400_000).toISOString().slice(0, 10);
    out.push(byDate.get(date) ?? { date, impressions: 0, clicks: 0 });
  }
  return out;
}

/**
 * A scale of four whole-number steps reaching at least `max`.
 * @param {number} max
 */
function scale(max) {
  const rough = Math.max(1, max / 4);
  const pow = 10 ** Math.floor(Math.log10(rough));
  const step = Math.max(1, ([1, 2, 2.5, 5, 10].map((m) => m * pow).find((v) => v >= rough && Number.isInteger(v)) ?? 10 * pow));
  return { step, top: step * 4 };
}

/**
 * A UTC day for people: "Dec 3", or with the year "Dec 3, 2026".
 * @param {string} date `YYYY-MM-DD`
 * @param {boolean} [withYear]
 */
function dayLabel(date, withYear = false) {
  return new Date(`${date}T00:00:00Z`).toLocaleDateString(undefined, { month: 'short', day: 'numeric', year: withYear ? 'numeric' : undefined, timeZone: 'UTC' });
}

const count = new Intl.NumberFormat();
/** @param {number} clicks @param {number} impressions */
function rate(clicks, impressions) {
  return impressions ? `${((clicks / impressions) * 100).toFixed(1)}%` : '–';
}

/**
 * Draws the chart `width` pixels wide (the SVG is drawn at the size it is shown, so
 * its text stays legible on a phone).
 * @param {Day[]} days
 * @param {number} width
 */
function draw(days, width) {
  const w = Math.max(260, Math.round(width));
  const plotW = w - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const imp = scale(Math.max(...days.map((d) => d.impressions)));
  const clk = scale(Math.max(...days.map((d) => d.clicks)));
  const band = plotW / days.length;
  const barW = Math.max(2, Math.min(band * 0.7, 48));
  const x = (/** @type {number} */ i) => PAD.left + band * i + band / 2;
  const yImp = (/** @type {number} */ v) => PAD.top + plotH - (v / imp.top) * plotH;
  const yClk = (/** @type {number} */ v) => PAD.top + plotH - (v / clk.top) * plotH;

  const grid = s('g', { class: 'grid' });
  for (let i = 0; i <= 4; i++) {
    const y = PAD.top + plotH - (i / 4) * plotH;
    grid.append(
      s('line', { x1: PAD.left, x2: w - PAD.right, y1: y, y2: y }),
      s('text', { x: PAD.left - 6, y: y + 4, 'text-anchor': 'end', class: 'tick imp' }, count.format(imp.step * i)),
      s('text', { x: w - PAD.right + 6, y: y + 4, 'text-anchor': 'start', class: 'tick clk' }, count.format(clk.step * i)),
    );
  }
  const bars = s('g', { class: 'bars' });
  const every = Math.ceil(days.length / Math.max(1, Math.floor(plotW / 64)));
  const labels = s('g', { class: 'labels' });
  days.forEach((d, i) => {
    const top = yImp(d.impressions);
    bars.append(s('rect', { x: x(i) - barW / 2, y: top, width: barW, height: PAD.top + plotH - top }));
    if (i % every === 0) labels.append(s('text', { x: x(i), y: HEIGHT - 10, 'text-anchor': 'middle', class: 'tick' }, dayLabel(d.date)));
  });
  const points = days.map((d, i) => `${x(i).toFixed(1)},${yClk(d.clicks).toFixed(1)}`).join(' ');
  const line = s('g', { class: 'line' }, s('polyline', { points }));
  if (days.length <= 62) days.forEach((d, i) => line.append(s('circle', { cx: x(i), cy: yClk(d.clicks), r: 3.5 })));
  return s(
    'svg',
    { width: w, height: HEIGHT, viewBox: `0 0 ${w} ${HEIGHT}`, 'aria-hidden': 'true', focusable: 'false' },
    grid,
    s('line', { class: 'axis', x1: PAD.left, x2: w - PAD.right, y1: PAD.top + plotH, y2: PAD.top + plotH }),
    bars,
    line,
    labels,
  );
}

/**
 * The chart and its table, for a block's stats.
 * @param {import('./api.js').Schemas['SponsoredStats']} stats
 */
export function statsChart(stats) {
  const summary = h(
    'dl',
    { class: 'facts stats-totals' },
    h('dt', null, 'Impressions'),
    h('dd', null, count.format(stats.impressions)),
    h('dt', null, 'Clicks'),
    h('dd', null, count.format(stats.clicks)),
    h('dt', null, 'Click-through rate'),
    h('dd', null, rate(stats.clicks, stats.impressions)),
  );
  if (stats.days.length === 0) return h('div', null, summary, h('p', { class: 'muted' }, 'No impressions or clicks recorded yet.'));
  const days = fillDays(stats.days);
  const box = h('div', { class: 'chart-box' });
  let drawnAt = 0;
  const redraw = () => {
    const width = box.clientWidth;
    if (!width || Math.abs(width - drawnAt) < 2) return;
    drawnAt = width;
    box.replaceChildren(draw(days, width));
  };
  new ResizeObserver(redraw).observe(box);
  const table = h(
    'table',
    { class: 'stats-table' },
    h('caption', null, 'Impressions and clicks by day (UTC)'),
    h('thead', null, h('tr', null, ['Day', 'Impressions', 'Clicks', 'Click rate'].map((t) => h('th', { scope: 'col' }, t)))),
    h(
      'tbody',
      null,
      stats.days.map((d) =>
        h('tr', null, h('th', { scope: 'row' }, h('time', { datetime: d.date }, dayLabel(d.date, true))), h('td', null, count.format(d.impressions)), h('td', null, count.format(d.clicks)), h('td', null, rate(d.clicks, d.impressions))),
      ),
    ),
    h('tfoot', null, h('tr', null, h('th', { scope: 'row' }, 'Total'), h('td', null, count.format(stats.impressions)), h('td', null, count.format(stats.clicks)), h('td', null, rate(stats.clicks, stats.impressions)))),
  );
  return h(
    'div',
    null,
    summary,
    h(
      'figure',
      { class: 'chart' },
      box,
      h(
        'figcaption',
        { class: 'legend' },
        h('span', { class: 'key imp' }, 'Impressions (bars, left scale)'),
        h('span', { class: 'key clk' }, 'Clicks (line, right scale)'),
      ),
    ),
    h('div', { class: 'table-wrap' }, table),
  );
}
