/**
 * The police time ledger through the API on a real SQLite file: resource assignments, their
 * times (R38) and activity segments (R39), derived officer-hours, control-room handling time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import { close, createIncident, decision, steps, thrive, grade } from '../support/flows.js';
import { rebuildProjections } from '../../src/commands/rebuild.js';

let h: Harness;
beforeEach(() => {
  h = createHarness({ start: '2026-11-23T12:00:00Z' });
});
afterEach(() => h.close());

const at = (hhmm: string) => `2026-11-23T${hhmm}:00.000Z`;

/** An RCRP incident received at 10:00, graded, decided 'deploy', with KM21 (2 officers) dispatched at 10:05. */
async function deployed() {
  const id = await createIncident(h, { receivedAt: at('10:00') });
  await steps(h, id, [
    { ...thrive(), occurredAt: at('10:01') },
    { ...grade('G2'), occurredAt: at('10:02') },
    { ...decision('deploy'), occurredAt: at('10:03') },
    {
      type: 'POLICE_DISPATCHED',
      occurredAt: at('10:05'),
      resources: [{ callSign: 'KM21', officers: 2, type: 'response' }],
    },
  ]);
  return id;
}

async function refused(id: string, body: Record<string, unknown>, rule: string | null, code?: string) {
  const before = h.count('incident_events');
  const r = await h.event(id, body);
  expect(r.status, JSON.stringify(r.body)).toBe(422);
  expect(r.body.rule).toBe(rule);
  if (code) expect(r.body.code).toBe(code);
  expect(h.count('incident_events')).toBe(before);
  return r.body;
}

const seg = (activity: string, from: string, to: string) => ({ activity, startAt: at(from), endAt: at(to) });

describe('time ledger (R38, R39)', () => {
  it(
    'R38 a dispatch creates an assignment with an id; arrival and clearance complete it; officer-hours are ' +
      'derived',
    async () => {
      const id = await deployed();
      const v = (await h.request('GET', `/api/incidents/${id}`)).body;
      expect(v.resources).toEqual([
        expect.objectContaining({
          assignmentId: 'a5-1',
          callSign: 'KM21',
          officers: 2,
          type: 'response',
          status: 'dispatched',
          dispatchedAt: at('10:05'),
          officerHours: null,
        }),
      ]);
      await steps(h, id, [
        { type: 'RESOURCE_ARRIVED', occurredAt: at('10:17'), assignmentId: 'a5-1' },
        {
          type: 'RESOURCE_CLEARED',
          occurredAt: at('11:35'),
          assignmentId: 'a5-1',
          segments: [
            seg('travel', '10:05', '10:17'),
            seg('scene', '10:17', '11:05'),
            seg('conveyance', '11:05', '11:35'),
          ],
        },
      ]);
      const after = (await h.request('GET', `/api/incidents/${id}`)).body;
      // 90 minutes × 2 officers = 3 officer-hours.
      expect(after.resources[0]).toMatchObject({
        status: 'cleared',
        arrivedAt: at('10:17'),
        clearedAt: at('11:35'),
        officerHours: 3,
      });
      expect(after.firstArrivedAt).toBe(at('10:17'));
      const row = h.db.$client
        .prepare(
          'SELECT officer_seconds AS os, os_travel AS travel, os_scene AS scene, os_conveyance AS conv FROM ' +
            'incident_ledger WHERE incident_id = ?',
        )
        .get(id);
      expect(row).toEqual({ os: 90 * 60 * 2, travel: 12 * 60 * 2, scene: 48 * 60 * 2, conv: 30 * 60 * 2 });
      const segs = h.db.$client
        .prepare('SELECT activity, officer_seconds AS os FROM resource_segments WHERE incident_id = ? ORDER BY idx')
        .all(id);
      expect(segs).toEqual([
        { activity: 'travel', os: 1440 },
        { activity: 'scene', os: 5760 },
        { activity: 'conveyance', os: 3600 },
      ]);
    },
  );

  it('R38 officer-hours cannot be typed in: a dispatch or clearance carrying hours is malformed (400)', async () => {
    const id = await deployed();
    const r = await h.event(id, {
      type: 'RESOURCE_CLEARED',
      occurredAt: at('11:00'),
      assignmentId: 'a5-1',
      officerHours: 3,
      segments: [seg('travel', '10:05', '11:00')],
    });
    expect(r.status).toBe(400);
    const d = await h.event(id, {
      type: 'POLICE_DISPATCHED',
      occurredAt: at('10:30'),
      resources: [{ callSign: 'KM22', officers: 1, type: 'response', officerHours: 2 }],
    });
    expect(d.status).toBe(400);
  });

  it('R38 refuses an arrival before the resource was dispatched', async () => {
    const id = await deployed();
    const p = await refused(
      id,
      { type: 'RESOURCE_ARRIVED', occurredAt: at('10:04'), assignmentId: 'a5-1' },
      'R38',
      'ARRIVED_BEFORE_DISPATCH',
    );
    expect(p.detail).toContain('KM21');
  });

  it('R38 refuses clearing before the resource arrived', async () => {
    const id = await deployed();
    await steps(h, id, [{ type: 'RESOURCE_ARRIVED', occurredAt: at('10:20'), assignmentId: 'a5-1' }]);
    await refused(
      id,
      {
        type: 'RESOURCE_CLEARED',
        occurredAt: at('10:15'),
        assignmentId: 'a5-1',
        segments: [seg('travel', '10:05', '10:15')],
      },
      'R38',
      'CLEARED_BEFORE_START',
    );
  });

  it('R38 refuses closing the incident while a resource is still assigned, and does not offer closure', async () => {
    const id = await deployed();
    const v = (await h.request('GET', `/api/incidents/${id}`)).body;
    expect(v.allowedEvents).not.toContain('INCIDENT_CLOSED');
    expect(v.allowedEvents).toEqual(expect.arrayContaining(['RESOURCE_ARRIVED', 'RESOURCE_CLEARED']));
    await refused(id, { ...close(), occurredAt: at('11:00') }, 'R38', 'RESOURCES_NOT_CLEARED');
    // Stood down before arriving: the time is travel, and then the incident can close.
    await steps(h, id, [
      {
        type: 'RESOURCE_CLEARED',
        occurredAt: at('10:12'),
        assignmentId: 'a5-1',
        segments: [seg('travel', '10:05', '10:12')],
      },
      { ...close(), occurredAt: at('10:30') },
    ]);
  });

  it('R39 refuses overlapping segments for the same resource', async () => {
    const id = await deployed();
    const p = await refused(
      id,
      {
        type: 'RESOURCE_CLEARED',
        occurredAt: at('11:00'),
        assignmentId: 'a5-1',
        segments: [seg('travel', '10:05', '10:20'), seg('scene', '10:15', '11:00')],
      },
      'R39',
      'SEGMENTS_OVERLAP',
    );
    expect(p.detail).toMatch(/overlaps/);
  });

  it('R39 refuses segments that do not add up to the assignment; accepts a difference within a minute', async () => {
    const id = await deployed();
    // 10:05 → 11:00 is 55 min; the segments cover 10:05 → 10:50 (a 10-minute gap).
    await refused(
      id,
      {
        type: 'RESOURCE_CLEARED',
        occurredAt: at('11:00'),
        assignmentId: 'a5-1',
        segments: [seg('travel', '10:05', '10:20'), seg('scene', '10:20', '10:50')],
      },
      'R39',
      'SEGMENTS_DO_NOT_SUM',
    );
    const none = await h.event(id, {
      type: 'RESOURCE_CLEARED',
      occurredAt: at('11:00'),
      assignmentId: 'a5-1',
      segments: [],
    });
    expect(none.status, 'segments are required by the input schema').toBe(400);
    // A 40-second gap is within the tolerance.
    await steps(h, id, [
      {
        type: 'RESOURCE_CLEARED',
        occurredAt: at('11:00'),
        assignmentId: 'a5-1',
        segments: [
          seg('travel', '10:05', '10:20'),
          { activity: 'scene', startAt: '2026-11-23T10:20:40.000Z', endAt: at('11:00') },
        ],
      },
    ]);
  });

  it('R39 refuses a segment outside the assignment', async () => {
    const id = await deployed();
    await refused(
      id,
      {
        type: 'RESOURCE_CLEARED',
        occurredAt: at('11:00'),
        assignmentId: 'a5-1',
        segments: [seg('travel', '10:00', '10:20'), seg('scene', '10:20', '11:00')],
      },
      'R39',
      'SEGMENT_OUTSIDE_ASSIGNMENT',
    );
  });

  it('R39 refuses dispatching a call sign that is already assigned to the incident and not cleared', async () => {
    const id = await deployed();
    await refused(
      id,
      {
        type: 'POLICE_DISPATCHED',
        occurredAt: at('10:30'),
        resources: [{ callSign: 'KM21', officers: 2, type: 'response' }],
      },
      'R39',
      'RESOURCE_ALREADY_ASSIGNED',
    );
    await refused(
      id,
      {
        type: 'POLICE_DISPATCHED',
        occurredAt: at('10:30'),
        resources: [
          { callSign: 'KM30', officers: 1, type: 'response' },
          { callSign: 'KM30', officers: 1, type: 'response' },
        ],
      },
      'R39',
      'RESOURCE_ALREADY_ASSIGNED',
    );
    // Once cleared, the same call sign may be sent again: a new assignment.
    await steps(h, id, [
      {
        type: 'RESOURCE_CLEARED',
        occurredAt: at('10:40'),
        assignmentId: 'a5-1',
        segments: [seg('travel', '10:05', '10:40')],
      },
      {
        type: 'POLICE_DISPATCHED',
        occurredAt: at('10:45'),
        resources: [{ callSign: 'KM21', officers: 1, type: 'response', assignmentId: 'second' }],
      },
    ]);
    const v = (await h.request('GET', `/api/incidents/${id}`)).body;
    expect(v.resources.map((r: { assignmentId: string; status: string }) => [r.assignmentId, r.status])).toEqual([
      ['a5-1', 'cleared'],
      ['second', 'dispatched'],
    ]);
  });

  it('R7 refuses a segment that ends before it starts', async () => {
    const id = await deployed();
    await refused(
      id,
      {
        type: 'RESOURCE_CLEARED',
        occurredAt: at('11:00'),
        assignmentId: 'a5-1',
        segments: [seg('travel', '10:30', '10:05'), seg('scene', '10:30', '11:00')],
      },
      'R7',
    );
  });

  it('an unknown assignment or an unknown activity is refused and writes nothing', async () => {
    const id = await deployed();
    await refused(
      id,
      { type: 'RESOURCE_ARRIVED', occurredAt: at('10:10'), assignmentId: 'nope' },
      null,
      'UNKNOWN_CHILD',
    );
    const r = await h.event(id, {
      type: 'RESOURCE_CLEARED',
      occurredAt: at('11:00'),
      assignmentId: 'a5-1',
      segments: [seg('napping', '10:05', '11:00')],
    });
    expect(r.status).toBe(400);
    expect(r.body.issues[0].path).toContain('segments');
  });

  it('R7 control-room handling time: answered after received, ended after answered; summed per incident', async () => {
    const id = await createIncident(h, { receivedAt: at('10:00') });
    await refused(
      id,
      { type: 'CALL_HANDLING_RECORDED', occurredAt: at('10:06'), answeredAt: '2026-11-23T09:59:00.000Z' },
      'R7',
    );
    await refused(id, { type: 'CALL_HANDLING_RECORDED', occurredAt: at('10:06'), answeredAt: at('10:07') }, 'R7');
    await steps(h, id, [
      { type: 'CALL_HANDLING_RECORDED', occurredAt: at('10:06'), answeredAt: '2026-11-23T10:00:30.000Z' },
      { type: 'CALL_HANDLING_RECORDED', occurredAt: at('10:40'), answeredAt: at('10:35') },
    ]);
    const row = h.db.$client
      .prepare('SELECT calls_handled AS calls, call_seconds AS secs FROM incident_ledger WHERE incident_id = ?')
      .get(id);
    expect(row).toEqual({ calls: 2, secs: 330 + 300 });
  });

  it(
    'the ledger projections and rollups are rebuilt from the events byte for byte, and the rollup equals GROUP BY ' +
      'over the ledger',
    async () => {
      const id = await deployed();
      await steps(h, id, [
        { type: 'RESOURCE_ARRIVED', occurredAt: at('10:17'), assignmentId: 'a5-1' },
        {
          type: 'REFERRAL_MADE',
          occurredAt: at('10:30'),
          referralId: 'r1',
          agency: 'kmptSpoa',
          contactMethod: 'phone',
          namedContact: 'duty nurse',
        },
        { type: 'REFERRAL_ANSWERED', occurredAt: at('10:50'), referralId: 'r1', answer: 'accepted' },
        {
          type: 'RESOURCE_CLEARED',
          occurredAt: at('11:35'),
          assignmentId: 'a5-1',
          segments: [seg('travel', '10:05', '10:17'), seg('scene', '10:17', '11:35')],
        },
        { ...close(), occurredAt: at('11:40') },
      ]);
      await createIncident(h, { receivedAt: at('09:00'), district: 'Dover' });
      const tables = [
        'resource_assignments',
        'resource_segments',
        'incident_ledger',
        'referral_ledger',
        'person_contacts',
        'demand_rollup',
        'referral_rollup',
        'demand_rollup_month',
        'referral_rollup_month',
      ];
      const dump = () =>
        Object.fromEntries(tables.map((t) => [t, h.db.$client.prepare(`SELECT * FROM ${t} ORDER BY 1, 2, 3`).all()]));
      const stored = dump();
      expect(
        (stored.incident_ledger as Array<{ released_incidents: number }>).map((r) => r.released_incidents).sort(),
      ).toEqual([0, 1]);
      const grouped = h.db.$client
        .prepare(
          `SELECT 'district' AS dim, day, district AS grp, sum(incidents) AS n, sum(officer_seconds) AS os, ` +
            `sum(released_officer_seconds) AS rel FROM incident_ledger GROUP BY day, district ORDER BY day, grp`,
        )
        .all();
      expect(
        h.db.$client
          .prepare(
            `SELECT dim, day, grp, incidents AS n, officer_seconds AS os, released_officer_seconds AS rel FROM ` +
              `demand_rollup WHERE dim = 'district' ORDER BY day, grp`,
          )
          .all(),
      ).toEqual(grouped);
      rebuildProjections(h.db);
      expect(dump()).toEqual(stored);
    },
  );
});
