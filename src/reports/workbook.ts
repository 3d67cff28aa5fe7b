/**
 * The evidence pack as a spreadsheet, laid out the way government statisticians publish tables
 * (Analysis Function guidance on releasing statistics in spreadsheets): a cover sheet, a contents
 * sheet, a notes sheet (the "[c]" symbol, definitions, data-quality notes), then one table per
 * sheet with its title in cell A1 and the period under it; each table is a marked-up Excel table
 * with one header row, no merged cells and no blank rows. Withheld figures (R44) are the text
 * "[c]" in their cell, never a number. Written with exceljs.
 */
import ExcelJS from 'exceljs';
import { cellOf } from './comparison.js';
import type { EvidencePack } from './evidence-pack.js';
import { monthLabel } from './evidence-pack.js';
import type { Cell } from './format.js';
import { SUPPRESSED, suppressionNote } from './suppression.js';
import type { OutputSection, Unit } from './types.js';

const FORMAT: Record<Unit | 'rate' | 'change', string> = {
  count: '#,##0',
  hours: '#,##0.0',
  minutes: '#,##0.0',
  share: '0.0%',
  rate: '#,##0.0',
  change: '0',
};

const UNIT_SUFFIX: Record<Unit, string> = { count: '', hours: ' (hours)', minutes: ' (minutes)', share: ' (per cent)' };

type Value = number | string | null;
/** The symbol for "not available" (no figure can be given, e.g. a share of nothing). */
const NOT_AVAILABLE = '[x]';
const value = (c: Cell): Value => (c.suppressed ? SUPPRESSED : c.value);

interface TableSheet {
  name: string;
  title: string;
  columns: Array<{ name: string; format?: string; width?: number }>;
  rows: Value[][];
}

/** A sheet holding one table: title in A1, the period and a note in A2–A3, the table from A4. */
function addTableSheet(wb: ExcelJS.Workbook, t: TableSheet, lines: string[]) {
  const ws = wb.addWorksheet(t.name);
  ws.getCell('A1').value = t.title;
  ws.getCell('A1').font = { bold: true, size: 14 };
  lines.forEach((line, i) => {
    ws.getCell(`A${i + 2}`).value = line;
  });
  const top = lines.length + 2;
  ws.addTable({
    name: t.name.replace(/[^A-Za-z0-9_]/g, '_'),
    ref: `A${top}`,
    headerRow: true,
    style: { theme: 'TableStyleLight1', showRowStripes: false },
    columns: t.columns.map((c) => ({ name: c.name, filterButton: false })),
    rows: t.rows.map((r) => r.map((v) => (v === null ? NOT_AVAILABLE : v))),
  });
  t.columns.forEach((c, i) => {
    const col = ws.getColumn(i + 1);
    col.width = c.width ?? Math.min(40, Math.max(12, c.name.length + 2));
    if (c.format) col.numFmt = c.format;
  });
  ws.getRow(top).font = { bold: true };
  ws.getRow(top).alignment = { wrapText: true, vertical: 'top' };
  ws.views = [{ state: 'frozen', ySplit: top }];
  return ws;
}

const GROUP_HEADING: Record<string, string> = {
  month: 'Month',
  agency: 'Agency',
  district: 'District',
  category: 'Category',
};

function sectionSheet(pack: EvidencePack, s: OutputSection, n: number): TableSheet {
  const prev = pack.previous.sections.find((x) => x.id === s.id)!;
  const groups = s.rows.length > 1 ? s.rows : [];
  const heading = s.groupBy && groups.length ? GROUP_HEADING[s.groupBy]! : 'Period';
  const by = groups.length && s.groupBy ? ` by ${heading.toLowerCase()}` : '';
  const label = (g: string) => (s.groupBy === 'month' ? monthLabel(g) : (pack.report.labels[g] ?? g));
  const rowOf = (name: string, row: OutputSection['total']): Value[] => [
    name,
    ...s.measures.map((m) => value(cellOf(row, m.id))),
  ];
  return {
    name: `Table_${n}`,
    title: `Table ${n}: ${s.title}${by}, ${pack.period.text}`,
    columns: [
      { name: heading, width: 34 },
      ...s.measures.map((m) => ({ name: `${m.label}${UNIT_SUFFIX[m.unit]}`, format: FORMAT[m.unit] })),
    ],
    rows: [
      ...groups.map((g) => rowOf(label(g.group), g)),
      rowOf(`Total ${pack.period.name}`, s.total),
      rowOf(`Total ${pack.previousPeriod.name} (previous period)`, prev.total),
    ],
  };
}

function headlineSheet(pack: EvidencePack): TableSheet {
  const p = pack.period.name;
  const q = pack.previousPeriod.name;
  return {
    name: 'Table_1',
    title: `Table 1: Headline figures, ${pack.period.text}, compared with ${pack.previousPeriod.text}`,
    columns: [
      { name: 'Figure', width: 52 },
      { name: 'Unit', width: 14 },
      { name: p },
      { name: q },
      { name: 'Change (per cent, or percentage points for a share)', width: 22, format: '0.0' },
      { name: `Per 100,000 people, ${p}`, format: FORMAT.rate },
      { name: `Per 100,000 people, ${q}`, format: FORMAT.rate },
    ],
    rows: [
      ...pack.headlines.map((h) => [
        h.label,
        h.unit === 'share' ? 'per cent' : h.unit === 'count' ? 'number' : h.unit,
        value(h.current),
        pack.previousHasData ? value(h.previous) : null,
        pack.previousHasData ? (h.change.suppressed ? SUPPRESSED : h.change.value) : null,
        h.rate ? value(h.rate) : null,
        h.previousRate && pack.previousHasData ? value(h.previousRate) : null,
      ]),
      ...(pack.national
        ? [
            [
              `s.136 detentions, England and Wales ${pack.national.year}`,
              'number',
              pack.national.detentions,
              null,
              null,
              pack.national.rate,
              null,
            ],
          ]
        : []),
    ],
  };
}

function notesRows(pack: EvidencePack): Value[][] {
  const r = pack.report;
  const pop = pack.population;
  const n = pack.national;
  const general: Array<[string, string]> = [
    ['Symbol [c]', suppressionNote(r.suppression.threshold)],
    [
      'Symbol [x]',
      '[x] = not available: no figure can be given (for example a share of nothing, or a rate without a population).',
    ],
    [
      'Suppression',
      r.suppression.applied
        ? r.suppression.rule
        : 'Small-number suppression is NOT applied to this copy: do not publish it as it is.',
    ],
    ['Who is counted', r.population],
    [
      'Comparisons',
      'Each figure is set beside the same figure for the previous period of equal length ' +
        `(${pack.previousPeriod.text}). ` +
        'Changes in counts, hours and times are in per cent of the earlier figure (one decimal); changes in shares ' +
        'are in percentage points.',
    ],
    ['Medians', 'Waiting and answer times are medians: half of the cases took longer and half less.'],
    [
      'Rates per 100,000 people',
      pop
        ? `Population ${pop.value.toLocaleString('en-GB')}: ${pop.description}. Source: ${pop.source}.`
        : 'No population is configured: no rates.',
    ],
    ...(n
      ? [
          [
            'National comparison',
            `s.136 detentions in England and Wales, ${n.year}: ${n.detentions.toLocaleString('en-GB')} ` +
              `(${n.source}); ` +
              `population ${n.population.toLocaleString('en-GB')} (${n.populationSource}).`,
          ] as [string, string],
        ]
      : []),
    ['Dates', `Force-local dates (${r.period.timeZone}); a financial year runs from 1 April to 31 March.`],
  ];
  const rows: Value[][] = general.map(([topic, text]) => [topic, text, '']);
  for (const q of r.dataQuality) rows.push([`Data quality: ${q.id}`, q.text, q.suppressed ? SUPPRESSED : q.value]);
  for (const s of r.sections) {
    rows.push([`Definition: ${s.title}`, s.definition, '']);
    for (const m of s.measures) rows.push([`Definition: ${s.title}: ${m.label}`, m.definition, '']);
  }
  return rows.map((row, i) => [`Note ${i + 1}`, ...row]);
}

export async function evidenceWorkbook(pack: EvidencePack, generatedBy: string): Promise<Buffer> {
  const r = pack.report;
  const wb = new ExcelJS.Workbook();
  wb.creator = r.force;
  wb.created = new Date(r.generatedAt);
  wb.title = `${r.title}: evidence tables`;

  const cover = wb.addWorksheet('Cover');
  const coverLines: Array<[string, boolean]> = [
    [`${r.title}: evidence tables, ${pack.period.name}`, true],
    [`Protective marking: ${pack.marking}`, true],
    [`Period: ${pack.period.text}, compared with ${pack.previousPeriod.text}.`, false],
    [`Produced ${r.generatedAt.slice(0, 10)} for the ${generatedBy} role.`, false],
    [
      r.suppression.applied
        ? 'Small figures are withheld (R44) and shown as [c]; see the Notes worksheet.'
        : 'Small-number suppression is NOT applied to this copy: do not publish it as it is.',
      false,
    ],
    [
      'The tables hold the figures of the evidence pack: one table a worksheet, listed on the Contents worksheet.',
      false,
    ],
    ['Source: the event log of this system; no personal identifiers are included.', false],
  ];
  coverLines.forEach(([text, bold], i) => {
    const c = cover.getCell(`A${i + 1}`);
    c.value = text;
    if (bold) c.font = { bold: true, size: i === 0 ? 16 : 12 };
  });
  cover.getColumn(1).width = 110;

  const tables: TableSheet[] = [headlineSheet(pack), ...r.sections.map((s, i) => sectionSheet(pack, s, i + 2))];
  const contents: TableSheet = {
    name: 'Contents',
    title: 'Contents',
    columns: [
      { name: 'Worksheet', width: 14 },
      { name: 'Title', width: 100 },
    ],
    rows: [
      ['Notes', 'Notes: the [c] symbol, comparisons, rates, sources, data quality and definitions'],
      ...tables.map((t) => [t.name, t.title]),
    ],
  };
  const contentsSheet = addTableSheet(wb, contents, ['This worksheet contains one table.']);
  contents.rows.forEach((row, i) => {
    const c = contentsSheet.getCell(`A${i + 4}`);
    c.value = { text: String(row[0]), hyperlink: `#'${row[0]}'!A1` };
    c.font = { color: { argb: 'FF1D4F91' }, underline: true };
  });
  addTableSheet(
    wb,
    {
      name: 'Notes',
      title: 'Notes',
      columns: [
        { name: 'Note number', width: 12 },
        { name: 'Topic', width: 44 },
        { name: 'Note text', width: 100 },
        { name: 'Figure', width: 12 },
      ],
      rows: notesRows(pack),
    },
    ['This worksheet contains one table.'],
  ).getColumn(3).alignment = { wrapText: true, vertical: 'top' };
  const periodLine = `Period: ${pack.period.text}; previous period ${pack.previousPeriod.text}.`;
  const symbolLine = 'This worksheet contains one table. [c] = figure withheld to protect confidentiality (see Notes).';
  for (const t of tables) addTableSheet(wb, t, [periodLine, symbolLine]);

  for (const ws of wb.worksheets) {
    ws.headerFooter = {
      oddHeader: `&C&B${pack.marking}`,
      oddFooter: `&L${ws.name}&C&B${pack.marking}&RPage &P of &N`,
    };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
