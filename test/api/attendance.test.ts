/**
 * R5 (with R4): attendance against the configured target of the grade in effect, through the API
 * on a real SQLite file. Default force config: G1 15 min urban / 20 min rural from the call,
 * G2 60 min from the call; a test config moves G2's clock to dispatch.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import { close, createIncident, decision, grade, REASON, steps, thrive } from '../support/flows.js';
import { importCsvText } from '../../src/import/import-incidents.js';
import { rebuildProjections } from '../../src/commands/rebuild.js';

let h: Harness;
afterEach(() => h.close());

const at = (hhmm: string) => `2026-11-23T${hhmm}:00.000Z`;
const seg = (activity: string, from: string, to: string) => ({ activity, startAt: at(from), endAt: at(to) });

/** Received 10:00, assessed, graded, police dispatched at 10:05 (KM21); not an RCRP category. */
async function dispatched(g: string, over: Record<string, unknown> = {}) {
  const id = await createIncident(h, { receivedAt: at('10:00'), category: 'mhCrisisInPublic', ...over });
  await steps(h, id, [
    { ...thrive(), occurredAt: at('10:01') },
    { ...grade(g), occurredAt: at('10:02') },
    {
      type: 'POLICE_DISPATCHED',
      occurredAt: at('10:05'),
      resources: [{ callSign: 'KM21', officers: 2, type: 'response' }],
    },
  ]);
  return id;
}
const view = async (id: string) => (await h.request('GET', `/api/incidents/${id}`, { headers: REASON })).body;
const arrive = (hhmm: string) => ({ type: 'RESOURCE_ARRIVED', occurredAt: at(hhmm), assignmentId: 'a4-1' });
const r5Flags = (v: any) => v.flags.filter((f: { rule: string }) => f.rule === 'R5');

describe('R5 attendance targets', () => {
  it('R5 a grade 1 urban arrival inside 15 minutes of the call meets the target; no flag', async () => {
    h = createHarness({ start: '2026-11-23T12:00:00Z' });
    const id = await dispatched('G1');
    expect((await view(id)).attendance).toEqual({
      targetMinutes: 15,
      startEvent: 'callReceived',
      startAt: at('10:00'),
      dueAt: at('10:15'),
      status: 'awaiting',
      minutesToArrival: null,
    });
    await steps(h, id, [arrive('10:14')]);
    const v = await view(id);
    expect(v.attendance).toMatchObject({ status: 'met', minutesToArrival: 14 });
    expect(r5Flags(v)).toEqual([]);
  });

  it('R5 the same arrival at 17 minutes breaches the urban target and is flagged once for review', async () => {
    h = createHarness({ start: '2026-11-23T12:00:00Z' });
    const id = await dispatched('G1');
    await steps(h, id, [arrive('10:17')]);
    const v = await view(id);
    expect(v.attendance).toMatchObject({
      targetMinutes: 15,
      dueAt: at('10:15'),
      status: 'breached',
      minutesToArrival: 17,
    });
    expect(r5Flags(v)).toEqual([
      expect.objectContaining({
        key: 'R5:attendance',
        severity: 'warning',
        message:
          'police first arrived 17 min after the call: the grade G1 (Emergency) target is 15 min from the call ' +
          '(urban)',
      }),
    ]);
    expect(
      h.db.$client.prepare("SELECT rule, notify FROM alerts WHERE incident_id = ? AND rule = 'R5'").all(id),
    ).toEqual([{ rule: 'R5', notify: null }]);
    // A second crew arriving later changes nothing: the first arrival is what the target measures.
    await steps(h, id, [
      {
        type: 'POLICE_DISPATCHED',
        occurredAt: at('10:20'),
        resources: [{ callSign: 'KM22', officers: 1, type: 'response' }],
      },
      { type: 'RESOURCE_ARRIVED', occurredAt: at('10:40'), assignmentId: 'a6-1' },
    ]);
    expect(r5Flags(await view(id))).toHaveLength(1);
  });

  it('R5 a re-grade after police arrived does not move the target they were measured against', async () => {
    h = createHarness({ start: '2026-11-23T12:00:00Z' });
    const id = await dispatched('G2');
    await steps(h, id, [
      arrive('10:50'),
      { ...thrive(), occurredAt: at('10:55') },
      { ...grade('G1'), occurredAt: at('10:56') },
    ]);
    const v = await view(id);
    expect(v.grade.code).toBe('G1');
    expect(v.attendance).toMatchObject({ targetMinutes: 60, status: 'met', minutesToArrival: 50 });
    expect(r5Flags(v)).toEqual([]);
  });

  it('R5 the rural target applies to a rural location: 17 minutes meets the 20-minute rural target', async () => {
    h = createHarness({ start: '2026-11-23T12:00:00Z' });
    const id = await dispatched('G1', { locationClass: 'rural' });
    await steps(h, id, [arrive('10:17')]);
    expect((await view(id)).attendance).toMatchObject({ targetMinutes: 20, dueAt: at('10:20'), status: 'met' });
  });

  it('R5 with the clock configured to start at dispatch (R4), the target runs from the first dispatch', async () => {
    h = createHarness({
      start: '2026-11-23T12:00:00Z',
      config: (c) => ({
        ...c,
        grades: c.grades.map((g) =>
          g.code === 'G2' ? { ...g, attendanceTarget: { startEvent: 'dispatched' as const, minutes: 30 } } : g,
        ),
      }),
    });
    const id = await dispatched('G2');
    await steps(h, id, [arrive('10:33')]);
    expect((await view(id)).attendance).toMatchObject({
      targetMinutes: 30,
      startEvent: 'dispatched',
      startAt: at('10:05'),
      dueAt: at('10:35'),
      status: 'met',
      minutesToArrival: 28,
    });
  });

  it(
    'R5 closed after the due time with police needed and no arrival (crew diverted) is a breach; handed to a ' +
      'partner it is not',
    async () => {
      h = createHarness({ start: '2026-11-23T12:00:00Z' });
      // The crew was diverted before it got there: cleared with only travel, then the incident closed.
      const id = await dispatched('G2');
      await steps(h, id, [
        {
          type: 'RESOURCE_CLEARED',
          occurredAt: at('11:20'),
          assignmentId: 'a4-1',
          segments: [seg('travel', '10:05', '11:20')],
        },
        { ...close(), occurredAt: at('11:30') },
      ]);
      const v = await view(id);
      expect(v.attendance).toMatchObject({ targetMinutes: 60, status: 'breached', minutesToArrival: null });
      expect(r5Flags(v)[0].message).toBe(
        'closed with no police arrival recorded: the grade G2 (Priority) target is 60 min from the call',
      );

      const handed = await createIncident(h, { receivedAt: at('10:00') });
      await steps(h, handed, [
        { ...thrive(), occurredAt: at('10:01') },
        { ...grade('G2'), occurredAt: at('10:02') },
        { ...decision('handover'), occurredAt: at('10:03') },
        {
          type: 'REFERRAL_MADE',
          occurredAt: at('10:04'),
          referralId: 'r1',
          agency: 'kmptSpoa',
          contactMethod: 'phone',
          namedContact: 'duty nurse',
        },
        { type: 'REFERRAL_ANSWERED', occurredAt: at('10:20'), referralId: 'r1', answer: 'accepted' },
        { ...close(), occurredAt: at('11:30') },
      ]);
      const hv = await view(handed);
      expect(hv.attendance).toMatchObject({ status: 'notAttended' });
      expect(r5Flags(hv)).toEqual([]);
    },
  );

  it('R5 imported history shows its attendance outcome but raises no alert; a rebuild gives the same', async () => {
    h = createHarness({ start: '2026-11-23T12:00:00Z' });
    const csv = [
      'incident_ref,received_at,closed_at,channel,category,grade,location_class,mh_flag_at_call,resources',
      'H-1,2025-06-01T20:00:00Z,2025-06-01T23:00:00Z,999,mhCrisisInPublic,G1,urban,Y,' +
        'KT12|2|response|dispatched@2025-06-01T20:02:00Z|arrived@2025-06-01T20:25:00Z|cleared@2025-06-01T22:30:00Z',
    ].join('\n');
    const r = await importCsvText(h.deps, csv);
    expect(r).toMatchObject({ imported: 1, errorCount: 0 });
    const id = h.db.$client.prepare("SELECT id FROM incidents WHERE reference = 'H-1'").pluck().get() as string;
    const v = await view(id);
    expect(v.attendance).toMatchObject({ targetMinutes: 15, status: 'breached', minutesToArrival: 25 });
    expect(r5Flags(v)).toEqual([]);
    expect(h.count('alerts')).toBe(0);
    const before = JSON.stringify(v);
    rebuildProjections(h.db);
    expect(JSON.stringify(await view(id))).toBe(before);
  });
});
