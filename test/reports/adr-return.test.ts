/**
 * The Home Office ADR return (R42, R43) for a generated year of detentions, recorded
 * through the API. The expected totals and tables are computed here from the generator's own plan
 * (what it decided each detention would be), never from the return's query.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import {
  arrived,
  closeDetention,
  considered,
  consulted,
  conveyed,
  detained,
  extension,
  officer,
  outcome,
  policeIncident,
  policeStation,
  steps,
} from '../support/flows.js';

type Power = 's136' | 's135_1' | 's135_2';
type Pos = 'hbpos' | 'ed' | 'custody' | 'home';
interface Plan {
  n: number;
  power: Power;
  at: string;
  age: number | 'appearsChild' | 'unknown';
  gender: 'male' | 'female' | 'other' | 'notKnown';
  ethnicity: 'white' | 'black' | 'asian' | 'mixed' | 'other' | 'notStated';
  /** false: no subject recorded and no ADR amendment, so the record stays incomplete (R42). */
  identified: boolean;
  pos: Pos;
  conveyance: 'ambulance' | 'policeVehicle' | 'kept';
  vehicleReason: 'ambulanceNotWithin30Min' | 'ambulanceNotRequested' | 'ambulanceDiverted' | 'crewRefused';
  arrested: 'yes' | 'no';
  extensionHours: number;
}

/** mulberry32: a seeded generator, so the year is the same every run. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FY_START = Date.parse('2025-04-01T00:00:00+01:00');
const FY_END = Date.parse('2026-04-01T00:00:00+01:00');

function generate(count: number): Plan[] {
  const r = prng(20252026);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const plans: Plan[] = [];
  // Edges of the year (Europe/London): two just inside, two just outside.
  const edges = ['2025-03-31T22:30:00Z', '2025-03-31T23:30:00Z', '2026-03-31T22:59:00Z', '2026-03-31T23:00:00Z'];
  for (let n = 0; n < count; n++) {
    const at =
      n < edges.length
        ? edges[n]!
        : new Date(FY_START + Math.floor(r() * ((FY_END - FY_START) / 60_000 - 3 * 24 * 60)) * 60_000).toISOString();
    const power: Power = r() < 0.85 ? 's136' : pick(['s135_1', 's135_2'] as const);
    const age =
      r() < 0.1
        ? 'appearsChild'
        : r() < 0.1
          ? 'unknown'
          : r() < 0.15
            ? 12 + Math.floor(r() * 6)
            : 18 + Math.floor(r() * 60);
    const adult = typeof age === 'number' && age >= 18;
    let pos: Pos = pick(['hbpos', 'hbpos', 'hbpos', 'ed', 'ed', 'custody', 'home'] as const);
    if (pos === 'custody' && !adult) pos = 'hbpos'; // R24
    const conveyance =
      power === 's136' && pos === 'ed' && r() < 0.4 ? 'kept' : pick(['ambulance', 'policeVehicle'] as const);
    plans.push({
      n,
      power,
      at,
      age,
      gender: pick(['male', 'male', 'female', 'female', 'other', 'notKnown'] as const),
      ethnicity: pick(['white', 'white', 'white', 'black', 'asian', 'mixed', 'other', 'notStated'] as const),
      identified: r() > 0.12,
      pos,
      conveyance,
      vehicleReason: pick([
        'ambulanceNotWithin30Min',
        'ambulanceNotRequested',
        'ambulanceDiverted',
        'crewRefused',
      ] as const),
      arrested: pick(['yes', 'no'] as const),
      extensionHours: r() < 0.15 ? 1 + Math.floor(r() * 12) : 0,
    });
  }
  return plans;
}

const plus = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

function subjectOf(p: Plan) {
  const age = typeof p.age === 'number' ? { ageYears: p.age } : p.age === 'appearsChild' ? { ageBand: '10to17' } : {};
  return { ...age, gender: p.gender, ethnicity: p.ethnicity };
}

function placeOf(p: Plan, at: string): Record<string, unknown> {
  if (p.pos === 'hbpos') return { site: 'kmptCanterbury' };
  if (p.pos === 'ed') return { site: 'edWilliamHarvey' };
  if (p.pos === 'home')
    return {
      type: 'privateDwelling',
      description: "the person's own flat",
      consent: { personAgreed: true, personLivesThere: true, soleOccupier: true },
    };
  const ps = policeStation({
    arrestedForOffence: p.arrested,
    authorisation: { name: 'Insp 88 L. Grant', rank: 'inspector', at },
  }) as { policeStation: Record<string, unknown> };
  return ps;
}

/** Record one planned detention through the API, as officers and the control room would. */
async function record(h: Harness, p: Plan): Promise<void> {
  const id = `adr-${p.n}`;
  h.clock.set(plus(p.at, -60));
  const incident = await policeIncident(
    h,
    p.identified ? { reference: `KENT-ADR-${p.n}`, subject: subjectOf(p) } : { reference: `KENT-ADR-${p.n}` },
  );
  h.clock.set(plus(p.at, -20));
  const kept = p.conveyance === 'kept';
  if (p.power === 's136') {
    await steps(h, incident, [considered(id), consulted(id)]);
    h.clock.set(p.at);
    await steps(h, incident, [
      detained(
        id,
        kept
          ? { mode: 'kept', locationType: 'emergencyDepartment', placeOfSafety: placeOf(p, p.at) }
          : { locationType: 'street' },
      ),
    ]);
  } else {
    h.clock.set(p.at);
    await steps(h, incident, [
      {
        type: 'S135_WARRANT_EXECUTED',
        detentionId: id,
        power: p.power,
        mode: 'removed',
        warrant: {
          reference: `MC/${p.n}`,
          court: 'Canterbury Magistrates',
          amhpName: 'AMHP J. Cole',
          doctorName: 'Dr R. Iqbal',
          hospital: 'St Martin’s',
        },
        officer,
      },
    ]);
  }
  if (!kept) {
    h.clock.set(plus(p.at, 5));
    await steps(h, incident, [
      p.conveyance === 'ambulance'
        ? conveyed(id)
        : conveyed(id, {
            method: 'policeVehicle',
            ambulanceRequested: p.vehicleReason !== 'ambulanceNotRequested',
            ...(p.vehicleReason !== 'ambulanceNotRequested' ? { ambulanceRequestedAt: plus(p.at, 1) } : {}),
            policeVehicleReason: p.vehicleReason,
          }),
    ]);
    h.clock.set(plus(p.at, 40));
    await steps(h, incident, [arrived(id, placeOf(p, plus(p.at, 40)))]);
  }
  if (p.extensionHours) {
    h.clock.set(plus(p.at, 20 * 60));
    await steps(h, incident, [
      extension(id, {
        hours: p.extensionHours,
        ...(p.pos === 'custody'
          ? { superintendentApproval: { name: 'Supt K. Dale', rank: 'superintendent', at: plus(p.at, 20 * 60) } }
          : {}),
      }),
    ]);
  }
  h.clock.set(plus(p.at, 22 * 60));
  await steps(h, incident, [outcome(id, 'dischargedWithReferral', { doctorExaminedAt: plus(p.at, 21 * 60) })]);
  if (p.identified) await steps(h, incident, [closeDetention(id)]);
}

// ---------------------------------------------------------------------------------------------
// The expected return, from the plan alone.
// ---------------------------------------------------------------------------------------------

const inYear = (p: Plan) => Date.parse(p.at) >= FY_START && Date.parse(p.at) < FY_END;
const isS136 = (p: Plan) => p.power === 's136';

function expectedCategory(p: Plan, table: string): string {
  const missing = 'Missing (record incomplete)';
  switch (table) {
    case 'power':
      return { s136: 'Section 136', s135_1: 'Section 135(1)', s135_2: 'Section 135(2)' }[p.power];
    case 'ageGroup':
      if (!p.identified) return missing;
      return p.age === 'unknown' ? 'Not known' : p.age === 'appearsChild' || p.age < 18 ? 'Under 18' : '18 and over';
    case 'gender':
      return p.identified
        ? { male: 'Male', female: 'Female', other: 'Other', notKnown: 'Not known' }[p.gender]
        : missing;
    case 'ethnicity':
      return p.identified
        ? { white: 'White', black: 'Black', asian: 'Asian', mixed: 'Mixed', other: 'Other', notStated: 'Not stated' }[
            p.ethnicity
          ]
        : missing;
    case 'firstPlaceOfSafety':
      return { hbpos: 'Health-based place of safety', ed: 'A&E', custody: 'Police station', home: 'Private home' }[
        p.pos
      ];
    case 'conveyanceMethod':
      return { ambulance: 'Ambulance', policeVehicle: 'Police vehicle', kept: 'None (already at place of safety)' }[
        p.conveyance
      ];
    case 'policeVehicleReason':
      return p.conveyance !== 'policeVehicle'
        ? 'Not applicable'
        : {
            ambulanceNotWithin30Min: 'Ambulance not available within 30 minutes',
            ambulanceNotRequested: 'Ambulance not requested',
            ambulanceDiverted: 'Ambulance diverted to a higher-priority call',
            crewRefused: 'Ambulance crew refused to convey',
          }[p.vehicleReason];
    case 'policeStationReason':
      return p.pos === 'custody'
        ? 'Behaviour posed an imminent risk of serious injury or death; no other place could reasonably detain ' +
            '(Regulations met)'
        : 'Not applicable';
    case 'arrestedForOffence':
      return p.pos === 'custody' ? { yes: 'Yes', no: 'No' }[p.arrested] : 'Not applicable';
    default:
      throw new Error(table);
  }
}

function expectedTable(plans: Plan[], table: string): Map<string, { s136: number; s135: number; total: number }> {
  const m = new Map<string, { s136: number; s135: number; total: number }>();
  for (const p of plans) {
    const c = expectedCategory(p, table);
    const row = m.get(c) ?? { s136: 0, s135: 0, total: 0 };
    if (isS136(p)) row.s136++;
    else row.s135++;
    row.total++;
    m.set(c, row);
  }
  return m;
}

/** The CSV as the recipient's tool reads it (RFC 4180). */
function parseCsv(text: string): string[][] {
  return parse(text, { relaxColumnCount: false }) as string[][];
}

describe('ADR return for a generated year of detentions', () => {
  let h: Harness;
  const plans = generate(64);
  const counted = plans.filter(inYear);
  let json: any;

  beforeAll(async () => {
    h = createHarness({ start: '2025-03-31T21:00:00Z' });
    for (const p of plans) await record(h, p);
    const r = await h.request('GET', '/api/returns/adr?year=2025-26', { token: h.tokens.mh_lead });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    json = r.body;
  }, 120_000);
  afterAll(() => h.close());

  it('R43 counts exactly the detentions whose Europe/London date falls in 1 April 2025 – 31 March 2026', () => {
    expect(counted.length).toBe(plans.length - 2); // the two edges outside the year
    expect(json.totals).toEqual({
      s136: counted.filter(isS136).length,
      s135: counted.filter((p) => !isS136(p)).length,
      total: counted.length,
      complete: counted.filter((p) => p.identified).length,
      incomplete: counted.filter((p) => !p.identified).length,
    });
    const ids = new Set(json.records.map((r: { detentionId: string }) => r.detentionId));
    expect(ids.has('adr-0')).toBe(false); // 23:30 BST on 31 March 2025
    expect(ids.has('adr-1')).toBe(true); // 00:30 BST on 1 April 2025
    expect(ids.has('adr-2')).toBe(true); // 23:59 BST on 31 March 2026
    expect(ids.has('adr-3')).toBe(false); // 00:00 BST on 1 April 2026
    expect(json.records.every((r: { financialYear: string }) => r.financialYear === '2025-26')).toBe(true);
  });

  it('every aggregate table matches totals computed independently from the generated plan', () => {
    for (const table of [
      'power',
      'ageGroup',
      'gender',
      'ethnicity',
      'firstPlaceOfSafety',
      'conveyanceMethod',
      'policeVehicleReason',
      'policeStationReason',
      'arrestedForOffence',
    ]) {
      const expected = expectedTable(counted, table);
      const rows = json.tables[table] as Array<{ category: string; s136: number; s135: number; total: number }>;
      const total = rows.at(-1)!;
      expect(total, `${table} total row`).toEqual({
        category: 'Total',
        s136: counted.filter(isS136).length,
        s135: counted.filter((p) => !isS136(p)).length,
        total: counted.length,
      });
      const got = new Map(rows.slice(0, -1).map((r) => [r.category, { s136: r.s136, s135: r.s135, total: r.total }]));
      expect(Object.fromEntries(got), table).toEqual(Object.fromEntries(expected));
    }
  });

  it('R42 records carry explicit "Not known" codes, and an incomplete record says which fields are missing', () => {
    const byId = new Map(json.records.map((r: { detentionId: string }) => [r.detentionId, r]));
    for (const p of counted) {
      const r: any = byId.get(`adr-${p.n}`);
      expect(r.adrComplete).toBe(p.identified ? 'Yes' : 'No');
      if (!p.identified) expect(r.missingFields).toBe('ageGroup gender ethnicity');
      if (p.identified && p.age === 'unknown') expect(r.ageGroup).toBe('Not known');
      expect(r.extended).toBe(p.extensionHours > 0 ? 'Yes' : 'No');
      expect(Number(r.extensionHours)).toBe(p.extensionHours);
    }
    expect(json.records.some((r: { ageGroup: string }) => r.ageGroup === 'Not known')).toBe(true);
    expect(json.records.some((r: { gender: string }) => r.gender === 'Not known')).toBe(true);
  });

  it('the per-detention CSV and the table CSVs carry the same figures as the JSON', async () => {
    const r = await h.request('GET', '/api/returns/adr?year=2025-26&format=csv', { token: h.tokens.mh_lead });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/csv');
    expect(r.headers.get('content-disposition')).toBe('attachment; filename="adr-s136-kent-2025-26-records.csv"');
    const rows = parseCsv(r.body as string);
    expect(rows[0]).toEqual([
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
    ]);
    expect(rows.length - 1).toBe(counted.length);
    const col = rows[0]!.indexOf('firstPlaceOfSafety');
    const policeStations = rows.slice(1).filter((x) => x[col] === 'Police station').length;
    expect(policeStations).toBe(counted.filter((p) => p.pos === 'custody').length);
    const t = await h.request('GET', '/api/returns/adr?year=2025-26&format=csv&table=firstPlaceOfSafety', {
      token: h.tokens.mh_lead,
    });
    const trows = parseCsv(t.body as string);
    expect(trows[0]).toEqual(['firstPlaceOfSafety', 's136', 's135', 'total']);
    expect(trows.slice(1)).toEqual(
      json.tables.firstPlaceOfSafety.map((x: any) => [x.category, String(x.s136), String(x.s135), String(x.total)]),
    );
  });

  it("the example tables in docs/detentions.md are this year's", async () => {
    const doc = readFileSync(new URL('../../docs/detentions.md', import.meta.url), 'utf8');
    const block = /<!-- adr-example:generated -->\n([\s\S]*?)<!-- \/adr-example:generated -->/.exec(doc)![1]!;
    const shown = [...block.matchAll(/```csv\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const real = await Promise.all(
      ['firstPlaceOfSafety', 'policeVehicleReason'].map(async (t) =>
        (
          (await h.request('GET', `/api/returns/adr?year=2025-26&format=csv&table=${t}`, { token: h.tokens.mh_lead }))
            .body as string
        ).replaceAll('\r\n', '\n'),
      ),
    );
    expect(shown).toEqual(real);
  });

  it('refuses a malformed year with 400 naming the field; another year is empty, not an error', async () => {
    for (const y of ['2025', '2025-27', '25-26', '2025-26x']) {
      const r = await h.request('GET', `/api/returns/adr?year=${y}`, { token: h.tokens.mh_lead });
      expect(r.status, y).toBe(400);
      expect(r.body.issues[0].path).toBe('query.year');
    }
    const other = await h.request('GET', '/api/returns/adr?year=2023-24', { token: h.tokens.mh_lead });
    expect(other.body.totals.total).toBe(0);
    expect(other.body.tables.power).toEqual([{ category: 'Total', s136: 0, s135: 0, total: 0 }]);
  });
});
