/**
 * Report periods as a reader names them: financial years (R43: 1 April to 31 March, force-local
 * dates), the previous equal period a figure is compared with, and the default period of the
 * reports page — the last complete financial year with data, so that entering one new incident
 * never moves it.
 */
import type { Db } from '../../db/client.js';
import { prepared } from './sql.js';

export interface Period {
  from: string;
  to: string;
}

/** A financial year: its dates and its name ("2025/26"). */
export type FinancialYear = Period & { label: string };

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const utc = (day: string) => Date.parse(`${day}T00:00:00Z`);
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const lastOfMonth = (y: number, m: number) => isoDay(Date.UTC(y, m, 0));

/** The financial year starting 1 April of `startYear`. */
export function financialYear(startYear: number): FinancialYear {
  return {
    from: `${startYear}-04-01`,
    to: `${startYear + 1}-03-31`,
    label: `${startYear}/${String((startYear + 1) % 100).padStart(2, '0')}`,
  };
}

/** The start year of the financial year a local date falls in. */
export const financialYearStart = (day: string) => {
  const y = Number(day.slice(0, 4));
  return day.slice(5) >= '04-01' ? y : y - 1;
};

/** "2025/26" when the period is exactly one financial year, else null. */
export function financialYearLabel(p: Period): string | null {
  const fy = financialYear(financialYearStart(p.from));
  return fy.from === p.from && fy.to === p.to ? fy.label : null;
}

/** "1 April 2025 to 31 March 2026". */
export function longDate(day: string): string {
  return `${Number(day.slice(8, 10))} ${MONTHS[Number(day.slice(5, 7)) - 1]} ${day.slice(0, 4)}`;
}
export const periodText = (p: Period) => `${longDate(p.from)} to ${longDate(p.to)}`;

/** How a reader names the period in a sentence: "2025/26" or "1 April 2025 to 31 May 2025". */
export const periodName = (p: Period) => financialYearLabel(p) ?? periodText(p);

/**
 * The period of the same length just before `p`. A period of whole calendar months (a financial
 * year, a quarter) moves back by its number of months, so 2025/26 compares with 2024/25 whatever
 * the leap days; any other period moves back by its number of days.
 */
export function previousPeriod(p: Period): Period {
  const [fy, fm] = p.from.split('-').map(Number) as [number, number];
  const [ty, tm] = p.to.split('-').map(Number) as [number, number];
  if (p.from.endsWith('-01') && p.to === lastOfMonth(ty, tm)) {
    const months = (ty - fy) * 12 + (tm - fm) + 1;
    const start = new Date(Date.UTC(fy, fm - 1 - months, 1));
    return { from: isoDay(start.getTime()), to: isoDay(utc(p.from) - 86_400_000) };
  }
  const days = Math.round((utc(p.to) - utc(p.from)) / 86_400_000) + 1;
  return { from: isoDay(utc(p.from) - days * 86_400_000), to: isoDay(utc(p.from) - 86_400_000) };
}

/** Financial years holding at least one incident, newest first (the reports page's picker). */
export function financialYearsWithData(db: Db): FinancialYear[] {
  const { first, last } = prepared(
    db,
    `SELECT min(day) AS first, max(day) AS last FROM demand_rollup WHERE dim = 'all'`,
  ).get() as { first: string | null; last: string | null };
  if (!first || !last) return [];
  const years: FinancialYear[] = [];
  const has = prepared(db, `SELECT 1 FROM demand_rollup WHERE dim = 'all' AND day BETWEEN ? AND ? LIMIT 1`).pluck();
  for (let y = financialYearStart(last); y >= financialYearStart(first); y--) {
    const fy = financialYear(y);
    if (has.get(fy.from, fy.to)) years.push(fy);
  }
  return years;
}

/**
 * The default report period: the last financial year that has ended (by `today`, a force-local
 * date) and holds data; with none, the financial year of the latest data; with no data at all,
 * the last financial year that has ended.
 */
export function defaultReportPeriod(years: FinancialYear[], today: string): FinancialYear {
  const complete = years.find((y) => y.to < today);
  if (complete) return complete;
  if (years[0]) return years[0];
  return financialYear(financialYearStart(today) - 1);
}
