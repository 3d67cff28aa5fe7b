/**
 * The PCC's evidence pack on hand-made data, every figure worked out in the test: secondary
 * suppression marked honestly as "[c]" in every output (JSON, CSV, HTML, ZIP, workbook) with the
 * totals unchanged; the change on the previous equal period and rates per 100,000 people; the
 * national s.136 rate; and the workbook read back with exceljs (sheets, titles, [c] cells, notes).
 */
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { loadForceConfig } from '../../src/config/load.js';
import { change, nationalS136, per100k } from '../../src/reports/comparison.js';
import { previousPeriod } from '../../src/reports/period.js';
import { createIncident } from '../support/flows.js';
import { createHarness, type Harness } from '../support/harness.js';

let h: Harness;
afterEach(() => h?.close());

const POPULATION = 200_000;
const withPopulation = (c: any) => {
  c.reporting.population = { value: POPULATION, description: 'a test force area', source: 'this test' };
  return c;
};

async function incidents(days: string[]) {
  for (const [i, day] of days.entries())
    await createIncident(h, { receivedAt: `${day}T10:${String(i % 60).padStart(2, '0')}:00Z` });
}
const repeat = (day: string, n: number) => Array.from({ length: n }, () => day);

async function get(path: string, token: string) {
  const r = await h.app.request(path, { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, type: r.headers.get('content-type') ?? '', bytes: new Uint8Array(await r.arrayBuffer()) };
}

describe('R44 secondary suppression, marked honestly', () => {
  // April: 3 MH-related incidents (below 5: withheld). May: 8 (withheld as well, or 11 − 8 would give April back).
  const period = 'from=2025-04-01&to=2025-05-31';

  it('R44 JSON, CSV, HTML, ZIP and workbook show [c] for a small cell and the one withheld to protect it', async () => {
    h = createHarness({ start: '2025-06-10T09:00:00Z' });
    await incidents([...repeat('2025-04-10', 3), ...repeat('2025-05-12', 8)]);
    const pcc = h.tokens.pcc_analyst;

    const json = await h.request('GET', `/api/reports/demand?${period}&groupBy=month`, { token: pcc });
    const mh = json.body.sections.find((s: any) => s.id === 'mhIncidents');
    expect(mh.rows.map((r: any) => [r.group, r.cells.mhRelated])).toEqual([
      ['2025-04', '[c]'],
      ['2025-05', '[c]'],
    ]);
    expect(mh.rows.every((r: any) => r.suppressed.includes('mhRelated'))).toBe(true);
    expect(mh.total.cells.mhRelated, 'the total stays true').toBe(11);
    expect(json.body.suppression.rule).toContain('"[c]"');
    expect(JSON.stringify(json.body)).not.toMatch(/<5/);

    const csv = parse(strFromU8((await get(`/api/reports/demand?${period}&groupBy=month&format=csv`, pcc)).bytes), {
      columns: true,
    }) as Array<Record<string, string>>;
    const cell = (g: string) =>
      csv.find((x) => x.section === 'mhIncidents' && x.group === g && x.measure === 'mhRelated')!;
    expect([cell('2025-04').value, cell('2025-05').value, cell('all').value]).toEqual(['[c]', '[c]', '11']);
    expect(csv.find((x) => x.section === 'notes')!.definition).toMatch(/^\[c\] = confidential/);
    expect(csv.some((x) => x.value!.startsWith('<'))).toBe(false);

    const html = strFromU8((await get(`/api/reports/evidence-pack?${period}`, pcc)).bytes);
    const table = /<table data-section="mhIncidents">[\s\S]*?<\/table>/.exec(html)![0];
    const row = (label: string) => {
      const cells = new RegExp(`<th scope="row">${label}</th>((?:<td[^>]*>[^<]*</td>)+)`).exec(table)![1]!;
      return [...cells.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
    };
    // Columns: incidents recorded, MH-related, …
    expect(row('Apr 25')[1]).toBe('[c]');
    expect(row('May 25')[1]).toBe('[c]');
    expect(row('Total 1 April 2025 to 31 May 2025')[1]).toBe('11');
    expect(html).not.toContain('&lt;5');
    expect(html).toContain('[c] = confidential: figure withheld to protect confidentiality');

    const zip = unzipSync((await get(`/api/reports/evidence-pack?${period}&format=zip`, pcc)).bytes);
    const trend = parse(strFromU8(zip['monthly-trend.csv']!), { columns: true }) as Array<Record<string, string>>;
    expect(trend.map((x) => x.value)).toEqual(['[c]', '[c]']);
    expect(trend[1]!.note).toMatch(/^\[c\] = confidential/);

    const xlsx = await get(`/api/reports/workbook?${period}`, pcc);
    expect(xlsx.status).toBe(200);
    expect(xlsx.type).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(xlsx.bytes) as any);
    const ws = wb.getWorksheet('Table_2')!;
    expect(String(ws.getCell('A1').value)).toBe(
      'Table 2: Mental-health-related incidents by month, 1 April 2025 to 31 May 2025',
    );
    const header = ws.getRow(4).values as unknown[];
    const col = header.indexOf('MH-related incidents');
    expect(col).toBeGreaterThan(0);
    const byLabel = (label: string) => {
      for (let r = 5; r <= ws.rowCount; r++) if (ws.getCell(r, 1).value === label) return ws.getCell(r, col).value;
      throw new Error(`no row ${label}`);
    };
    expect([byLabel('Apr 25'), byLabel('May 25'), byLabel('Total 1 April 2025 to 31 May 2025')]).toEqual([
      '[c]',
      '[c]',
      11,
    ]);
  });

  it('R44 the MH lead sees the same cells with their values (3 and 8)', async () => {
    h = createHarness({ start: '2025-06-10T09:00:00Z' });
    await incidents([...repeat('2025-04-10', 3), ...repeat('2025-05-12', 8)]);
    const r = await h.request('GET', `/api/reports/demand?${period}&groupBy=month`, { token: h.tokens.mh_lead });
    const mh = r.body.sections.find((s: any) => s.id === 'mhIncidents');
    expect(mh.rows.map((x: any) => x.cells.mhRelated)).toEqual([3, 8]);
  });
});

describe('comparison with the previous equal period, and rates per 100,000 people', () => {
  it('2025/26 against 2024/25: 12 against 10 MH-related incidents is up 20%; 6.0 and 5.0 per 100,000', async () => {
    h = createHarness({ start: '2026-06-01T09:00:00Z', config: withPopulation });
    await incidents([...repeat('2024-05-02', 4), ...repeat('2025-01-20', 6)]);
    await incidents([...repeat('2025-04-03', 5), ...repeat('2025-11-11', 7)]);
    const html = strFromU8(
      (await get('/api/reports/evidence-pack?from=2025-04-01&to=2026-03-31', h.tokens.pcc_analyst)).bytes,
    );
    // Hand-computed: (12 − 10) / 10 = +20%; 12 / 200,000 × 100,000 = 6.0; 10 / 200,000 × 100,000 = 5.0.
    expect(html).toMatch(
      new RegExp(
        'MH-related incidents<b data-unit="count">12</b><span>2024/25: 10 \\(up 20%\\)</span>' +
          '<span>6\\.0 per 100,000 people',
      ),
    );
    expect(html).toContain('<li>MH-related incidents: 12, up 20% on 2024/25 (6.0 per 100,000 people).</li>');
    const headline = /<th scope="row">MH-related incidents<\/th>(.*?)<\/tr>/.exec(html)![1]!;
    expect([...headline.matchAll(/>([^<]+)<\/td>/g)].map((m) => m[1])).toEqual(['12', '10', '+20%', '6.0', '5.0']);
    // Every section total has the previous period's total and the change beside it.
    const table = /<table data-section="mhIncidents">[\s\S]*?<\/table>/.exec(html)![0];
    expect(table).toMatch(/<th scope="row">Total 2025\/26<\/th><td class="n" data-unit="count">12<\/td>/);
    expect(table).toMatch(
      /<th scope="row">Total 2024\/25 \(previous period\)<\/th><td class="n" data-unit="count">10<\/td>/,
    );
    expect(table).toMatch(
      /<th scope="row">Change on previous period<\/th><td class="n" data-unit="change">\+20%<\/td>/,
    );
  });

  it('changes: per cent for counts, percentage points for shares, none from 0 or when withheld', () => {
    const c = (value: number | null, suppressed = false) => ({ value, suppressed });
    expect(change(c(4248), c(4827), 'hours')).toEqual({ kind: 'percent', value: -12, suppressed: false });
    expect(change(c(730), c(728), 'count').value, '+0.27%: printed "up 0.3%", never "unchanged"').toBe(0.3);
    expect(change(c(0.41), c(0.365), 'share')).toEqual({ kind: 'points', value: 4.5, suppressed: false });
    expect(change(c(7), c(0), 'count').value).toBeNull();
    expect(change(c(7), c(null, true), 'count')).toEqual({ kind: 'percent', value: null, suppressed: true });
    expect(per100k(c(835), 1_855_900)).toEqual(c(45)); // 835 / 1,855,900 × 100,000 = 44.99
    expect(per100k(c(null, true), 1_855_900)).toEqual(c(null, true));
  });

  it('s.136 per 100,000 beside England and Wales: the same year when published, else the latest before it', () => {
    const config = loadForceConfig();
    // 31,213 / 59,597,300 × 100,000 = 52.37…
    expect(nationalS136(config, { from: '2025-04-01', to: '2026-03-31' })).toMatchObject({
      year: '2023/24',
      sameYear: false,
      detentions: 31_213,
      rate: 52.4,
    });
    // 34,685 / 59,597,300 × 100,000 = 58.19…
    expect(nationalS136(config, { from: '2022-04-01', to: '2023-03-31' })).toMatchObject({
      year: '2022/23',
      sameYear: true,
      rate: 58.2,
    });
    expect(nationalS136(config, { from: '2025-04-01', to: '2025-06-30' }), 'a quarter is not comparable').toBeNull();
  });

  it('R43 the previous equal period: a financial year is the year before; other periods move by their length', () => {
    expect(previousPeriod({ from: '2025-04-01', to: '2026-03-31' })).toEqual({ from: '2024-04-01', to: '2025-03-31' });
    expect(previousPeriod({ from: '2024-04-01', to: '2025-03-31' })).toEqual({ from: '2023-04-01', to: '2024-03-31' });
    expect(previousPeriod({ from: '2025-04-01', to: '2025-06-30' })).toEqual({ from: '2025-01-01', to: '2025-03-31' });
    expect(previousPeriod({ from: '2025-04-10', to: '2025-04-19' })).toEqual({ from: '2025-03-31', to: '2025-04-09' });
  });
});

describe('the workbook', () => {
  it('cover, contents, notes, then one titled table a sheet; no merged cells, no blank rows in a table', async () => {
    h = createHarness({ start: '2026-06-01T09:00:00Z', config: withPopulation });
    await incidents([...repeat('2025-04-03', 6), ...repeat('2025-11-11', 2)]);
    const r = await get('/api/reports/workbook?from=2025-04-01&to=2026-03-31', h.tokens.pcc_analyst);
    expect(r.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(r.bytes) as any);
    const names = wb.worksheets.map((w) => w.name);
    expect(names.slice(0, 4)).toEqual(['Cover', 'Contents', 'Notes', 'Table_1']);
    expect(names).toHaveLength(4 + 11);
    expect(String(wb.getWorksheet('Cover')!.getCell('A1').value)).toBe(
      'Mental-health demand on Kent Police: evidence tables, 2025/26',
    );
    expect(String(wb.getWorksheet('Cover')!.getCell('A2').value)).toBe('Protective marking: OFFICIAL-SENSITIVE');
    const contents = wb.getWorksheet('Contents')!;
    expect(contents.getCell('A4').value).toEqual({ text: 'Notes', hyperlink: "#'Notes'!A1" });
    const notes = wb.getWorksheet('Notes')!;
    const noteTexts = Array.from({ length: notes.rowCount - 3 }, (_, i) => String(notes.getCell(i + 4, 3).value));
    expect(noteTexts[0]).toMatch(/^\[c\] = confidential: figure withheld to protect confidentiality/);
    expect(noteTexts.some((t) => t.startsWith('Incidents without a flag at close'))).toBe(true); // data quality
    expect(noteTexts.some((t) => t === 'Flag at close when recorded, else flag at call.')).toBe(true); // definitions
    for (const ws of wb.worksheets) {
      expect(ws.model.merges ?? [], ws.name).toEqual([]);
      if (ws.name === 'Cover') continue;
      expect(String(ws.getCell('A1').value), ws.name).not.toBe('');
      for (let row = 4; row <= ws.rowCount; row++)
        expect(ws.getCell(row, 1).value, `${ws.name} row ${row}`).toBeTruthy();
    }
    const headlines = wb.getWorksheet('Table_1')!;
    expect(String(headlines.getCell('A1').value)).toBe(
      'Table 1: Headline figures, 1 April 2025 to 31 March 2026, compared with 1 April 2024 to 31 March 2025',
    );
    expect(String(headlines.getCell('A2').value)).toMatch(/^Period: 1 April 2025 to 31 March 2026/);
    // 8 MH-related incidents, 4.0 per 100,000; no data for 2024/25 ([x]); November's 2 is [c] in the monthly table.
    expect(headlines.getRow(5).values).toEqual([
      undefined,
      'MH-related incidents',
      'number',
      8,
      '[x]',
      '[x]',
      4,
      '[x]',
    ]);
    const monthly = wb.getWorksheet('Table_2')!;
    const mhCol = (monthly.getRow(4).values as unknown[]).indexOf('MH-related incidents');
    const nov = Array.from({ length: monthly.rowCount }, (_, i) => monthly.getRow(i + 1)).find(
      (x) => x.getCell(1).value === 'Nov 25',
    )!;
    expect(nov.getCell(mhCol).value).toBe('[c]');
  });

  it('the workbook follows the pack: other roles refused and audited; bad periods are 400', async () => {
    h = createHarness({ start: '2026-06-01T09:00:00Z' });
    const refused = await h.request('GET', '/api/reports/workbook?from=2025-04-01&to=2026-03-31', {
      token: h.tokens.call_handler,
    });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('ROLE_NOT_ALLOWED');
    for (const q of ['from=2026-01-01&to=2025-01-01', 'from=2025-13-01&to=2026-01-01', 'to=2026-01-01']) {
      const r = await h.request('GET', `/api/reports/workbook?${q}`, { token: h.tokens.pcc_analyst });
      expect(r.status, q).toBe(400);
    }
    await get('/api/reports/workbook?from=2025-04-01&to=2026-03-31', h.tokens.pcc_analyst);
    const audit = h.db.$client.prepare('SELECT role, action, outcome FROM access_audit ORDER BY id').all() as Array<
      Record<string, string>
    >;
    expect(audit.filter((a) => a.action === 'report.workbook')).toEqual([
      { role: 'call_handler', action: 'report.workbook', outcome: 'refused' },
      { role: 'pcc_analyst', action: 'report.workbook', outcome: 'shown' },
    ]);
  });
});
