/**
 * R44: small-number suppression for PCC and public outputs.
 *
 * Primary: a count below the threshold (0 included: "fewer than 5" is all a reader learns) is
 * withheld, and so is any derived figure (hours, share, mean) that rests on fewer units than the
 * threshold. Secondary (complementary): where withheld cells and their published total would let a
 * reader subtract their way back to one withheld value — exactly one withheld part in a row
 * partition, or exactly one withheld group in a column whose total is published — the next
 * smallest cell is withheld too. Repeated until nothing changes.
 *
 * Both kinds are published as "[c]" (confidential), the symbol of UK official statistics: a reader
 * is never told a withheld figure is small (a cell withheld to stop subtraction may be large), and
 * totals stay true (they include every withheld figure).
 */
import type { AvailableSection, DataQualityNote, DemandReport, OutputRow, Sums } from './types.js';

/** The symbol printed for every withheld figure, primary or secondary (UK official statistics). */
export const SUPPRESSED = '[c]';

/** The note that explains the symbol wherever figures are published (HTML, CSV, workbook). */
export const suppressionNote = (t: number) =>
  `[c] = confidential: figure withheld to protect confidentiality. A figure is withheld when it is a count ` +
  `below ${t} (0 included) or rests on fewer than ${t} incidents, people or referrals; another figure, of any ` +
  `size, is withheld as well wherever the first could otherwise be worked out by subtraction from a published ` +
  `total. Totals are true totals: they include the withheld figures.`;

/** A figure as published: its value, or "[c]" when withheld. */
export type PublishedValue = number | null | typeof SUPPRESSED;

export function publishedCells(row: OutputRow): Record<string, PublishedValue> {
  const out: Record<string, PublishedValue> = { ...row.cells };
  for (const id of row.suppressed) out[id] = SUPPRESSED;
  return out;
}

/** The report as the API publishes it: withheld cells and notes carry "[c]" instead of a value. */
export function publishedReport(r: DemandReport) {
  const row = (x: OutputRow) => ({ ...x, cells: publishedCells(x) });
  return {
    ...r,
    sections: r.sections.map((s) => ({ ...s, rows: s.rows.map(row), total: row(s.total) })),
    dataQuality: r.dataQuality.map((n: DataQualityNote) => ({ ...n, value: n.suppressed ? SUPPRESSED : n.value })),
  };
}

export interface RawRow {
  group: string;
  sums: Sums;
}

function rawCells(section: AvailableSection, sums: Sums): Record<string, number | null> {
  return Object.fromEntries(section.measures.map((m) => [m.id, m.value(sums)]));
}

export function toRows(
  section: AvailableSection,
  groups: RawRow[],
  total: Sums,
  threshold: number | null,
): { rows: OutputRow[]; total: OutputRow } {
  const rows: OutputRow[] = groups.map((g) => ({ group: g.group, cells: rawCells(section, g.sums), suppressed: [] }));
  const totalRow: OutputRow = { group: 'all', cells: rawCells(section, total), suppressed: [] };
  if (threshold === null) return { rows, total: totalRow };

  const all = [...rows, totalRow];
  const sums = [...groups.map((g) => g.sums), total];
  const hidden = all.map(() => new Set<string>());
  // Primary suppression.
  all.forEach((row, i) => {
    for (const m of section.measures) {
      const base = m.unit === 'count' ? row.cells[m.id] : m.base ? m.base(sums[i]!) : null;
      if (base !== null && base !== undefined && base < threshold) hidden[i]!.add(m.id);
    }
  });
  const counts = section.measures.filter((m) => m.unit === 'count' || m.unit === 'hours').map((m) => m.id);
  const smallestVisible = (i: number, ids: string[]) =>
    ids
      .filter((id) => !hidden[i]!.has(id) && all[i]!.cells[id] !== null)
      .sort((a, b) => (all[i]!.cells[a] as number) - (all[i]!.cells[b] as number))[0];
  for (let changed = true; changed; ) {
    changed = false;
    // Within a row: parts that add up to a published total.
    all.forEach((_row, i) => {
      for (const p of section.partitions) {
        if (hidden[i]!.has(p.total)) continue;
        if (p.parts.filter((id) => hidden[i]!.has(id)).length === 1) {
          const extra = smallestVisible(i, p.parts);
          if (extra) {
            hidden[i]!.add(extra);
            changed = true;
          }
        }
      }
    });
    // Across groups: the groups of a column add up to the period total.
    if (rows.length > 1) {
      for (const id of counts) {
        if (hidden[all.length - 1]!.has(id)) continue;
        const withheld = rows.filter((_r, i) => hidden[i]!.has(id));
        if (withheld.length === 1) {
          const candidates = rows
            .map((r, i) => ({ i, v: r.cells[id] }))
            .filter((x) => !hidden[x.i]!.has(id) && x.v !== null);
          candidates.sort((a, b) => (a.v as number) - (b.v as number));
          if (candidates[0]) {
            hidden[candidates[0].i]!.add(id);
            changed = true;
          }
        }
      }
    }
  }
  all.forEach((row, i) => {
    row.suppressed = [...hidden[i]!].sort();
    for (const id of row.suppressed) row.cells[id] = null;
  });
  return { rows, total: totalRow };
}

/** A single figure (a data-quality note): withheld when it is a count below the threshold. */
export function suppressValue(
  value: number,
  isCount: boolean,
  threshold: number | null,
): { value: number | null; suppressed: boolean } {
  if (threshold !== null && isCount && value < threshold) return { value: null, suppressed: true };
  return { value, suppressed: false };
}
