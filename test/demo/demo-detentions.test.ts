/**
 * s.136 detentions and s.135 warrants in the demo year. A full Kent-sized year is planned (planning is pure and fast)
 * and its detentions are checked against the published figures and the rules the machines enforce;
 * then every police-station detention and a sample of the others go through the real command path
 * (the demo must never be refused) and are read back through the ADR return and the alerts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupCommitUnitOfWork } from '../../src/commands/unit-of-work.js';
import type { CommandDeps } from '../../src/commands/deps.js';
import { applyPlan, SteppingClock } from '../../src/demo/apply.js';
import { CALIBRATION, planYear, type IncidentPlan, type PlanOptions } from '../../src/demo/plan.js';
import { DEMO_DEFAULTS } from '../../src/demo/run-demo.js';
import { createHarness, type Harness } from '../support/harness.js';

const O: PlanOptions = { ...DEMO_DEFAULTS };
let h: Harness;
let plans: IncidentPlan[];
let detained: IncidentPlan[];
let applied: IncidentPlan[];

const mins = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 60_000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

beforeAll(async () => {
  h = createHarness({ start: '2026-06-01T09:00:00Z' });
  plans = planYear(h.config, O);
  detained = plans.filter((p) => p.detention);
  // Every police-station detention (the rare path) and every 25th of the others.
  applied = detained.filter((p, i) => p.detention!.place.type === 'policeStation' || i % 25 === 0);
  const clock = new SteppingClock();
  const uow = groupCommitUnitOfWork(h.db.$client);
  const deps: CommandDeps = { ...h.deps, clock, uow };
  for (const p of applied) applyPlan(deps, clock, p);
  await uow.durable();
});
afterAll(() => h.close());

describe('demo s.136 detentions (a full year, seed 42)', () => {
  it(
    'are as many as Kent reported (835 a year), on police-attended MH incidents of the crisis categories, with ' +
      'unique ids',
    () => {
      expect(detained.length).toBe(CALIBRATION.s136PerYear);
      for (const p of detained) {
        expect(['mhCrisisInPublic', 'suicideSelfHarmConcern', 'concernForWelfare']).toContain(p.category);
        expect(p.mhFlagAtClose).toBe(true);
        expect(p.resources[0]!.arrivedAt).not.toBeNull();
      }
      expect(new Set(detained.map((p) => p.detention!.id)).size).toBe(detained.length);
      // Reproducible: the same seed plans the same year.
      expect(planYear(h.config, O)).toEqual(plans);
    },
  );

  it('have the published shares: first place of safety, conveyance, gender, ethnicity, adults', () => {
    const n = detained.length;
    const share = (f: (p: IncidentPlan) => boolean) => detained.filter(f).length / n;
    expect(share((p) => p.detention!.place.type === 'healthBasedPlaceOfSafety')).toBeCloseTo(0.68, 2);
    expect(share((p) => p.detention!.place.type === 'emergencyDepartment')).toBeCloseTo(0.29, 2);
    const stations = detained.filter((p) => p.detention!.place.type === 'policeStation');
    expect(stations.length).toBeGreaterThanOrEqual(3);
    expect(stations.length).toBeLessThanOrEqual(10);
    expect(share((p) => p.detention!.conveyance.method === 'policeVehicle')).toBeCloseTo(0.51, 2);
    expect(share((p) => p.detention!.conveyance.method === 'ambulance')).toBeCloseTo(0.35, 2);
    expect(Math.abs(share((p) => p.detention!.person.gender === 'male') - 0.52)).toBeLessThan(0.04);
    expect(Math.abs(share((p) => p.detention!.person.ethnicity === 'white') - 0.84)).toBeLessThan(0.04);
    expect(Math.abs(share((p) => p.detention!.person.ageYears >= 18) - 0.94)).toBeLessThan(0.03);
  });

  it(
    'keep the rules: police stations for adults with a police vehicle (R24, R25), a reason for every police vehicle ' +
      '(R33), no overlapping detentions of one person (R30)',
    () => {
      for (const p of detained) {
        const d = p.detention!;
        if (d.place.type === 'policeStation') {
          expect(d.person.ageYears).toBeGreaterThanOrEqual(18);
          expect(d.conveyance.method).toBe('policeVehicle');
          expect(d.policeStation!.authorisedAt <= d.arrivedAt).toBe(true);
          expect(d.nhsAcceptedAt).toBeNull();
        } else {
          expect(d.policeStation).toBeNull();
        }
        if (d.conveyance.method === 'policeVehicle') {
          expect(d.conveyance.policeVehicleReason).not.toBeNull();
          expect(d.conveyance.ambulanceRequestedAt === null).toBe(
            d.conveyance.policeVehicleReason === 'ambulanceNotRequested',
          );
        } else expect(d.conveyance.policeVehicleReason).toBeNull();
      }
      const byPerson = new Map<number, IncidentPlan[]>();
      for (const p of detained) if (p.person !== null) byPerson.set(p.person, [...(byPerson.get(p.person) ?? []), p]);
      for (const ps of byPerson.values()) {
        const spans = ps.map((p) => [p.detention!.detainedAt, p.detention!.outcome.at] as const).sort();
        for (let i = 1; i < spans.length; i++) expect(spans[i]![0] > spans[i - 1]![1]).toBe(true);
      }
    },
  );

  it(
    'run in time order inside the 24 hours, and the detaining crew accounts for its time without gaps (R39); the ' +
      'incident closes last (R38)',
    () => {
      for (const p of detained) {
        const d = p.detention!;
        const order = [
          d.consideredAt,
          d.consultation!.at,
          d.detainedAt,
          d.conveyance.at,
          d.arrivedAt,
          d.assessmentStartedAt,
          d.outcome.at,
          d.closedAt,
        ];
        for (let i = 1; i < order.length; i++) expect(order[i]! >= order[i - 1]!, `${d.id} step ${i}`).toBe(true);
        expect(mins(d.arrivedAt, d.outcome.at)).toBeLessThan(24 * 60);
        for (const at of [d.outcome.doctorExaminedAt, d.outcome.amhpInterviewedAt, d.outcome.amhpApplicationAt])
          if (at) expect(at >= d.arrivedAt && at <= d.outcome.at).toBe(true);
        if (d.policeDepartedAt) {
          expect(
            d.arrivedAt <= d.nhsAcceptedAt! &&
              d.nhsAcceptedAt! <= d.policeDepartedAt &&
              d.policeDepartedAt <= d.outcome.at,
          ).toBe(true);
          if (d.extendedStayAt) expect(d.extendedStayAt < d.policeDepartedAt).toBe(true);
        }
        const r0 = p.resources[0]!;
        expect(r0.segments[0]!.startAt).toBe(r0.dispatchedAt);
        for (let i = 1; i < r0.segments.length; i++) expect(r0.segments[i]!.startAt).toBe(r0.segments[i - 1]!.endAt);
        expect(r0.segments.at(-1)!.endAt).toBe(r0.clearedAt);
        expect(p.closedAt! > d.closedAt).toBe(true);
        for (const r of p.resources) expect(p.closedAt! > r.clearedAt).toBe(true);
      }
    },
  );

  it('handovers at the place of safety: median 60–90 minutes, most over the hour, the longest at A&E', () => {
    const handovers = detained
      .filter((p) => p.detention!.policeDepartedAt)
      .map((p) => ({ type: p.detention!.place.type, m: mins(p.detention!.arrivedAt, p.detention!.policeDepartedAt!) }));
    const all = median(handovers.map((x) => x.m));
    expect(all).toBeGreaterThanOrEqual(60);
    expect(all).toBeLessThanOrEqual(90);
    expect(handovers.filter((x) => x.m > 60).length / handovers.length).toBeGreaterThan(0.5);
    const ed = median(handovers.filter((x) => x.type === 'emergencyDepartment').map((x) => x.m));
    const hbpos = median(handovers.filter((x) => x.type === 'healthBasedPlaceOfSafety').map((x) => x.m));
    expect(ed).toBeGreaterThan(hbpos);
  });

  it(
    'go through the real command path unrefused, closed with a complete ADR record; police vehicles without an ' +
      'ambulance request raise R34',
    async () => {
      expect(applied.filter((p) => p.detention!.place.type === 'policeStation').length).toBeGreaterThan(0);
      const adr = (await h.request('GET', '/api/returns/adr?year=2025-26', { token: h.tokens.mh_lead })).body;
      expect(adr.totals).toMatchObject({ s136: applied.length, complete: applied.length, incomplete: 0 });
      expect(adr.records.every((r: { status: string }) => r.status === 'closed')).toBe(true);
      const stations = adr.tables.firstPlaceOfSafety.find((r: { category: string }) => r.category === 'Police station');
      expect(stations.s136).toBe(applied.filter((p) => p.detention!.place.type === 'policeStation').length);
      const r34 = (await h.request('GET', '/api/alerts?rule=R34&limit=500', { token: h.tokens.mh_lead })).body.items;
      expect(r34.length).toBe(
        applied.filter((p) => p.detention!.conveyance.policeVehicleReason === 'ambulanceNotRequested').length,
      );
      // Every incident is closed (no resource still assigned, no detention open).
      const open = h.db.$client.prepare("SELECT count(*) FROM incidents WHERE status <> 'closed'").pluck().get();
      expect(open).toBe(0);
    },
  );
});

describe('demo s.135 warrants (the same year)', () => {
  let hw: Harness;
  let warranted: IncidentPlan[];
  beforeAll(async () => {
    hw = createHarness({ start: '2026-06-01T09:00:00Z' });
    warranted = plans.filter((p) => p.warrant);
    const clock = new SteppingClock();
    const uow = groupCommitUnitOfWork(hw.db.$client);
    for (const p of warranted) applyPlan({ ...hw.deps, clock, uow }, clock, p);
    await uow.durable();
  });
  afterAll(() => hw.close());

  it(
    'are as many as the stated assumption (Kent s.136 × the national s.135 : s.136 ratio), s.135(1) with an AMHP ' +
      'and a doctor, on welfare incidents without a s.136 detention',
    () => {
      expect(CALIBRATION.s135PerYear).toBe(66);
      expect(warranted.length).toBe(66);
      for (const p of warranted) {
        const w = p.warrant!;
        expect(p.category).toBe('concernForWelfare');
        expect(p.detention).toBeNull();
        expect(w).toMatchObject({ power: 's135_1', consideredAt: null, consultation: null, locationType: null });
        expect(w.warrant!.amhpName && w.warrant!.doctorName && w.warrant!.court && w.warrant!.reference).toBeTruthy();
        expect(
          w.detainedAt < w.conveyance.at &&
            w.conveyance.at < w.arrivedAt &&
            w.arrivedAt < w.outcome.at &&
            w.outcome.at < w.closedAt,
        ).toBe(true);
      }
      // R30 across both powers: a person's detentions never overlap.
      const spans = new Map<number, Array<[string, string]>>();
      for (const p of plans)
        for (const d of [p.detention, p.warrant])
          if (d && p.person !== null)
            spans.set(p.person, [...(spans.get(p.person) ?? []), [d.detainedAt, d.outcome.at]]);
      for (const xs of spans.values()) {
        xs.sort();
        for (let i = 1; i < xs.length; i++) expect(xs[i]![0] > xs[i - 1]![1]).toBe(true);
      }
    },
  );

  it(
    'go through the real command path unrefused and count as s.135 in the ADR return and the demand report, not in ' +
      'the s.136 total',
    async () => {
      const adr = (await hw.request('GET', '/api/returns/adr?year=2025-26', { token: hw.tokens.mh_lead })).body;
      expect(adr.totals).toMatchObject({ s136: 0, s135: 66, complete: 66, incomplete: 0 });
      expect(new Set(adr.records.map((r: { power: string }) => r.power))).toEqual(new Set(['Section 135(1)']));
      const r = (
        await hw.request('GET', '/api/reports/demand?from=2025-04-01&to=2026-03-31', { token: hw.tokens.mh_lead })
      ).body;
      const s = r.sections.find((x: { id: string }) => x.id === 's136Detentions');
      expect(s.total.cells).toMatchObject({ detentions: 0, s135: 66 });
      expect(hw.db.$client.prepare("SELECT count(*) FROM incidents WHERE status <> 'closed'").pluck().get()).toBe(0);
    },
  );
});
