/**
 * Comparisons and rates for the evidence pack: each headline figure beside the same figure for the
 * previous equal period, the change between them, and a rate per 100,000 people of the force area
 * (population from the configuration); s.136 detentions per 100,000 beside the national rate from
 * the published series. A change or rate is withheld ("[c]") whenever a figure it uses is (R44).
 */
import type { ForceConfig } from '../config/schema.js';
import type { Cell } from './format.js';
import { financialYearLabel, type Period } from './period.js';
import type { DemandReport, OutputRow, OutputSection, Unit } from './types.js';

export interface Change {
  /** 'percent': relative change of a count, hours or minutes; 'points': change of a share in percentage points. */
  kind: 'percent' | 'points';
  value: number | null;
  suppressed: boolean;
}

export interface Headline {
  id: string;
  label: string;
  unit: Unit;
  definition: string;
  current: Cell;
  previous: Cell;
  change: Change;
  /** Per 100,000 people in the force area, for the period (null when not a rate figure or no population). */
  rate: Cell | null;
  previousRate: Cell | null;
}

export const section = (r: DemandReport, id: string): OutputSection => {
  const s = r.sections.find((x) => x.id === id);
  if (!s) throw new Error(`the report has no section ${id}`);
  return s;
};

export const cellOf = (row: OutputRow, id: string): Cell => ({
  value: row.suppressed.includes(id) ? null : (row.cells[id] ?? null),
  suppressed: row.suppressed.includes(id),
});

/** The period total of one figure. */
export const total = (r: DemandReport, sectionId: string, id: string): Cell => cellOf(section(r, sectionId).total, id);

/** The sum of two figures, withheld if either is. */
export function sum(a: Cell, b: Cell, digits = 1): Cell {
  if (a.suppressed || b.suppressed) return { value: null, suppressed: true };
  if (a.value === null || b.value === null) return { value: null, suppressed: false };
  const f = 10 ** digits;
  return { value: Math.round((a.value + b.value) * f) / f, suppressed: false };
}

/**
 * The change from `previous` to `current`: for a share, the difference in percentage points (one
 * decimal); otherwise the relative change in per cent, to one decimal (none when the previous figure
 * is 0 or missing). Shown to the nearest whole per cent, or to one decimal below 1%.
 */
export function change(current: Cell, previous: Cell, unit: Unit): Change {
  const kind = unit === 'share' ? 'points' : 'percent';
  if (current.suppressed || previous.suppressed) return { kind, value: null, suppressed: true };
  if (current.value === null || previous.value === null) return { kind, value: null, suppressed: false };
  if (kind === 'points')
    return { kind, value: Math.round((current.value - previous.value) * 1000) / 10, suppressed: false };
  if (previous.value === 0) return { kind, value: null, suppressed: false };
  return {
    kind,
    value: Math.round(((current.value - previous.value) / previous.value) * 1000) / 10,
    suppressed: false,
  };
}

/** Per 100,000 people, to one decimal place. */
export function per100k(c: Cell, population: number | null): Cell | null {
  if (population === null) return null;
  if (c.suppressed) return { value: null, suppressed: true };
  if (c.value === null) return { value: null, suppressed: false };
  return { value: Math.round((c.value / population) * 100_000 * 10) / 10, suppressed: false };
}

interface HeadlineSpec {
  id: string;
  label: string;
  unit: Unit;
  definition: string;
  cell(r: DemandReport): Cell;
  rate?: boolean;
}

const measureDefinition = (sectionId: string, id: string) => (r: DemandReport) =>
  section(r, sectionId).measures.find((m) => m.id === id)!.definition;

/** The headline figures of the summary, in reading order. */
export const HEADLINES: ReadonlyArray<
  Omit<HeadlineSpec, 'definition'> & { definition: string | ((r: DemandReport) => string) }
> = [
  {
    id: 'mhRelated',
    label: 'MH-related incidents',
    unit: 'count',
    definition: measureDefinition('mhIncidents', 'mhRelated'),
    cell: (r) => total(r, 'mhIncidents', 'mhRelated'),
    rate: true,
  },
  {
    id: 'shareOfAllIncidents',
    label: 'Share of all incidents',
    unit: 'share',
    definition: measureDefinition('mhIncidents', 'shareOfAllIncidents'),
    cell: (r) => total(r, 'mhIncidents', 'shareOfAllIncidents'),
  },
  {
    id: 'officerHours',
    label: 'Officer-hours',
    unit: 'hours',
    definition: measureDefinition('officerHours', 'officerHours'),
    cell: (r) => total(r, 'officerHours', 'officerHours'),
    rate: true,
  },
  {
    id: 'waitingHours',
    label: 'Officer-hours waiting at A&E or a place of safety',
    unit: 'hours',
    definition:
      'Officer-hours in segments spent waiting at an emergency department or at a health-based place of safety.',
    cell: (r) => sum(total(r, 'officerHours', 'hoursWaitingEd'), total(r, 'officerHours', 'hoursWaitingHbpos')),
  },
  {
    id: 'attendanceMetShare',
    label: 'Attended within the grade target',
    unit: 'share',
    definition: measureDefinition('attendance', 'attendanceMetShare'),
    cell: (r) => total(r, 'attendance', 'attendanceMetShare'),
  },
  {
    id: 'notDeployedShare',
    label: 'RCRP decisions not to deploy police',
    unit: 'share',
    definition: measureDefinition('rcrp', 'notDeployedShare'),
    cell: (r) => total(r, 'rcrp', 'notDeployedShare'),
  },
  {
    id: 'referrals',
    label: 'Referrals to partner agencies',
    unit: 'count',
    definition: measureDefinition('referrals', 'referrals'),
    cell: (r) => total(r, 'referrals', 'referrals'),
    rate: true,
  },
  {
    id: 'medianAnswerMinutes',
    label: 'Median time for a partner to answer a referral',
    unit: 'minutes',
    definition: measureDefinition('referrals', 'medianAnswerMinutes'),
    cell: (r) => total(r, 'referrals', 'medianAnswerMinutes'),
  },
  {
    id: 'releasedOfficerHours',
    label: 'Officer-hours on incidents later handed to partners',
    unit: 'hours',
    definition: measureDefinition('hoursReleased', 'releasedOfficerHours'),
    cell: (r) => total(r, 'hoursReleased', 'releasedOfficerHours'),
  },
  {
    id: 's136Detentions',
    label: 's.136 detentions',
    unit: 'count',
    definition: measureDefinition('s136Detentions', 'detentions'),
    cell: (r) => total(r, 's136Detentions', 'detentions'),
    rate: true,
  },
  {
    id: 'medianHandoverMinutes',
    label: 'Median handover time at a place of safety',
    unit: 'minutes',
    definition: measureDefinition('handoverAtPlaceOfSafety', 'medianHandoverMinutes'),
    cell: (r) => total(r, 'handoverAtPlaceOfSafety', 'medianHandoverMinutes'),
  },
  {
    id: 'over60Share',
    label: 'Place-of-safety handovers over the one-hour expectation',
    unit: 'share',
    definition: measureDefinition('handoverAtPlaceOfSafety', 'over60Share'),
    cell: (r) => total(r, 'handoverAtPlaceOfSafety', 'over60Share'),
  },
];

export function headlines(current: DemandReport, previous: DemandReport, population: number | null): Headline[] {
  return HEADLINES.map((h) => {
    const cur = h.cell(current);
    const prev = h.cell(previous);
    return {
      id: h.id,
      label: h.label,
      unit: h.unit,
      definition: typeof h.definition === 'string' ? h.definition : h.definition(current),
      current: cur,
      previous: prev,
      change: change(cur, prev, h.unit),
      rate: h.rate ? per100k(cur, population) : null,
      previousRate: h.rate ? per100k(prev, population) : null,
    };
  });
}

export interface NationalS136 {
  /** The financial year of the national figure ("2023/24"). */
  year: string;
  /** Whether it is the same financial year as the report (else the latest published before it). */
  sameYear: boolean;
  detentions: number;
  population: number;
  rate: number;
  source: string;
  populationSource: string;
}

/**
 * The national s.136 rate to set beside the force's: the same financial year when the series has it,
 * else the latest published year before it. Only for a report period that is one financial year
 * (a rate over another length of time is not comparable with an annual one).
 */
export function nationalS136(config: ForceConfig, p: Period): NationalS136 | null {
  const n = config.reporting.nationalS136;
  const label = financialYearLabel(p);
  if (!n || !label) return null;
  const years = Object.keys(n.byYear)
    .filter((y) => y <= label)
    .sort();
  const year = years.includes(label) ? label : years[years.length - 1];
  if (!year) return null;
  const detentions = n.byYear[year]!;
  return {
    year,
    sameYear: year === label,
    detentions,
    population: n.population.value,
    rate: Math.round((detentions / n.population.value) * 100_000 * 10) / 10,
    source: n.source,
    populationSource: `${n.population.description}: ${n.population.source}`,
  };
}
