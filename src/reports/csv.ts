/** The demand report as CSV: one line per figure, with its definition (long format, RFC 4180). */
import { stringify } from 'csv-stringify/sync';
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

export function sectionRecords(s: OutputSection, threshold: number): string[][] {
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
        suppressed ? `<${threshold}` : v === null || v === undefined ? '' : String(v),
        String(suppressed),
        m.definition,
      ]);
    }
  }
  return out;
}

export function reportCsv(r: DemandReport): string {
  const records: string[][] = [];
  for (const s of r.sections) records.push(...sectionRecords(s, r.suppression.threshold));
  for (const n of r.dataQuality) {
    records.push([
      'dataQuality',
      'all',
      n.id,
      n.id,
      n.unit ?? '',
      n.suppressed ? `<${r.suppression.threshold}` : n.value === null ? '' : String(n.value),
      String(n.suppressed),
      n.text,
    ]);
  }
  return stringify(records, { header: true, columns: [...CSV_COLUMNS] });
}
