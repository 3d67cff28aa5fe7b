/**
 * The evidence pack for the PCC: the demand report for the period and for the previous equal
 * period (same queries, same suppression), the headline figures with their change and rates, key
 * findings written from the figures, and the charts with the CSV behind each. Rendered as one
 * self-contained HTML document (pack-html.ts), a ZIP of CSVs and charts, and a workbook (workbook.ts).
 */
import { stringify } from 'csv-stringify/sync';
import { strToU8, zipSync } from 'fflate';
import type { ForceConfig } from '../config/schema.js';
import { byValue, horizontalBars, monthBars, type Bar } from './charts.js';
import { cellOf, type Headline, headlines, type NationalS136, nationalS136, section } from './comparison.js';
import { CSV_COLUMNS, reportCsv } from './csv.js';
import { runDemandReport, type RunOptions } from './demand-report.js';
import { keyFindings } from './findings.js';
import { financialYearLabel, type Period, periodName, periodText, previousPeriod } from './period.js';
import { SUPPRESSED, suppressionNote } from './suppression.js';
import type { DemandReport, OutputRow, OutputSection } from './types.js';

export type PackOptions = Omit<RunOptions, 'groupByOverride' | 'params'> & { params: Period };

/** The demand report as the pack uses it: by month, referrals by agency. */
export function evidenceReport(o: PackOptions): DemandReport {
  return runDemandReport({ ...o, params: { ...o.params, groupBy: 'month' }, groupByOverride: { referrals: 'agency' } });
}

export interface NamedPeriod extends Period {
  /** "2025/26" or "1 April 2025 to 31 May 2025". */
  name: string;
  /** "1 April 2025 to 31 March 2026". */
  text: string;
}

export interface Chart {
  id: string;
  title: string;
  /** One of the four charts of the summary. */
  key: boolean;
  /** The section the chart belongs to. */
  section: string;
  svg: string;
  csv: string;
}

export interface EvidencePack {
  report: DemandReport;
  previous: DemandReport;
  period: NamedPeriod;
  previousPeriod: NamedPeriod;
  previousHasData: boolean;
  headlines: Headline[];
  findings: string[];
  national: NationalS136 | null;
  population: ForceConfig['reporting']['population'];
  marking: string;
  charts: Chart[];
}

const named = (p: Period): NamedPeriod => ({ ...p, name: periodName(p), text: periodText(p) });

export function evidencePack(o: PackOptions): EvidencePack {
  const report = evidenceReport(o);
  const prev = previousPeriod(o.params);
  const previous = evidenceReport({ ...o, params: prev });
  const population = o.config.reporting.population;
  const hs = headlines(report, previous, population?.value ?? null);
  const previousHasData = (section(previous, 'mhIncidents').total.cells.incidents ?? 0) > 0;
  const previousName = financialYearLabel(prev) ?? 'the previous period';
  const national = nationalS136(o.config, o.params);
  const period = named(o.params);
  const previousPeriodNamed = named(prev);
  return {
    report,
    previous,
    period,
    previousPeriod: previousPeriodNamed,
    previousHasData,
    headlines: hs,
    findings: keyFindings({ report, headlines: hs, previousName, previousHasData, national }),
    national,
    population,
    marking: o.config.reporting.protectiveMarking,
    charts: charts(report, previous, period, previousPeriodNamed),
  };
}

// Charts -----------------------------------------------------------------------------------------

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export const monthLabel = (m: string) => `${MONTHS[Number(m.slice(5, 7)) - 1]} ${m.slice(2, 4)}`;

const measure = (s: OutputSection, id: string) => s.measures.find((m) => m.id === id)!;

function bar(row: OutputRow, id: string, label: string): Bar & { id: string } {
  const c = cellOf(row, id);
  return { id, label, value: c.value, suppressed: c.suppressed };
}

const csvValue = (b: Bar) => (b.suppressed ? SUPPRESSED : b.value === null ? '' : b.value);

/** A chart's data as CSV; a withheld value reads "[c]", with the reason on its own row (R44). */
function chartCsv(rows: Array<Record<string, string | number | null>>, threshold: number | null): string {
  const noted = rows.map((r) => ({
    ...r,
    note: threshold !== null && Object.values(r).includes(SUPPRESSED) ? suppressionNote(threshold) : '',
  }));
  return stringify(noted, { header: true });
}

/** Every category that occurred, and any withheld (a withheld 0 must not stand out by its absence). */
function occurred(s: OutputSection, prefix: string, extra: string): string[] {
  const ids = s.measures
    .filter((m) => m.id.startsWith(prefix) && (s.total.cells[m.id] !== 0 || s.total.suppressed.includes(m.id)))
    .map((m) => m.id);
  return [...ids, extra];
}

export function charts(r: DemandReport, prev: DemandReport, period: NamedPeriod, previous: NamedPeriod): Chart[] {
  const t = r.suppression.applied ? r.suppression.threshold : null;
  const mh = section(r, 'mhIncidents');
  const mhPrev = section(prev, 'mhIncidents');
  const hours = section(r, 'officerHours');
  const rc = section(r, 'rcrp');
  const ref = section(r, 'referrals');
  const s136 = section(r, 's136Detentions');
  const outcomes = section(r, 's136Outcomes');
  const sub = (what: string) => `${what}, ${period.text}`;

  const trend = mh.rows.map((row) => bar(row, 'mhRelated', monthLabel(row.group).slice(0, 3)));
  const trendPrev = mhPrev.rows.length === mh.rows.length ? mhPrev.rows.map((row) => bar(row, 'mhRelated', '')) : [];
  const segIds = hours.measures.filter((m) => m.id.startsWith('hours') && m.id !== 'hours').map((m) => m.id);
  const capital = (s: string) => `${s[0]!.toUpperCase()}${s.slice(1)}`;
  const segments = segIds.map((id) =>
    bar(hours.total, id, capital(measure(hours, id).label.replace('Officer-hours: ', ''))),
  );
  const decisions = ['decisionDeploy', 'decisionJoint', 'decisionHandover', 'decisionAdvice', 'decisionNone'].map(
    (id) => bar(rc.total, id, measure(rc, id).label),
  );
  const agencies = ref.rows.map((row) => ({
    ...bar(row, 'medianAnswerMinutes', r.labels[row.group] ?? row.group),
    agency: row.group,
    referrals: cellOf(row, 'referrals'),
  }));
  const places = occurred(s136, 'pos_', 'posNone').map((id) =>
    bar(s136.total, id, capital(measure(s136, id).label.replace('First place of safety: ', ''))),
  );
  const conveyance = occurred(s136, 'conv_', 'convNone').map((id) =>
    bar(s136.total, id, capital(measure(s136, id).label.replace('Conveyed by ', ''))),
  );
  const outcomeBars = occurred(outcomes, 'outcome_', 'running').map((id) =>
    bar(outcomes.total, id, capital(measure(outcomes, id).label.replace('Outcome: ', ''))),
  );
  const sorted = <B extends Bar>(bars: B[]) => byValue(bars) as B[];

  return [
    {
      id: 'monthly-trend',
      title: 'MH-related incidents by month',
      key: true,
      section: 'mhIncidents',
      svg: monthBars(
        'monthly-trend',
        { title: 'MH-related incidents by month', subtitle: sub('Incidents'), axis: 'Incidents', unit: 'count' },
        { name: period.name.length > 12 ? 'This period' : period.name, bars: trend },
        trendPrev.length
          ? { name: previous.name.length > 12 ? 'Previous period' : previous.name, bars: trendPrev }
          : null,
      ),
      csv: chartCsv(
        mh.rows.map((row, i) => ({
          month: row.group,
          measure: 'mhRelated',
          value: csvValue(trend[i]!),
          suppressed: String(trend[i]!.suppressed),
          previousMonth: mhPrev.rows[i]?.group ?? '',
          previousValue: trendPrev[i] ? csvValue(trendPrev[i]!) : '',
        })),
        t,
      ),
    },
    {
      id: 'hours-by-segment',
      title: 'Officer-hours by activity',
      key: true,
      section: 'officerHours',
      svg: horizontalBars(
        'hours-by-segment',
        { title: 'Officer-hours by activity', subtitle: sub('Officer-hours'), axis: 'Officer-hours', unit: 'hours' },
        segments,
        334,
      ),
      csv: chartCsv(
        sorted(segments).map((b) => ({
          activity: b.id,
          label: b.label,
          value: csvValue(b),
          suppressed: String(b.suppressed),
        })),
        t,
      ),
    },
    {
      id: 'rcrp-outcomes',
      title: 'RCRP decisions',
      key: true,
      section: 'rcrp',
      svg: horizontalBars(
        'rcrp-outcomes',
        { title: 'RCRP decisions', subtitle: sub('Incidents in RCRP scope'), axis: 'Incidents', unit: 'count' },
        decisions,
        334,
      ),
      csv: chartCsv(
        sorted(decisions).map((b) => ({ decision: b.label, value: csvValue(b), suppressed: String(b.suppressed) })),
        t,
      ),
    },
    {
      id: 'agency-answer-times',
      title: 'Median time for partner agencies to answer a referral',
      key: true,
      section: 'referrals',
      svg: horizontalBars(
        'agency-answer-times',
        {
          title: 'Median time for partner agencies to answer a referral',
          subtitle: sub('Minutes from referral to acceptance or decline, by agency'),
          axis: 'Minutes (median)',
          unit: 'minutes',
        },
        agencies,
      ),
      csv: chartCsv(
        sorted(agencies).map((b) => ({
          agency: b.agency,
          label: b.label,
          referrals: csvValue(b.referrals as Bar),
          medianAnswerMinutes: csvValue(b),
          value: csvValue(b),
          suppressed: String(b.suppressed),
        })),
        t,
      ),
    },
    ...(
      [
        ['s136-by-place-of-safety', 's.136 detentions by first place of safety', places, 'firstPlaceOfSafety'],
        ['s136-by-conveyance', 's.136 detentions by conveyance to the first place of safety', conveyance, 'conveyance'],
        ['s136-outcomes', 's.136 detentions by outcome', outcomeBars, 'outcome'],
      ] as const
    ).map(([id, title, bars, key]) => ({
      id,
      title,
      key: false,
      section: id === 's136-outcomes' ? 's136Outcomes' : 's136Detentions',
      svg: horizontalBars(id, { title, subtitle: sub('Detentions'), axis: 'Detentions', unit: 'count' }, bars),
      csv: chartCsv(
        sorted(bars).map((b) => ({
          [key]: key === 'outcome' ? b.id.replace('outcome_', '') : b.id,
          label: b.label,
          value: csvValue(b),
          suppressed: String(b.suppressed),
        })),
        t,
      ),
    })),
  ];
}

// ZIP --------------------------------------------------------------------------------------------

export function evidencePackZip(pack: EvidencePack): Uint8Array {
  const r = pack.report;
  const t = r.suppression.applied ? r.suppression.threshold : null;
  const files: Record<string, Uint8Array> = {};
  for (const c of pack.charts) files[`${c.id}.csv`] = strToU8(c.csv);
  files['demand-report.csv'] = strToU8(reportCsv(r));
  const quality = r.dataQuality.map((n) => [
    n.id,
    n.suppressed ? SUPPRESSED : n.value === null ? '' : String(n.value),
    n.unit ?? '',
    n.text,
  ]);
  if (t !== null) quality.push(['symbol', SUPPRESSED, '', suppressionNote(t)]);
  files['data-quality.csv'] = strToU8(stringify(quality, { header: true, columns: ['note', 'value', 'unit', 'text'] }));
  files['definitions.csv'] = strToU8(
    stringify(
      r.sections.flatMap((s) => s.measures.map((m) => [s.id, s.status, m.id, m.label, m.unit, m.definition])),
      { header: true, columns: ['section', 'status', 'measure', 'label', 'unit', 'definition'] },
    ),
  );
  files['README.txt'] = strToU8(
    `${r.title}\n${pack.marking}\nPeriod ${pack.period.text} (${r.period.timeZone}); generated ${r.generatedAt}.\n\n` +
      `${r.population}\n\n` +
      (t !== null
        ? `${r.suppression.rule}\n${suppressionNote(t)}`
        : 'Small-number suppression NOT applied: do not publish as is.') +
      '\n\nFiles: one CSV per chart in the evidence pack (each chart downloads as SVG from the pack), ' +
      'demand-report.csv ' +
      `(every figure, columns ${CSV_COLUMNS.join(', ')}), data-quality.csv, definitions.csv.\n`,
  );
  return zipSync(files, { level: 6, mtime: new Date(r.generatedAt) });
}
