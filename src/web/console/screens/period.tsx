/**
 * The period picker of the MH lead's screens: a financial year (those with data, newest first; by
 * default the last complete one, as the reports page — so the screen never moves because one
 * incident was entered), custom dates, or (where a screen allows it) all dates. Dates are the
 * force's local dates; the period is [from 00:00, the day after `to` 00:00) in its time zone.
 * Custom dates are typed day/month/year (a browser's date field follows the PC's locale, often
 * American), as every date field of the console (format.ts).
 */
import { localMidnight } from '../../../reports/adr-return.js';
import type { FinancialYear } from '../../../reports/period.js';
import { fromLocalDate } from '../format.js';

export interface PickedPeriod {
  /** The picker's value: a financial year's label, 'custom' or 'all'. */
  choice: string;
  /** Local dates (inclusive), or null for all dates. */
  from: string | null;
  to: string | null;
  /** The instants the queries take: [fromIso, toIso). */
  fromIso: string | undefined;
  toIso: string | undefined;
  /** How a person names it: "2025/26", "01/05/2026 to 31/05/2026" or "all dates". */
  label: string;
}

const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

export function readPeriod(
  q: Record<string, string | undefined>,
  periods: { years: FinancialYear[]; selected: FinancialYear },
  timeZone: string,
  allowAll: boolean,
): PickedPeriod {
  const choice = q.period ?? periods.selected.label;
  const fy = [...periods.years, periods.selected].find((y) => y.label === choice);
  const [from, to] = [fromLocalDate(q.from ?? ''), fromLocalDate(q.to ?? '')];
  const custom = choice === 'custom' && from !== null && to !== null && from <= to;
  if (allowAll && choice === 'all')
    return { choice, from: null, to: null, fromIso: undefined, toIso: undefined, label: 'all dates' };
  const p = custom
    ? { from: from!, to: to!, label: `${dayMonthYear(from!)} to ${dayMonthYear(to!)}` }
    : (fy ?? periods.selected);
  return {
    choice: custom ? 'custom' : (fy ?? periods.selected).label,
    from: p.from,
    to: p.to,
    fromIso: localMidnight(p.from, timeZone),
    toIso: localMidnight(nextDay(p.to), timeZone),
    label: custom ? p.label : (fy ?? periods.selected).label,
  };
}

/** "2026-05-01" as a British date field shows it: "01/05/2026". */
const dayMonthYear = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;

/** The picker's fields, inside a screen's filter form. */
export function PeriodFields({
  picked,
  periods,
  allowAll,
}: {
  picked: PickedPeriod;
  periods: { years: FinancialYear[]; selected: FinancialYear };
  allowAll: boolean;
}) {
  const years = periods.years.some((y) => y.label === periods.selected.label)
    ? periods.years
    : [periods.selected, ...periods.years];
  return (
    <>
      <label for="f-period">Period</label>
      <select id="f-period" name="period" data-key-focus>
        {years.map((y) => (
          <option value={y.label} selected={picked.choice === y.label}>
            {y.label} (1 April {y.from.slice(0, 4)} to 31 March {y.to.slice(0, 4)})
          </option>
        ))}
        {allowAll ? (
          <option value="all" selected={picked.choice === 'all'}>
            All dates
          </option>
        ) : null}
        <option value="custom" selected={picked.choice === 'custom'}>
          Custom dates (below)
        </option>
      </select>
      <label for="f-from">From</label>
      <input
        id="f-from"
        name="from"
        type="text"
        inputmode="numeric"
        placeholder="dd/mm/yyyy"
        size={10}
        aria-describedby="f-dates-hint"
        value={picked.choice === 'custom' && picked.from ? dayMonthYear(picked.from) : ''}
      />
      <label for="f-to">To</label>
      <input
        id="f-to"
        name="to"
        type="text"
        inputmode="numeric"
        placeholder="dd/mm/yyyy"
        size={10}
        aria-describedby="f-dates-hint"
        value={picked.choice === 'custom' && picked.to ? dayMonthYear(picked.to) : ''}
      />
      <span id="f-dates-hint" class="visually-hidden">
        Custom dates: day/month/year, with "Custom dates" chosen as the period
      </span>
    </>
  );
}

const dayTimeFormats = new Map<string, Intl.DateTimeFormat>();
/** "31 Mar 2026, 19:44" in the force's zone: a review looks back over years, so the year is always shown. */
export function dayTime(iso: string, timeZone: string): string {
  let f = dayTimeFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    dayTimeFormats.set(timeZone, f);
  }
  return f.format(new Date(iso));
}

/** "Other hospital" for a label that starts a table cell. */
export const capitalised = (s: string) => `${s.slice(0, 1).toUpperCase()}${s.slice(1)}`;
