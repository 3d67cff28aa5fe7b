/** MH-flagged incidents: how many, flags at call and at close, their agreement, share of all incidents. */
import { prepared, sectionSums, share } from '../sql.js';
import type { AvailableSection, GroupBy, ReportParams, SectionContext, Sums } from '../types.js';

const COLUMNS = [
  'incidents',
  'mh_flag_at_call',
  'mh_flag_at_close',
  'close_flag_known',
  'flags_agree',
  'flagged_at_call_only',
  'flagged_at_close_only',
  'closed',
  'imported',
  'mh_related',
];

/** Months (YYYY-MM) lying wholly inside [from, to]. */
function wholeMonths(from: string, to: string): string[] {
  const out: string[] = [];
  let [y, m] = from.slice(0, 7).split('-').map(Number) as [number, number];
  if (from.slice(8) !== '01') m++;
  for (;;) {
    if (m > 12) {
      y++;
      m = 1;
    }
    const month = `${y}-${String(m).padStart(2, '0')}`;
    const last = new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
    if (last > to) break;
    out.push(month);
    m++;
  }
  return out;
}

/**
 * The denominator for "share of all incidents": the command-and-control total of ALL incidents,
 * from incident_volumes, for months wholly inside the period that have one; the MH-related count
 * over the same months is the numerator.
 */
function volumes(ctx: SectionContext, p: ReportParams, groupBy: GroupBy | null) {
  const months = wholeMonths(p.from, p.to);
  if (months.length === 0 || !(groupBy === null || groupBy === 'month' || groupBy === 'district'))
    return new Map<string, { all: number; mh: number }>();
  const byDistrict = groupBy === 'district';
  const rows = prepared(
    ctx.db,
    `SELECT v.month AS month, v.district AS district, v.all_incidents AS allIncidents,
            (SELECT coalesce(sum(r.mh_related), 0) FROM demand_rollup_month r
              WHERE r.dim = ? AND r.month = v.month AND (? = 0 OR r.grp = v.district)) AS mh
     FROM incident_volumes v
     WHERE v.month IN (SELECT value FROM json_each(?)) AND ((? = 0 AND v.district = '(all)') OR (? = 1
       AND v.district <> '(all)'))`,
  ).all(
    byDistrict ? 'district' : 'all',
    byDistrict ? 1 : 0,
    JSON.stringify(months),
    byDistrict ? 1 : 0,
    byDistrict ? 1 : 0,
  ) as Array<{
    month: string;
    district: string;
    allIncidents: number;
    mh: number;
  }>;
  const out = new Map<string, { all: number; mh: number }>();
  const add = (k: string, all: number, mh: number) => {
    const x = out.get(k) ?? { all: 0, mh: 0 };
    out.set(k, { all: x.all + all, mh: x.mh + mh });
  };
  for (const r of rows) {
    add(groupBy === 'month' ? r.month : byDistrict ? r.district : 'all', r.allIncidents, r.mh);
    if (groupBy !== null) add('\u0000total', byDistrict ? r.allIncidents : r.allIncidents, r.mh);
  }
  return out;
}

export const mhIncidents: AvailableSection = {
  id: 'mhIncidents',
  title: 'Mental-health-related incidents',
  status: 'available',
  definition:
    'Every incident recorded in this system whose call was received in the period (force-local dates). "MH-related" ' +
    'uses the best available flag: the flag at close (NPCC/College of Policing 2019 definition) when recorded, ' +
    "otherwise the call handler's flag at call. All other sections count MH-related incidents only.",
  groupings: ['month', 'district', 'category', 'agency'],
  agencyMeaning: "the agency of the incident's first referral ('(none)' without one)",
  measures: [
    {
      id: 'incidents',
      label: 'Incidents recorded',
      unit: 'count',
      definition: 'Incidents received in the period, whatever their flags.',
      value: (s) => s.incidents!,
    },
    {
      id: 'mhRelated',
      label: 'MH-related incidents',
      unit: 'count',
      definition: 'Flag at close when recorded, else flag at call.',
      value: (s) => s.mhRelated!,
    },
    {
      id: 'mhFlagAtCall',
      label: 'Flagged MH at call',
      unit: 'count',
      definition: 'Incidents the call handler flagged as MH-related when the call was taken.',
      value: (s) => s.mhFlagAtCall!,
    },
    {
      id: 'mhFlagAtClose',
      label: 'Flagged MH at close',
      unit: 'count',
      definition: 'Incidents confirmed as MH-related when they were closed.',
      value: (s) => s.mhFlagAtClose!,
    },
    {
      id: 'closeFlagKnown',
      label: 'With a close flag',
      unit: 'count',
      definition:
        'Incidents with the flag at close recorded (yes or no): closed in this system, or imported with the flag ' +
        'filled in.',
      value: (s) => s.closeFlagKnown!,
    },
    {
      id: 'flagsAgree',
      label: 'Call and close flags agree',
      unit: 'count',
      definition: 'Of incidents with a close flag, those whose flag at call equals the flag at close.',
      value: (s) => s.flagsAgree!,
    },
    {
      id: 'flagAgreement',
      label: 'Flag agreement',
      unit: 'share',
      definition: 'Call and close flags agree ÷ incidents with a close flag.',
      value: (s) => share(s.flagsAgree!, s.closeFlagKnown!),
      base: (s) => s.closeFlagKnown!,
    },
    {
      id: 'flaggedAtCallOnly',
      label: 'Flagged at call, not at close',
      unit: 'count',
      definition: 'Flag at call true, flag at close false.',
      value: (s) => s.flaggedAtCallOnly!,
    },
    {
      id: 'flaggedAtCloseOnly',
      label: 'Recognised only at close',
      unit: 'count',
      definition: 'Flag at call false, flag at close true: MH need not recognised at first contact (HMICFRS 2018).',
      value: (s) => s.flaggedAtCloseOnly!,
    },
    {
      id: 'shareOfAllIncidents',
      label: 'Share of all incidents',
      unit: 'share',
      definition:
        'MH-related incidents ÷ ALL incidents recorded in command and control (monthly totals supplied by the ' +
        'force), over the months wholly inside the period that have a total. Empty where no total is ' +
        'known (category and agency groupings: never known).',
      value: (s) => (s.volumeAll ? share(s.volumeMh ?? 0, s.volumeAll) : null),
      base: (s) => s.volumeMh ?? 0,
    },
  ],
  partitions: [{ parts: ['flagsAgree', 'flaggedAtCallOnly', 'flaggedAtCloseOnly'], total: 'closeFlagKnown' }],
  query(ctx, p, groupBy) {
    const r = sectionSums(ctx, 'demand_rollup', COLUMNS, p, groupBy);
    const v = volumes(ctx, p, groupBy);
    const withVolume = (key: string, s: Sums): Sums => {
      const x = v.get(key);
      return x ? { ...s, volumeAll: x.all, volumeMh: x.mh } : s;
    };
    return {
      groups: r.groups.map((g) => ({ group: g.group, sums: withVolume(g.group, g.sums) })),
      total: withVolume(groupBy === null ? 'all' : '\u0000total', r.total),
    };
  },
};
