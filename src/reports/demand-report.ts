/**
 * GET /api/reports/demand: the sections in order, each from its own query module, with the
 * definitions, small-number suppression (R44) for the roles that need it, and data-quality notes.
 */
import type { Db } from '../../db/client.js';
import type { ForceConfig } from '../config/schema.js';
import { prepared, share } from './sql.js';
import { attendance } from './sections/attendance.js';
import { hoursReleased } from './sections/hours-released.js';
import { mhIncidents } from './sections/mh-incidents.js';
import { officerHours } from './sections/officer-hours.js';
import { handoverAtPlaceOfSafety } from './sections/handover-place-of-safety.js';
import { rcrp } from './sections/rcrp.js';
import { referralAcknowledgement } from './sections/referral-acknowledgement.js';
import { referrals } from './sections/referrals.js';
import { repeatDemand } from './sections/repeat-demand.js';
import { s136Detentions } from './sections/s136-detentions.js';
import { s136Outcomes } from './sections/s136-outcomes.js';
import { suppressValue, toRows } from './suppression.js';
import type { DataQualityNote, DemandReport, GroupBy, OutputSection, ReportParams, Section } from './types.js';

export const SECTIONS: readonly Section[] = [
  mhIncidents,
  officerHours,
  attendance,
  rcrp,
  referrals,
  referralAcknowledgement,
  hoursReleased,
  handoverAtPlaceOfSafety,
  s136Detentions,
  s136Outcomes,
  repeatDemand,
];

export const POPULATION =
  'Incidents recorded in this system (created here or imported from command-and-control extracts) whose call was ' +
  'received between the first and last day of the period, in force-local dates. Except in the first section, only ' +
  'MH-related incidents count (flag at close, else flag at call).';

export const SUPPRESSION_RULE = (t: number) =>
  `R44: in outputs for the PCC role any count below ${t} (0 included) is withheld, as is any figure derived from ` +
  `fewer than ${t} incidents, people or referrals (primary suppression); where a withheld figure could be worked ` +
  `out from a published total, the next smallest figure is withheld too (secondary suppression), whatever its size. ` +
  `Both are shown as "[c]". Totals stay true. No output carries personal identifiers.`;

export interface RunOptions {
  db: Db;
  config: ForceConfig;
  params: ReportParams;
  suppress: boolean;
  now: Date;
  /** Run only these sections (the evidence pack asks for some of them with another grouping). */
  only?: string[];
  groupByOverride?: Partial<Record<string, GroupBy | null>>;
  /** Rollup scans shared by the sections of one run (set by runDemandReport). */
  scans?: Map<string, import('./types.js').SectionResult>;
}

export function runSection(section: Section, o: RunOptions): OutputSection {
  const threshold = o.suppress ? o.config.reporting.suppressionThreshold : null;
  const wanted = o.groupByOverride?.[section.id] !== undefined ? o.groupByOverride[section.id]! : o.params.groupBy;
  const groupBy = wanted !== null && section.groupings.includes(wanted) ? wanted : null;
  const groupingNote =
    wanted !== null && groupBy === null
      ? `Shown for the whole period: this section cannot be grouped by ${wanted}.`
      : groupBy === 'agency' && section.agencyMeaning
        ? `Grouped by agency: ${section.agencyMeaning}.`
        : null;
  const r = section.query({ db: o.db, config: o.config, scans: o.scans }, o.params, groupBy);
  const { rows, total } = toRows(section, r.groups, r.total, threshold);
  return {
    id: section.id,
    title: section.title,
    status: 'available',
    definition: section.definition,
    groupBy,
    groupingNote,
    measures: section.measures.map(({ id, label, unit, definition }) => ({ id, label, unit, definition })),
    rows,
    total,
    notes: r.notes ?? [],
  };
}

function dataQuality(o: RunOptions): DataQualityNote[] {
  const threshold = o.suppress ? o.config.reporting.suppressionThreshold : null;
  const p = o.params;
  const t = prepared(
    o.db,
    `SELECT coalesce(sum(incidents), 0) AS incidents, coalesce(sum(close_flag_known), 0) AS closeFlagKnown,
    coalesce(sum(closed), 0) AS closed,
            coalesce(sum(imported), 0) AS imported, coalesce(sum(assignments_open), 0) AS assignmentsOpen,
            coalesce(sum(assignments), 0) AS assignments
     FROM demand_rollup WHERE dim = 'all' AND day BETWEEN ? AND ?`,
  ).get(p.from, p.to) as Record<string, number>;
  const noDistrict =
    (prepared(
      o.db,
      `SELECT coalesce(sum(incidents), 0) FROM demand_rollup WHERE dim = 'district' AND grp = '(none)' AND day ` +
        `BETWEEN ? AND ?`,
    )
      .pluck()
      .get(p.from, p.to) as number) ?? 0;
  const months = prepared(
    o.db,
    `SELECT DISTINCT substr(day, 1, 7) FROM demand_rollup WHERE dim = 'all' AND day BETWEEN ? AND ?`,
  )
    .pluck()
    .all(p.from, p.to) as string[];
  const withVolume = new Set(
    prepared(o.db, `SELECT month FROM incident_volumes WHERE district = '(all)'`).pluck().all() as string[],
  );
  const missingVolume = months.filter((m) => !withVolume.has(m)).length;
  const missingClose = t.incidents! - t.closeFlagKnown!;
  const note = (id: string, text: string, value: number | null, unit: DataQualityNote['unit']): DataQualityNote => {
    if (value === null) return { id, text, value: null, unit, suppressed: false };
    const s = suppressValue(value, unit === 'count', threshold);
    return { id, text, value: s.value, unit, suppressed: s.suppressed };
  };
  const missingShare = share(missingClose, t.incidents!);
  return [
    note(
      'missingCloseFlag',
      'Incidents without a flag at close (still open, or imported with the flag blank): they count as MH-related by ' +
        'their flag at call.',
      missingClose,
      'count',
    ),
    note(
      'missingCloseFlagShare',
      'Share of incidents without a flag at close.',
      missingShare !== null && threshold !== null && missingClose < threshold ? null : missingShare,
      'share',
    ),
    note(
      'openIncidents',
      'Incidents still open: their figures (hours, decisions, referral answers) may still change.',
      t.incidents! - t.closed!,
      'count',
    ),
    note(
      'assignmentsNotCleared',
      'Resource assignments on MH-related incidents not yet cleared: their officer-hours are not counted yet.',
      t.assignmentsOpen!,
      'count',
    ),
    note(
      'importedIncidents',
      'Historic incidents imported from command-and-control extracts: they carry no THRIVE, subject, detention or ' +
        'referral acknowledgement details, at most one referral, and RCRP decisions without threshold answers.',
      t.imported!,
      'count',
    ),
    note('noDistrict', 'Incidents without a district (grouped as "(none)" by district).', noDistrict, 'count'),
    note(
      'monthsWithoutVolume',
      'Months in the period with no all-incidents total from command and control: the share of all incidents is not ' +
        'known for them.',
      missingVolume,
      null,
    ),
  ];
}

export function runDemandReport(o: RunOptions): DemandReport {
  const threshold = o.config.reporting.suppressionThreshold;
  const run = { ...o, scans: new Map() };
  const sections = SECTIONS.filter((s) => !o.only || o.only.includes(s.id)).map((s) => runSection(s, run));
  return {
    title: `Mental-health demand on ${o.config.force.name}`,
    force: o.config.force.name,
    period: { from: o.params.from, to: o.params.to, timeZone: o.config.force.timezone },
    groupBy: o.params.groupBy,
    generatedAt: o.now.toISOString(),
    population: POPULATION,
    suppression: { applied: o.suppress, threshold, rule: SUPPRESSION_RULE(threshold) },
    sections,
    dataQuality: dataQuality(o),
    labels: Object.fromEntries([...o.config.agencies, ...o.config.categories].map((x) => [x.code, x.label])),
  };
}
