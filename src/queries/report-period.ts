/**
 * The periods the report page offers: the financial years with data, and the one it opens on (the
 * last complete financial year with data), so the default never moves because one incident was entered.
 */
import type { Db } from '../../db/client.js';
import type { Clock } from '../clock.js';
import { localDay } from '../domain/demand-ledger.js';
import { defaultReportPeriod, type FinancialYear, financialYearsWithData } from '../reports/period.js';

export function reportPagePeriods(
  db: Db,
  clock: Clock,
  timeZone: string,
): { years: FinancialYear[]; selected: FinancialYear } {
  const years = financialYearsWithData(db);
  return { years, selected: defaultReportPeriod(years, localDay(clock.now().toISOString(), timeZone)) };
}
