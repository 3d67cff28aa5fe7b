/**
 * The MH lead's detention list as CSV: one row per detention matching the filters, with its clock,
 * places of safety, outcome, the alerts it carries, ADR completeness and whether it has been
 * reviewed. Cells a spreadsheet would run as formulas are escaped (csv-stringify escape_formulas).
 */
import { stringify } from 'csv-stringify/sync';
import type { listDetentions } from '../queries/detentions.js';

type Item = ReturnType<typeof listDetentions>['items'][number];

export const DETENTION_CSV_COLUMNS = [
  'incidentReference',
  'detentionId',
  'power',
  'status',
  'startedAt',
  'detainedAt',
  'clockStart',
  'expiresAt',
  'extensionHours',
  'firstPlaceOfSafetyType',
  'firstPlaceOfSafetySite',
  'transfers',
  'policeStationUsed',
  'conveyanceMethod',
  'outcome',
  'endedAt',
  'flaggedRules',
  'adrComplete',
  'adrMissing',
  'reviewed',
  'reviewConclusion',
  'reviewedAt',
] as const;

export function detentionListCsv(items: readonly Item[]): string {
  const rows = items.map((d) => ({
    incidentReference: d.incidentReference ?? '',
    detentionId: d.id,
    power: d.power,
    status: d.status,
    startedAt: d.startedAt,
    detainedAt: d.detainedAt ?? '',
    clockStart: d.clockStart ?? '',
    expiresAt: d.expiresAt ?? '',
    extensionHours: d.extensionHours,
    firstPlaceOfSafetyType: d.firstPlaceOfSafety?.type ?? '',
    firstPlaceOfSafetySite: d.firstPlaceOfSafety?.site ?? '',
    transfers: d.transfers,
    policeStationUsed: d.policeStationUsed,
    conveyanceMethod: d.conveyanceMethod ?? '',
    outcome: d.outcome ?? '',
    endedAt: d.endedAt ?? '',
    flaggedRules: d.flaggedRules.join(';'),
    adrComplete: d.adrMissing.length === 0 && d.status !== 'considering' && d.status !== 'notDetained',
    adrMissing: d.adrMissing.join(';'),
    reviewed: d.review !== null,
    reviewConclusion: d.review?.conclusion ?? '',
    reviewedAt: d.review?.recordedAt ?? '',
  }));
  return stringify(rows, {
    header: true,
    columns: [...DETENTION_CSV_COLUMNS],
    escape_formulas: true,
    cast: { boolean: (b) => (b ? 'true' : 'false') },
  });
}
