/** Build CSV text for the historic importer (tests). */
import type { IncidentEvent } from '../../machines/incident/index.js';
import { IMPORT_COLUMNS } from '../../src/import/import-incidents.js';

export const IMPORT_HEADER = Object.keys(IMPORT_COLUMNS).join(',');

export function csvLine(values: Partial<Record<keyof typeof IMPORT_COLUMNS, string>>): string {
  return Object.keys(IMPORT_COLUMNS)
    .map((k) => {
      const v = values[k as keyof typeof IMPORT_COLUMNS] ?? '';
      return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
    })
    .join(',');
}

/** A one-incident extract equivalent to a model INCIDENT_IMPORTED event, dated receivedAt → closedAt. */
export function importCsvFor(
  e: Extract<IncidentEvent, { type: 'INCIDENT_IMPORTED' }>,
  receivedAt: string,
  closedAt: string,
): string {
  const resources = e.resources
    .map(
      (r) =>
        `${r.callSign}|${r.officers}|${r.resourceType}|` +
        `dispatched@${receivedAt}|arrived@${receivedAt}|cleared@${closedAt}`,
    )
    .join(';');
  return `${IMPORT_HEADER}\n${csvLine({
    incident_ref: e.reference,
    received_at: receivedAt,
    closed_at: closedAt,
    channel: e.channel,
    category: e.category,
    grade: e.grade ?? '',
    district: e.district ?? '',
    location_class: e.locationClass ?? '',
    mh_flag_at_call: e.mhFlagAtCall ? 'Y' : 'N',
    mh_flag_at_close: e.mhFlagAtClose === null ? '' : e.mhFlagAtClose ? 'Y' : 'N',
    rcrp_decision: e.rcrpDecision ?? '',
    closure_code: e.closureCode ?? '',
    resources,
  })}\n`;
}
