/**
 * The evidence pack's charts as standalone SVG (no page CSS needed, so each downloads as a file a
 * PCC can drop into a paper): a title, a subtitle naming the measure and period, axes with units,
 * gridlines, categories sorted by value (largest first; months stay in time order), a withheld
 * value drawn as no bar and labelled "[c]", and the Okabe–Ito colour-blind-safe palette. The
 * previous equal period is drawn beside each month in a second colour, named in a legend.
 */
import { formatNumber } from './format.js';
import { SUPPRESSED } from './suppression.js';
import type { Unit } from './types.js';

/** Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency. */
export const OKABE_ITO = {
  blue: '#0072B2',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  green: '#009E73',
  vermillion: '#D55E00',
  purple: '#CC79A7',
  yellow: '#F0E442',
  black: '#000000',
} as const;

export interface Bar {
  label: string;
  value: number | null;
  suppressed: boolean;
}

export interface ChartText {
  title: string;
  /** The measure and period, e.g. "Officer-hours, 1 April 2025 to 31 March 2026". */
  subtitle: string;
  /** The value axis title with its unit, e.g. "Officer-hours". */
  axis: string;
  unit: Unit;
}

const FONT = 'Arial, Helvetica, sans-serif';
const INK = '#1b1b1b';
const GRID = '#d9d9d9';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Gridline step: 1, 2, 2.5 or 5 × a power of ten, for about `n` intervals up to `max`. */
export function niceTicks(max: number, n = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / n;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let v = 0; v < max + step - 1e-9; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  return ticks;
}

const tickText = (v: number, unit: Unit) => (unit === 'share' ? `${Math.round(v * 100)}%` : formatNumber(v, unit));
const valueText = (b: Bar, unit: Unit) =>
  b.suppressed
    ? SUPPRESSED
    : b.value === null
      ? '—'
      : unit === 'share'
        ? `${(b.value * 100).toFixed(1)}%`
        : formatNumber(b.value, unit);

function open(id: string, t: ChartText, w: number, h: number, desc: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="${id}-t ${id}-d" ` +
    `viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" font-family="${FONT}" font-size="12" fill="${INK}">` +
    `<title id="${id}-t">${esc(t.title)}</title><desc id="${id}-d">${esc(desc)}</desc>` +
    `<rect width="${w}" height="${h}" fill="#ffffff"/>` +
    `<text x="0" y="16" font-size="14" font-weight="bold">${esc(t.title)}</text>` +
    `<text x="0" y="34" fill="#444444">${esc(t.subtitle)}</text>`
  );
}

const describe = (bars: Bar[], unit: Unit) => bars.map((b) => `${b.label}: ${valueText(b, unit)}`).join('; ');

/** Sorted by value, largest first; withheld and missing values last, in their given order. */
export function byValue(bars: Bar[]): Bar[] {
  const known = bars.filter((b) => !b.suppressed && b.value !== null).sort((a, b) => b.value! - a.value!);
  return [...known, ...bars.filter((b) => b.suppressed || b.value === null)];
}

/** Horizontal bars, one category a row, sorted by value. */
export function horizontalBars(id: string, t: ChartText, input: Bar[], width = 680): string {
  const bars = byValue(input);
  const narrow = width < 500;
  const labelW = narrow ? Math.round(width * 0.48) : Math.min(250, Math.round(width * 0.38));
  const rowH = bars.length > 8 ? 18 : 20;
  const top = 44;
  const plotW = width - labelW - (narrow ? 44 : 60);
  const plotH = bars.length * rowH;
  const h = top + plotH + 40;
  const ticks = niceTicks(Math.max(0, ...bars.map((b) => (b.suppressed ? 0 : (b.value ?? 0)))), narrow ? 3 : 5);
  const max = ticks[ticks.length - 1]!;
  const x = (v: number) => labelW + (plotW * v) / max;
  const maxChars = Math.floor(labelW / 5.6);
  const grid = ticks
    .map(
      (v) =>
        `<line x1="${x(v).toFixed(1)}" y1="${top}" x2="${x(v).toFixed(1)}" y2="${top + plotH}" stroke="${GRID}"/>` +
        `<text x="${x(v).toFixed(1)}" y="${top + plotH + 15}" text-anchor="middle" font-size="11">` +
        `${tickText(v, t.unit)}</text>`,
    )
    .join('');
  const rows = bars
    .map((b, i) => {
      const y = top + i * rowH;
      const label = b.label.length > maxChars ? `${b.label.slice(0, maxChars - 1)}…` : b.label;
      const bw = !b.suppressed && b.value ? Math.max(1, x(b.value) - labelW) : 0;
      return (
        `<text x="${labelW - 6}" y="${y + 14}" text-anchor="end" font-size="11">${esc(label)}` +
        (label === b.label ? '' : `<title>${esc(b.label)}</title>`) +
        '</text>' +
        (bw
          ? `<rect x="${labelW}" y="${y + 4}" width="${bw.toFixed(1)}" height="${rowH - 7}" fill="${OKABE_ITO.blue}"/>`
          : '') +
        `<text class="value" x="${(labelW + bw + 5).toFixed(1)}" y="${y + 14}" font-size="11">` +
        `${esc(valueText(b, t.unit))}</text>`
      );
    })
    .join('');
  return (
    open(id, t, width, h, describe(bars, t.unit)) +
    grid +
    `<line x1="${labelW}" y1="${top}" x2="${labelW}" y2="${top + plotH}" stroke="#555555"/>` +
    rows +
    `<text x="${labelW + plotW / 2}" y="${h - 6}" text-anchor="middle" font-size="11" fill="#444444">` +
    `${esc(t.axis)}</text></svg>`
  );
}

export interface MonthSeries {
  name: string;
  bars: Bar[];
}

/**
 * Vertical bars by month: the period's months in order, each with the same month of the previous
 * period beside it (when given) in the second colour, and a legend naming both.
 */
export function monthBars(id: string, t: ChartText, current: MonthSeries, previous: MonthSeries | null, width = 680) {
  const n = Math.max(1, current.bars.length);
  const left = 56;
  const top = 58;
  const plotW = width - left - 10;
  const plotH = 120;
  const h = top + plotH + 46;
  const values = [...current.bars, ...(previous?.bars ?? [])].map((b) => (b.suppressed ? 0 : (b.value ?? 0)));
  const ticks = niceTicks(Math.max(0, ...values), 4);
  const max = ticks[ticks.length - 1]!;
  const y = (v: number) => top + plotH - (plotH * v) / max;
  const slot = plotW / n;
  const barW = previous ? slot * 0.36 : slot * 0.6;
  const grid = ticks
    .map(
      (v) =>
        `<line x1="${left}" y1="${y(v).toFixed(1)}" x2="${width - 10}" y2="${y(v).toFixed(1)}" stroke="${GRID}"/>` +
        `<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11">` +
        `${tickText(v, t.unit)}</text>`,
    )
    .join('');
  const bar = (b: Bar | undefined, x0: number, colour: string) => {
    if (!b) return '';
    if (b.suppressed || !b.value)
      return b.suppressed
        ? `<text x="${(x0 + barW / 2).toFixed(1)}" y="${top + plotH - 4}" text-anchor="middle" font-size="9">` +
            `${SUPPRESSED}</text>`
        : '';
    return (
      `<rect x="${x0.toFixed(1)}" y="${y(b.value).toFixed(1)}" width="${barW.toFixed(1)}" ` +
      `height="${(top + plotH - y(b.value)).toFixed(1)}" fill="${colour}"/>`
    );
  };
  const bars = current.bars
    .map((b, i) => {
      const x0 = left + i * slot + (slot - (previous ? barW * 2 + 2 : barW)) / 2;
      return (
        (previous ? bar(previous.bars[i], x0, OKABE_ITO.orange) : '') +
        bar(b, previous ? x0 + barW + 2 : x0, OKABE_ITO.blue) +
        `<text x="${(left + i * slot + slot / 2).toFixed(1)}" y="${top + plotH + 15}" text-anchor="middle" ` +
        `font-size="11">${esc(b.label)}</text>`
      );
    })
    .join('');
  const legend = (previous ? [previous, current] : [current])
    .map((s, i) => {
      const x0 = width - 10 - (previous ? 2 - i : 1) * 150;
      const colour = s === current ? OKABE_ITO.blue : OKABE_ITO.orange;
      return (
        `<rect x="${x0}" y="40" width="12" height="12" fill="${colour}"/>` +
        `<text x="${x0 + 17}" y="50">${esc(s.name)}</text>`
      );
    })
    .join('');
  const desc =
    `${current.name}: ${describe(current.bars, t.unit)}` +
    (previous ? `. ${previous.name}: ${describe(previous.bars, t.unit)}` : '');
  return (
    open(id, t, width, h, desc) +
    legend +
    grid +
    `<line x1="${left}" y1="${top + plotH}" x2="${width - 10}" y2="${top + plotH}" stroke="#555555"/>` +
    bars +
    `<text x="14" y="${top + plotH / 2}" text-anchor="middle" font-size="11" fill="#444444" ` +
    `transform="rotate(-90 14 ${top + plotH / 2})">${esc(t.axis)}</text>` +
    `<text x="${left + plotW / 2}" y="${h - 6}" text-anchor="middle" font-size="11" fill="#444444">Month</text></svg>`
  );
}
