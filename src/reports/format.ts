/**
 * How a figure reads in the evidence pack, its prose and its charts: one formatter per unit, and
 * "[c]" for a withheld figure, so a table, a chart label and a sentence never disagree.
 */
import { SUPPRESSED } from './suppression.js';
import type { Unit } from './types.js';

/** A figure of a report: its value, or withheld (R44). */
export interface Cell {
  value: number | null;
  suppressed: boolean;
}

const num = (v: number, digits: number) =>
  v.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: 0 });

/** "1,234", "1,234.5", "12.3%", "95 min"; "[c]" when withheld; "—" when there is no figure. */
export function formatCell(c: Cell, unit: Unit | 'rate'): string {
  if (c.suppressed) return SUPPRESSED;
  if (c.value === null) return '—';
  if (unit === 'share') return `${(c.value * 100).toFixed(1)}%`;
  if (unit === 'minutes') return `${num(c.value, 0)} min`;
  if (unit === 'rate') return c.value.toLocaleString('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  if (unit === 'hours') return num(c.value, 1);
  return num(c.value, 0);
}

/** The same figure without its unit suffix (chart axes, workbook cells carry the unit in their heading). */
export function formatNumber(v: number, unit: Unit | 'rate'): string {
  if (unit === 'share') return `${Math.round(v * 100)}%`;
  return num(v, unit === 'hours' || unit === 'rate' ? 1 : 0);
}
