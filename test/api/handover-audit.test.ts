/**
 * The handover audit, paged (issue 14): referral handovers to partner agencies — pages by limit and
 * cursor with each referral once and the summary over the whole period, breach only, per-agency
 * breaches and median answer times, CSV of everything — and handovers at places of safety (R35):
 * breaches by site, the site filter, paging and CSV.
 */
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PLACE_OF_SAFETY_CSV_COLUMNS } from '../../src/reports/handovers.js';
import { detentionShaped } from '../support/detentions.js';
import { answer, decision, gradedIncident, referral, steps } from '../support/flows.js';
import { createHarness, type Harness } from '../support/harness.js';

let h: Harness;
beforeEach(() => {
  h = createHarness({ start: '2026-11-23T09:00:00Z' });
});
afterEach(() => h.close());

/** A referral to `agency` answered `a` after `minutes`. */
async function referred(agency: string, a: 'accepted' | 'noResponse', minutes: number) {
  const id = await gradedIncident(h);
  await steps(h, id, [decision('handover'), referral('r1', { agency })]);
  h.clock.advanceMinutes(minutes);
  await steps(h, id, [answer('r1', a)]);
  h.clock.advanceMinutes(60);
  return id;
}

/** Five referrals: a crisis team has 60 minutes to answer, an ambulance service 30 (configuration). */
async function fiveReferrals() {
  await referred('kmptSpoa', 'accepted', 20);
  await referred('secamb', 'noResponse', 45);
  await referred('kmptSpoa', 'accepted', 40);
  await referred('secamb', 'accepted', 10);
  await referred('kmptSpoa', 'accepted', 75);
}

const audit = (query: string, token = h.tokens.mh_lead) =>
  h.request('GET', `/api/audit/handovers?from=2026-11-23T00:00:00Z&to=2026-11-25T00:00:00Z&${query}`, { token });

describe('referral handovers, a page at a time', () => {
  it('pages with limit and cursor, each referral once, the summary over the whole period on every page', async () => {
    await fiveReferrals();
    const first = (await audit('limit=3')).body;
    expect(first.items).toHaveLength(3);
    expect(first.total).toBe(5);
    expect(first.summary.referrals).toBe(5);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await audit(`limit=3&cursor=${first.nextCursor}`)).body;
    expect(second.items).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    expect(second.summary).toEqual(first.summary);
    const seen = [...first.items, ...second.items].map((i: any) => i.incidentId);
    expect(new Set(seen).size).toBe(5);
    expect([...first.items, ...second.items].map((i: any) => i.madeAt)).toEqual(
      [...first.items, ...second.items].map((i: any) => i.madeAt).sort(),
    );
    const bad = await audit('cursor=not-a-cursor');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('BAD_CURSOR');
    expect((await audit('limit=0')).status).toBe(400);
    expect((await audit('limit=501')).status).toBe(400);
  });

  it('breaches and median answer times by agency; breach=true keeps the referrals not answered in time', async () => {
    await fiveReferrals();
    const r = (await audit('')).body;
    expect(r.byAgency).toEqual([
      expect.objectContaining({
        agency: 'kmptSpoa',
        referrals: 3,
        answered: 3,
        breaches: 1,
        medianMinutesToAnswer: 40,
      }),
      {
        agency: 'secamb',
        label: 'South East Coast Ambulance Service (SECAmb)',
        referrals: 2,
        answered: 1,
        breaches: 1,
        medianMinutesToAcknowledge: 0,
        medianMinutesToAnswer: 10,
      },
    ]);
    // Late by its answer time (75 > 60 minutes for a crisis team), and no response recorded.
    const breaches = (await audit('breach=true')).body;
    expect(breaches.items.map((i: any) => [i.agency, i.minutesToAnswer, i.noResponseCause])).toEqual([
      ['secamb', null, 'recorded'],
      ['kmptSpoa', 75, null],
    ]);
    expect(breaches.total).toBe(2);
    expect((await audit('breach=false')).body.total).toBe(3);
  });

  it('a referral still unanswered after its answer time is a breach already', async () => {
    const id = await gradedIncident(h);
    await steps(h, id, [decision('handover'), referral('r1', { agency: 'secamb' })]);
    h.clock.advanceMinutes(20);
    expect((await audit('breach=true')).body.total).toBe(0);
    h.clock.advanceMinutes(15);
    expect((await audit('breach=true')).body.items.map((i: any) => [i.status, i.breach])).toEqual([['pending', true]]);
  });

  it('CSV: every referral of the period whatever the limit, with its breach', async () => {
    await fiveReferrals();
    const csv = await audit('format=csv&limit=1');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="handovers_2026-11-23_2026-11-25.csv"');
    const rows = parse(csv.body as string, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((x) => [x.agency, x.breach])).toEqual([
      ['kmptSpoa', 'false'],
      ['secamb', 'true'],
      ['kmptSpoa', 'false'],
      ['secamb', 'false'],
      ['kmptSpoa', 'true'],
    ]);
  });
});

describe('handovers at places of safety (R35)', () => {
  const pos = (query: string, token = h.tokens.mh_lead) =>
    h.request(
      'GET',
      `/api/audit/place-of-safety-handovers?from=2026-11-23T00:00:00Z&to=2026-11-26T00:00:00Z&${query}`,
      { token },
    );

  async function threeHandovers() {
    await detentionShaped(h, 'maidstone-late', { handoverMinutes: 95 });
    h.clock.advanceMinutes(60);
    await detentionShaped(h, 'maidstone-ok', { handoverMinutes: 40 });
    h.clock.advanceMinutes(60);
    await detentionShaped(h, 'dartford-late', { handoverMinutes: 130, site: 'kmptDartford' });
  }

  it('R35 breaches by site with median times; site and breach filters; only the MH lead and supervisors', async () => {
    await threeHandovers();
    const r = await pos('');
    expect(r.status).toBe(200);
    expect(r.body.summary).toEqual({
      handovers: 3,
      subjectToExpectation: 3,
      completed: 3,
      breaches: 2,
      medianMinutesToAcceptance: 90,
      medianMinutesToDeparture: 95,
    });
    expect(r.body.bySite).toEqual([
      expect.objectContaining({ site: 'kmptDartford', handovers: 1, breaches: 1, medianMinutesToDeparture: 130 }),
      expect.objectContaining({ site: 'kmptMaidstone', handovers: 2, breaches: 1, medianMinutesToDeparture: 67.5 }),
    ]);
    const late = r.body.items.find((i: any) => i.detentionId === 'maidstone-late');
    expect(late).toMatchObject({
      stay: 1,
      site: 'kmptMaidstone',
      minutesToAcceptance: 90,
      minutesToDeparture: 95,
      status: 'completed',
      breach: true,
      breachReason: expect.stringContaining('95 min after arrival'),
    });
    expect((await pos('site=kmptMaidstone&breach=true')).body.items.map((i: any) => i.detentionId)).toEqual([
      'maidstone-late',
    ]);
    expect((await pos('site=healthBasedPlaceOfSafety')).body.total).toBe(3);
    expect((await pos('', h.tokens.supervisor)).status).toBe(200);
    expect((await pos('', h.tokens.call_handler)).status).toBe(403);
    expect((await pos('', h.tokens.pcc_analyst)).status).toBe(403);
  });

  it('R35 at an emergency department the hour does not apply (force setting): counted, never a breach', async () => {
    await detentionShaped(h, 'ed', { handoverMinutes: 150, site: 'edMaidstone' });
    const r = (await pos('')).body;
    expect(r.summary).toMatchObject({ handovers: 1, subjectToExpectation: 0, breaches: 0 });
    expect(r.bySite).toEqual([
      expect.objectContaining({
        site: 'edMaidstone',
        expectationApplies: false,
        breaches: 0,
        medianMinutesToDeparture: 150,
      }),
    ]);
    expect(r.items[0]).toMatchObject({ handoverRuleApplies: false, breach: false, status: 'completed' });
  });

  it('pages with limit and cursor, and downloads every stay as CSV', async () => {
    await threeHandovers();
    const first = (await pos('limit=2')).body;
    expect(first.items.map((i: any) => i.detentionId)).toEqual(['maidstone-late', 'maidstone-ok']);
    const second = (await pos(`limit=2&cursor=${first.nextCursor}`)).body;
    expect(second.items.map((i: any) => i.detentionId)).toEqual(['dartford-late']);
    expect(second.nextCursor).toBeNull();
    expect(second.bySite).toEqual(first.bySite);
    const csv = await pos('format=csv&limit=1');
    const rows = parse(csv.body as string, { columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(rows[0]!)).toEqual([...PLACE_OF_SAFETY_CSV_COLUMNS]);
    expect(rows.map((x) => [x.detentionId, x.breach])).toEqual([
      ['maidstone-late', 'true'],
      ['maidstone-ok', 'false'],
      ['dartford-late', 'true'],
    ]);
  });
});
