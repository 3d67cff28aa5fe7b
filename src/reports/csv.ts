/**
 * The demand report as CSV: one line per figure, with its definition (long format, RFC 4180). A
 * withheld figure's value is "[c]" (R44), explained in a note line at the end.
 */
import { stringify } from 'csv-stringify/sync';
import { SUPPRESSED, suppressionNote } from './suppression.js';
import type { DemandReport, OutputSection } from './types.js';

export const CSV_COLUMNS = [
  'section',
  'group',
  'measure',
  'label',
  'unit',
  'value',
  'suppressed',
  'definition',
] as const;

export function sectionRecords(s: OutputSection): string[][] {
  const out: string[][] = [];
  const rows = [...s.rows, s.total];
  for (const r of rows) {
    for (const m of s.measures) {
      const suppressed = r.suppressed.includes(m.id);
      const v = r.cells[m.id];
      out.push([
        s.id,
        r.group,
        m.id,
        m.label,
        m.unit,
        suppressed ? SUPPRESSED : v === null || v === undefined ? '' : String(v),
        String(suppressed),
        m.definition,
      ]);
    }
  }
  return out;
}

export function reportCsv(r: DemandReport): string {
  const records: string[][] = [];
  for (const s of r.sections) records.push(...sectionRecords(s));
  for (const n of r.dataQuality) {
    records.push([
      'dataQuality',
      'all',
      n.id,
      n.id,
      n.unit ?? '',
      n.suppressed ? SUPPRESSED : n.value === null ? '' : String(n.value),
      String(n.suppressed),
      n.text,
    ]);
  }
  if (r.suppression.applied) records.push(noteRecord(r.suppression.threshold));
  return stringify(records, { header: true, columns: [...CSV_COLUMNS] });
}

/** The line that explains "[c]" in a CSV of the long format. */
export const noteRecord = (threshold: number) => [
  'notes',
  'all',
  'symbol',
  SUPPRESSED,
  '',
  '',
  'false',
  suppressionNote(threshold),
];
