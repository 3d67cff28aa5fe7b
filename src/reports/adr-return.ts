/**
 * The Home Office Annual Data Requirement (ADR) return for MHA s.135/s.136 detentions,
 * from the `detentions` projection: one record per detention in the financial year with the ADR
 * fields and explicit "Not known" codes, and the aggregate tables the published statistics carry
 * (age, gender, ethnicity, first place of safety, conveyance and reasons, police-station reasons),
 * each split s.136 / s.135.
 *
 * R43: the financial year is 1 April–31 March by the local date in the force's time zone
 * (Europe/London), so a detention at 23:30 UTC on 31 March (00:30 BST on 1 April) counts in the
 * new year. Which moment is counted (the decision to detain, or the clock start) is configuration
 * (`s136.adr.countingDate`, [U]: docs/configuration.md).
 *
 * No personal data: codes, dates and ids only.
 */
import type { Db } from '../../db/client.js';
import type { ForceConfig } from '../config/schema.js';

export const ADR_TABLES = [
  'power',
  'ageGroup',
  'ageBand',
  'gender',
  'ethnicity',
  'firstPlaceOfSafety',
  'conveyanceMethod',
  'policeVehicleReason',
  'ambulanceRequested',
  'policeStationReason',
  'arrestedForOffence',
] as const;
export type AdrTable = (typeof ADR_TABLES)[number];

const NOT_KNOWN = 'Not known';
/** A field the record has not got yet (R42 keeps such a detention open; the return still counts it). */
export const MISSING = 'Missing (record incomplete)';
const NOT_APPLICABLE = 'Not applicable';

export const POWER: Record<string, string> = {
  s136: 'Section 136',
  s135_1: 'Section 135(1)',
  s135_2: 'Section 135(2)',
};
export const AGE_BAND: Record<string, string> = {
  under10: 'Under 10',
  '10to17': '10 to 17',
  '18to24': '18 to 24',
  '25to34': '25 to 34',
  '35to44': '35 to 44',
  '45to54': '45 to 54',
  '55to64': '55 to 64',
  '65to74': '65 to 74',
  '75plus': '75 and over',
  notKnown: NOT_KNOWN,
};
export const GENDER: Record<string, string> = { male: 'Male', female: 'Female', other: 'Other', notKnown: NOT_KNOWN };
export const ETHNICITY: Record<string, string> = {
  white: 'White',
  black: 'Black',
  asian: 'Asian',
  mixed: 'Mixed',
  other: 'Other',
  notStated: 'Not stated',
};
/** The ADR's "place of safety first used" categories. */
const FIRST_POS: Record<string, string> = {
  healthBasedPlaceOfSafety: 'Health-based place of safety',
  emergencyDepartment: 'A&E',
  policeStation: 'Police station',
  privateDwelling: 'Private home',
  otherHospital: 'Other',
  independentHospitalOrCareHome: 'Other',
  socialServicesAccommodation: 'Other',
  otherSuitablePlace: 'Other',
  notKnown: NOT_KNOWN,
};
const CONVEYANCE: Record<string, string> = {
  ambulance: 'Ambulance',
  policeVehicle: 'Police vehicle',
  otherHealthVehicle: 'Other health vehicle',
  other: 'Other',
  notKnown: NOT_KNOWN,
  noneAlreadyAtPoS: 'None (already at place of safety)',
};
const VEHICLE_REASON: Record<string, string> = {
  ambulanceNotWithin30Min: 'Ambulance not available within 30 minutes',
  ambulanceNotRequested: 'Ambulance not requested',
  ambulanceDiverted: 'Ambulance diverted to a higher-priority call',
  crewRefused: 'Ambulance crew refused to convey',
  other: 'Other',
};
const YES_NO: Record<string, string> = { yes: 'Yes', no: 'No', notKnown: NOT_KNOWN };

/** '2025-26' for an instant, by its local date in `timeZone` (R43). */
export function financialYearOf(iso: string, timeZone: string): string {
  const [y, m] = localDate(iso, timeZone).split('-').map(Number) as [number, number];
  const start = m >= 4 ? y : y - 1;
  return `${start}-${String((start + 1) % 100).padStart(2, '0')}`;
}

export function localDate(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(iso),
  );
}

/** The UTC instant of local midnight starting `date` (YYYY-MM-DD) in `timeZone`. */
export function localMidnight(date: string, timeZone: string): string {
  const guess = Date.parse(`${date}T00:00:00Z`);
  // The zone's offset at that moment (and once more, in case midnight falls across a change).
  let t = guess;
  for (let i = 0; i < 2; i++) t = guess - offsetMs(t, timeZone);
  return new Date(t).toISOString();
}

function offsetMs(t: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(t));
  const get = (k: string) => Number(parts.find((p) => p.type === k)!.value);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return local - Math.floor(t / 1000) * 1000;
}

/** `2025-26` → its bounds as UTC instants [from, to). Null when the text is not a financial year. */
export function financialYearBounds(year: string, timeZone: string): { from: string; to: string } | null {
  const m = /^(\d{4})-(\d{2})$/.exec(year);
  if (!m) return null;
  const start = Number(m[1]);
  if ((start + 1) % 100 !== Number(m[2])) return null;
  return { from: localMidnight(`${start}-04-01`, timeZone), to: localMidnight(`${start + 1}-04-01`, timeZone) };
}

export interface AdrRecord {
  force: string;
  financialYear: string;
  power: string;
  detentionId: string;
  incidentId: string;
  incidentReference: string;
  detentionDate: string;
  ageGroup: string;
  ageBand: string;
  gender: string;
  ethnicity: string;
  firstPlaceOfSafety: string;
  policeStationUsed: string;
  policeStationReason: string;
  arrestedForOffence: string;
  conveyanceMethod: string;
  ambulanceRequested: string;
  policeVehicleReason: string;
  extended: string;
  extensionHours: string;
  outcome: string;
  status: string;
  adrComplete: string;
  missingFields: string;
}

export const ADR_RECORD_COLUMNS: Array<keyof AdrRecord> = [
  'force',
  'financialYear',
  'power',
  'detentionId',
  'incidentId',
  'incidentReference',
  'detentionDate',
  'ageGroup',
  'ageBand',
  'gender',
  'ethnicity',
  'firstPlaceOfSafety',
  'policeStationUsed',
  'policeStationReason',
  'arrestedForOffence',
  'conveyanceMethod',
  'ambulanceRequested',
  'policeVehicleReason',
  'extended',
  'extensionHours',
  'outcome',
  'status',
  'adrComplete',
  'missingFields',
];

export interface AdrTableRow {
  category: string;
  s136: number;
  s135: number;
  total: number;
}

export interface AdrReturn {
  force: { name: string; code: string };
  financialYear: string;
  period: { from: string; to: string; timeZone: string; countingDate: string };
  totals: { s136: number; s135: number; total: number; complete: number; incomplete: number };
  tables: Record<AdrTable, AdrTableRow[]>;
  records: AdrRecord[];
}

interface Row {
  id: string;
  incidentId: string;
  reference: string | null;
  power: string;
  status: string;
  detainedAt: string;
  clockStart: string | null;
  ageBand: string | null;
  gender: string | null;
  ethnicity: string | null;
  firstPosType: string | null;
  policeStationUsed: number;
  policeStationReason: string | null;
  arrestedForOffence: string | null;
  conveyanceMethod: string | null;
  ambulanceRequested: string | null;
  policeVehicleReason: string | null;
  extensionMinutes: number;
  outcome: string | null;
  adrMissing: string;
}

const label = (map: Record<string, string>, code: string | null, missing = MISSING) =>
  code === null ? missing : (map[code] ?? code);
const ageGroupOf = (band: string | null) =>
  band === null
    ? MISSING
    : band === 'notKnown'
      ? NOT_KNOWN
      : band === 'under10' || band === '10to17'
        ? 'Under 18'
        : '18 and over';

/** The return for one financial year ('2025-26'). */
export function adrReturn(db: Db, config: ForceConfig, financialYear: string): AdrReturn {
  const tz = config.force.timezone;
  const bounds = financialYearBounds(financialYear, tz);
  if (!bounds) throw new Error(`not a financial year: ${financialYear}`);
  const counting = config.s136.adr.countingDate;
  // A detention without a clock start (it never reached a place of safety) counts by its decision.
  const when = counting === 'clockStart' ? 'COALESCE(d.clock_start, d.detained_at)' : 'd.detained_at';
  const rows = db.$client
    .prepare(
      `SELECT d.id, d.incident_id AS incidentId, i.reference, d.power, d.status, d.detained_at AS detainedAt,
      d.clock_start AS clockStart,
              d.age_band AS ageBand, d.gender, d.ethnicity, d.first_pos_type AS firstPosType,
              d.police_station_used AS policeStationUsed,
              d.police_station_reason AS policeStationReason, d.arrested_for_offence AS arrestedForOffence,
              d.conveyance_method AS conveyanceMethod,
              d.ambulance_requested AS ambulanceRequested, d.police_vehicle_reason AS policeVehicleReason,
              d.extension_minutes AS extensionMinutes,
              d.outcome, d.adr_missing AS adrMissing
       FROM detentions d JOIN incidents i ON i.id = d.incident_id
       WHERE d.detained_at IS NOT NULL AND ${when} >= ? AND ${when} < ?
       ORDER BY ${when}, d.id`,
    )
    .all(bounds.from, bounds.to) as Row[];

  const psReasons = Object.fromEntries(config.s136.adr.policeStationReasons.map((r) => [r.code, r.label]));
  const records: AdrRecord[] = rows.map((r) => {
    const countedAt = counting === 'clockStart' ? (r.clockStart ?? r.detainedAt) : r.detainedAt;
    const ps = r.policeStationUsed === 1;
    const vehicle = r.conveyanceMethod === 'policeVehicle';
    return {
      force: config.force.code,
      financialYear: financialYearOf(countedAt, tz),
      power: POWER[r.power] ?? r.power,
      detentionId: r.id,
      incidentId: r.incidentId,
      incidentReference: r.reference ?? '',
      detentionDate: localDate(countedAt, tz),
      ageGroup: ageGroupOf(r.ageBand),
      ageBand: label(AGE_BAND, r.ageBand),
      gender: label(GENDER, r.gender),
      ethnicity: label(ETHNICITY, r.ethnicity),
      firstPlaceOfSafety: label(FIRST_POS, r.firstPosType),
      policeStationUsed: ps ? 'Yes' : 'No',
      policeStationReason: ps ? label(psReasons, r.policeStationReason) : NOT_APPLICABLE,
      arrestedForOffence: ps ? label(YES_NO, r.arrestedForOffence) : NOT_APPLICABLE,
      conveyanceMethod: label(CONVEYANCE, r.conveyanceMethod),
      ambulanceRequested: vehicle ? label(YES_NO, r.ambulanceRequested) : NOT_APPLICABLE,
      policeVehicleReason: vehicle ? label(VEHICLE_REASON, r.policeVehicleReason) : NOT_APPLICABLE,
      extended: r.extensionMinutes > 0 ? 'Yes' : 'No',
      extensionHours: String(Math.round((r.extensionMinutes / 60) * 100) / 100),
      outcome: r.outcome ?? '',
      status: r.status,
      adrComplete: r.adrMissing === '' ? 'Yes' : 'No',
      missingFields: r.adrMissing.replaceAll(',', ' '),
    };
  });

  const tables = Object.fromEntries(ADR_TABLES.map((t) => [t, tabulate(records, t)])) as Record<
    AdrTable,
    AdrTableRow[]
  >;
  const s136 = records.filter((r) => r.power === POWER.s136).length;
  const complete = records.filter((r) => r.adrComplete === 'Yes').length;
  return {
    force: { name: config.force.name, code: config.force.code },
    financialYear,
    period: { ...bounds, timeZone: tz, countingDate: counting },
    totals: {
      s136,
      s135: records.length - s136,
      total: records.length,
      complete,
      incomplete: records.length - complete,
    },
    tables,
    records,
  };
}

/** One table: a row per category seen (in a stable order), counts split s.136 / s.135, and a total row. */
function tabulate(records: AdrRecord[], field: AdrTable): AdrTableRow[] {
  const rows = new Map<string, AdrTableRow>();
  for (const r of records) {
    const category = r[field];
    const row = rows.get(category) ?? { category, s136: 0, s135: 0, total: 0 };
    if (r.power === POWER.s136) row.s136++;
    else row.s135++;
    row.total++;
    rows.set(category, row);
  }
  const order = (c: string) =>
    c === MISSING ? 3 : c === NOT_APPLICABLE ? 2 : c === NOT_KNOWN || c === 'Not stated' ? 1 : 0;
  const sorted = [...rows.values()].sort(
    (a, b) => order(a.category) - order(b.category) || a.category.localeCompare(b.category),
  );
  const total = sorted.reduce(
    (t, r) => ({ category: 'Total', s136: t.s136 + r.s136, s135: t.s135 + r.s135, total: t.total + r.total }),
    { category: 'Total', s136: 0, s135: 0, total: 0 },
  );
  return [...sorted, total];
}

/** RFC 4180 CSV (CRLF line ends, quotes doubled). */
export function toCsv(header: string[], rows: Array<Array<string | number>>): string {
  const cell = (v: string | number) => {
    const s = String(v);
    return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return `${[header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

export function recordsCsv(r: AdrReturn): string {
  return toCsv(
    ADR_RECORD_COLUMNS as string[],
    r.records.map((rec) => ADR_RECORD_COLUMNS.map((c) => rec[c])),
  );
}

export function tableCsv(r: AdrReturn, table: AdrTable): string {
  return toCsv(
    [table, 's136', 's135', 'total'],
    r.tables[table].map((x) => [x.category, x.s136, x.s135, x.total]),
  );
}
