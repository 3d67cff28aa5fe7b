/**
 * R44: no cell below the threshold reaches the PCC role — not in the JSON, the CSV, the evidence
 * pack's HTML (tables, headline figures, charts) or the ZIP of CSVs — and a withheld cell cannot
 * be recovered from a published total. Access is role-restricted and every view audited. No
 * personal identifiers in any output.
 */
import { parse } from 'csv-parse/sync';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo/run-demo.js';
import { createHarness, type Harness } from '../support/harness.js';

let h: Harness;
const T = 5;
const period = 'from=2025-04-01&to=2026-03-31';

beforeAll(async () => {
  h = createHarness({ start: '2026-06-01T09:00:00Z' });
  const { clock: _c, uow: _u, ...base } = h.deps;
  await runDemo(base, { seed: 11, start: '2025-04-01', days: 365, scale: 0.008 });
}, 120_000);
afterAll(() => h.close());

// A withheld figure is published as "[c]" (UK official statistics), never as a range such as "<5" (issue 14).
const isSafeCount = (v: unknown) => v === '[c]' || (typeof v === 'number' && v >= T);
const isSafeText = (t: string) => t === '[c]' || Number(t.replace(/,/g, '')) >= T;

async function get(path: string, token: string) {
  const r = await h.app.request(path, { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, type: r.headers.get('content-type') ?? '', bytes: new Uint8Array(await r.arrayBuffer()) };
}

function noPersonalData(text: string) {
  expect(text).not.toMatch(/DEMO-\d+-\d{6}/); // incident references
  expect(text).not.toMatch(/DEMO-P\d+/); // person identifiers
  expect(text).not.toMatch(/pk_[0-9a-f]{8}/); // pseudonymous keys
  expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/); // incident ids
}

describe('R44 small-number suppression for the PCC role', () => {
  it(
    'R44 JSON: every count below the threshold is withheld in every grouping, and withheld cells cannot be ' +
      'recovered from totals',
    async () => {
      let withheld = 0;
      let shown = 0;
      for (const groupBy of ['month', 'district', 'category', 'agency']) {
        const r = await h.request('GET', `/api/reports/demand?${period}&groupBy=${groupBy}`, {
          token: h.tokens.pcc_analyst,
        });
        expect(r.status).toBe(200);
        expect(r.body.suppression).toMatchObject({ applied: true, threshold: T });
        noPersonalData(JSON.stringify(r.body));
        for (const s of r.body.sections) {
          const counts = s.measures.filter((m: any) => m.unit === 'count').map((m: any) => m.id);
          const rows = s.total ? [...s.rows, s.total] : [];
          for (const row of rows) {
            for (const id of counts) {
              expect(isSafeCount(row.cells[id]), `${groupBy} ${s.id} ${row.group} ${id} = ${row.cells[id]}`).toBe(true);
              if (row.cells[id] === '[c]') expect(row.suppressed).toContain(id);
            }
            withheld += row.suppressed.length;
            shown += counts.filter((id: string) => row.cells[id] !== '[c]').length;
          }
          // Complementary suppression: never exactly one withheld group in a column with a published total.
          if (s.total && s.rows.length > 1) {
            for (const id of counts) {
              if (s.total.cells[id] === '[c]') continue;
              expect(
                s.rows.filter((x: any) => x.suppressed.includes(id)).length,
                `${groupBy} ${s.id} column ${id}`,
              ).not.toBe(1);
            }
          }
        }
        const rcrp = r.body.sections.find((s: any) => s.id === 'rcrp');
        for (const row of [...rcrp.rows, rcrp.total]) {
          if (row.cells.rcrpScope === '[c]') continue;
          const parts = [
            'decisionDeploy',
            'decisionJoint',
            'decisionHandover',
            'decisionAdvice',
            'decisionNone',
          ].filter((id) => row.suppressed.includes(id));
          expect(parts.length, `rcrp ${row.group}: one withheld decision could be recovered from the total`).not.toBe(
            1,
          );
        }
        for (const n of r.body.dataQuality) if (n.unit === 'count') expect(isSafeCount(n.value), n.id).toBe(true);
      }
      expect(withheld, 'the small dataset must exercise suppression').toBeGreaterThan(20);
      expect(shown).toBeGreaterThan(20);
    },
  );

  it('R44 CSV: counts below the threshold appear only as "[c]"', async () => {
    const r = await get(`/api/reports/demand?${period}&groupBy=district&format=csv`, h.tokens.pcc_analyst);
    expect(r.status).toBe(200);
    expect(r.type).toContain('text/csv');
    const text = strFromU8(r.bytes);
    noPersonalData(text);
    const rows = parse(text, { columns: true }) as Array<Record<string, string>>;
    const counts = rows.filter((x) => x.unit === 'count' && x.value !== '');
    expect(counts.length).toBeGreaterThan(50);
    for (const x of counts)
      expect(isSafeText(x.value!), `${x.section} ${x.group} ${x.measure} = ${x.value}`).toBe(true);
    expect(counts.some((x) => x.value === '[c]')).toBe(true);
    expect(text).not.toContain(`<${T}`);
    expect(rows.every((x) => x.definition!.length > 0)).toBe(true);
  });

  it('R44 evidence pack: no count below the threshold in its tables, headline figures or charts', async () => {
    const r = await get(`/api/reports/evidence-pack?${period}`, h.tokens.pcc_analyst);
    expect(r.status).toBe(200);
    expect(r.type).toContain('text/html');
    const html = strFromU8(r.bytes);
    noPersonalData(html);
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/); // self-contained
    const counts = [...html.matchAll(/data-unit="count">([^<]*)</g)].map((m) => m[1]!);
    expect(counts.length).toBeGreaterThan(50);
    for (const c of counts) expect(isSafeText(c), `count cell '${c}'`).toBe(true);
    expect(counts).toContain('[c]');
    expect(html).not.toContain(`&lt;${T}`);
    for (const id of ['s136-by-place-of-safety', 's136-by-conveyance', 's136-outcomes'])
      expect(html).toContain(`id="${id}"`);
  });

  it('R44 evidence pack ZIP: the CSV behind every chart carries no count below the threshold', async () => {
    const r = await get(`/api/reports/evidence-pack?${period}&format=zip`, h.tokens.pcc_analyst);
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/zip');
    const files = unzipSync(r.bytes);
    expect(Object.keys(files).sort()).toEqual(
      [
        'README.txt',
        'agency-answer-times.csv',
        'data-quality.csv',
        'definitions.csv',
        'demand-report.csv',
        'hours-by-segment.csv',
        'monthly-trend.csv',
        'rcrp-outcomes.csv',
        's136-by-conveyance.csv',
        's136-by-place-of-safety.csv',
        's136-outcomes.csv',
      ].sort(),
    );
    for (const bytes of Object.values(files)) noPersonalData(strFromU8(bytes));
    const csv = (name: string) => parse(strFromU8(files[name]!), { columns: true }) as Array<Record<string, string>>;
    for (const x of csv('demand-report.csv').filter((x) => x.unit === 'count' && x.value !== ''))
      expect(isSafeText(x.value!), `${x.section} ${x.measure}`).toBe(true);
    for (const x of csv('monthly-trend.csv')) expect(isSafeText(x.value!), `trend ${x.month}`).toBe(true);
    for (const x of csv('rcrp-outcomes.csv')) expect(isSafeText(x.value!), `rcrp ${x.decision}`).toBe(true);
    for (const x of csv('s136-outcomes.csv')) expect(isSafeText(x.value!), `s.136 outcome ${x.outcome}`).toBe(true);
    for (const x of csv('agency-answer-times.csv')) expect(isSafeText(x.referrals!), `agency ${x.agency}`).toBe(true);
    for (const x of csv('data-quality.csv').filter((x) => x.unit === 'count'))
      expect(isSafeText(x.value!), x.note).toBe(true);
  });

  it('R44 other permitted roles see every figure, or the PCC view on request', async () => {
    const lead = await h.request('GET', `/api/reports/demand?${period}&groupBy=district`, { token: h.tokens.mh_lead });
    expect(lead.body.suppression.applied).toBe(false);
    const cells = lead.body.sections.flatMap((s: any) => s.rows.flatMap((r: any) => Object.values(r.cells)));
    expect(cells.some((v: any) => typeof v === 'number' && v > 0 && v < T)).toBe(true);
    const preview = await h.request('GET', `/api/reports/demand?${period}&groupBy=district&suppress=true`, {
      token: h.tokens.mh_lead,
    });
    expect(preview.body.suppression.applied).toBe(true);
    const pccAsksOff = await h.request('GET', `/api/reports/demand?${period}&groupBy=district&suppress=false`, {
      token: h.tokens.pcc_analyst,
    });
    expect(pccAsksOff.body.suppression.applied, 'the PCC role cannot turn suppression off').toBe(true);
  });

  it('reports are role-restricted and every view, shown or refused, is audited (append-only)', async () => {
    const audit = () =>
      h.db.$client
        .prepare('SELECT user_id AS userId, role, action, params, outcome FROM access_audit ORDER BY id')
        .all() as Array<Record<string, string>>;
    const before = audit().length;
    for (const role of ['call_handler', 'dispatcher'] as const) {
      const r = await h.request('GET', `/api/reports/demand?${period}`, { token: h.tokens[role] });
      expect(r.status).toBe(403);
      expect(r.body.code).toBe('ROLE_NOT_ALLOWED');
      const p = await h.request('GET', `/api/reports/evidence-pack?${period}`, { token: h.tokens[role] });
      expect(p.status).toBe(403);
    }
    await h.request('GET', `/api/reports/demand?${period}&groupBy=month`, { token: h.tokens.pcc_analyst });
    const rows = audit().slice(before);
    expect(rows.map((r) => [r.role, r.action, r.outcome])).toEqual([
      ['call_handler', 'report.demand', 'refused'],
      ['call_handler', 'report.evidencePack', 'refused'],
      ['dispatcher', 'report.demand', 'refused'],
      ['dispatcher', 'report.evidencePack', 'refused'],
      ['pcc_analyst', 'report.demand', 'shown'],
    ]);
    expect(JSON.parse(rows[4]!.params!)).toMatchObject({ from: '2025-04-01', to: '2026-03-31', groupBy: 'month' });
    expect(() => h.db.$client.prepare('UPDATE access_audit SET outcome = ?').run('shown')).toThrow(/append-only/);
    expect(() => h.db.$client.prepare('DELETE FROM access_audit').run()).toThrow(/append-only/);
  });

  it('bad report parameters answer 400 and never 500', async () => {
    for (const q of [
      'from=2025-13-01&to=2026-01-01',
      'from=2026-01-01&to=2025-01-01',
      `${period}&groupBy=person`,
      `${period}&format=pdf`,
      'to=2026-01-01',
      'from=2000-01-01&to=2030-01-01',
    ]) {
      const r = await h.request('GET', `/api/reports/demand?${q}`, { token: h.tokens.pcc_analyst });
      expect(r.status, q).toBe(400);
    }
  });
});
