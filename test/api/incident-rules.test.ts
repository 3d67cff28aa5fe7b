/**
 * The incident rules through the HTTP API on a real SQLite file: a refused command answers 422
 * naming the rule and the events allowed now, and writes nothing.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sweepDeadlines } from '../../src/scheduler/sweeper.js';
import { createHarness, type Harness } from '../support/harness.js';
import {
  answer,
  close,
  createIncident,
  decision,
  dispatch,
  grade,
  gradedIncident,
  referral,
  steps,
  thrive,
} from '../support/flows.js';

let h: Harness;
beforeEach(() => {
  h = createHarness();
});
afterEach(() => h.close());

/** Expect a 422 naming `rule`, and that the incident's event count did not change. */
async function refused(id: string, body: Record<string, unknown>, rule: string | null) {
  const before = h.count('incident_events');
  const r = await h.event(id, body);
  expect(r.status, JSON.stringify(r.body)).toBe(422);
  expect(r.headers.get('content-type')).toContain('application/problem+json');
  expect(r.body.rule).toBe(rule);
  expect(Array.isArray(r.body.allowedEvents)).toBe(true);
  expect(h.count('incident_events')).toBe(before);
  return r.body;
}

describe('incident rules through the API', () => {
  it('R1 refuses a grade before THRIVE and lists THRIVE_RECORDED as allowed', async () => {
    const id = await createIncident(h);
    const p = await refused(id, grade('G1'), 'R1');
    expect(p.allowedEvents).toContain('THRIVE_RECORDED');
    expect(p.allowedEvents).not.toContain('GRADE_SET');
  });

  it('R1 refuses a THRIVE missing a dimension note', async () => {
    const id = await createIncident(h);
    const p = await refused(id, thrive({ harm: '' }), 'R1');
    expect(p.detail).toContain('harm');
  });

  it('R2 refuses a re-grade without a fresh THRIVE, accepts it after one', async () => {
    const id = await gradedIncident(h);
    await refused(id, grade('G1'), 'R2');
    await steps(h, id, [thrive({ risk: 'high: now threatening to jump' }), grade('G1')]);
    const got = await h.request('GET', `/api/incidents/${id}`);
    expect(got.body.grade.code).toBe('G1');
    expect(got.body.thrive.version).toBe(2);
  });

  it('R2 new information forces a re-THRIVE that references it before closure', async () => {
    const id = await gradedIncident(h);
    await steps(h, id, [
      decision('adviceOnly'),
      { type: 'ADVICE_GIVEN', summary: 'signposted to NHS 111 mental health option' },
    ]);
    const info = await h.event(id, {
      type: 'NEW_INFORMATION',
      summary: 'caller rings back: he is on the bridge',
      source: 'caller',
    });
    expect(info.body.reassessmentRequired).toMatchObject({ lastTrigger: 'NEW_INFORMATION' });
    await refused(id, close(), 'R2');
    const t = await steps(h, id, [thrive({ threat: 'on a bridge', risk: 'high' })]);
    expect(t.thrive.reassessmentOf).toEqual({ fromSeq: info.body.version, toSeq: info.body.version });
    expect(t.reassessmentRequired).toBeNull();
  });

  it('R3 THRIVE assessments cannot be edited or deleted: the API answers 405 and the database refuses', async () => {
    const id = await gradedIncident(h);
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const r = await h.request(method, `/api/incidents/${id}/events/2`, { body: thrive({ risk: 'low' }) });
      expect(r.status).toBe(405);
      expect(r.body.rule).toBe('R3');
    }
    expect(() =>
      h.db.$client.prepare(`UPDATE incident_events SET payload = '{}' WHERE incident_id = ? AND seq = 2`).run(id),
    ).toThrow(/append-only/);
    expect(() => h.db.$client.prepare(`DELETE FROM incident_events WHERE incident_id = ?`).run(id)).toThrow(
      /append-only/,
    );
    await steps(h, id, [thrive({ risk: 'corrected: low' })]);
    const got = await h.request('GET', `/api/incidents/${id}`);
    expect(
      got.body.timeline
        .filter((e: { type: string }) => e.type === 'THRIVE_RECORDED')
        .map((e: { data: { risk: string } }) => e.data.risk),
    ).toEqual(['medium: possible fall or illness at home', 'corrected: low']);
  });

  it('R7 stores instants as UTC and refuses events before the call or in the future', async () => {
    const created = await h.request('POST', '/api/incidents', {
      body: {
        receivedAt: '2026-11-23T09:50:00+01:00',
        channel: '101',
        category: 'concernForWelfare',
        mhFlagAtCall: true,
        locationClass: 'urban',
      },
    });
    expect(created.status).toBe(201);
    expect(created.body.receivedAt).toBe('2026-11-23T08:50:00.000Z');
    const id = created.body.id as string;
    expect((await refused(id, { ...thrive(), occurredAt: '2026-11-23T08:49:59Z' }, 'R7')).code).toBe(
      'TIME_BEFORE_START',
    );
    expect((await refused(id, { ...thrive(), occurredAt: h.clock.at(5) }, 'R7')).code).toBe('TIME_IN_FUTURE');
  });

  it('R8 an RCRP category needs the threshold answers and decision before any response', async () => {
    const id = await gradedIncident(h);
    const p = await refused(id, dispatch(), 'R8');
    expect(p.allowedEvents).toContain('RCRP_DECISION_RECORDED');
    await refused(id, referral(), 'R8');
    const missing = await h.event(id, { type: 'RCRP_DECISION_RECORDED', decision: 'handover', rationale: 'x' });
    expect(missing.status).toBe(400);
    expect(missing.body.issues.map((i: { path: string }) => i.path)).toEqual(
      expect.arrayContaining(['body.crimeOccurring', 'body.riskToLife', 'body.riskOfSeriousHarm']),
    );
  });

  it('R8 a non-RCRP category (suicide concern) can dispatch straight after grading', async () => {
    const id = await createIncident(h, { category: 'suicideSelfHarmConcern' });
    const last = await steps(h, id, [thrive(), grade('G1'), dispatch()]);
    expect(last.state).toBe('policeResponse');
    expect(last.rcrpInScope).toBe(false);
  });

  it('R9 refuses handover when the threshold is met unless a supervisor override is recorded', async () => {
    const id = await gradedIncident(h);
    await refused(id, decision('handover', { riskToLife: true }), 'R9');
    const ok = await steps(h, id, [
      decision('handover', {
        riskToLife: true,
        override: { name: 'Insp A Khan', rank: 'inspector', reason: 'paramedics on scene with the person' },
      }),
    ]);
    expect(ok.rcrpDecision).toMatchObject({ decision: 'handover', overridden: true });
  });

  it('R10 flags a handover for a child (default Kent config: flag) and raises an alert', async () => {
    const id = await createIncident(h, { subject: { ageYears: 15, gender: 'female' } });
    const last = await steps(h, id, [thrive(), grade('G2'), decision('handover')]);
    expect(last.flags.map((f: { rule: string }) => f.rule)).toEqual(['R10']);
    const alerts = await h.request('GET', `/api/alerts?rule=R10`);
    expect(alerts.body.items).toHaveLength(1);
    expect(alerts.body.items[0].incidentId).toBe(id);
  });

  it('R10 refuses a no-deploy decision for a child when the force config says requireDeploy', async () => {
    await h.close();
    h = createHarness({ config: (c) => ({ ...c, rcrp: { ...c.rcrp, childExclusionAction: 'requireDeploy' } }) });
    const id = await createIncident(h, { subject: { ageBand: '10to17' } });
    await steps(h, id, [thrive(), grade('G2')]);
    await refused(id, decision('adviceOnly'), 'R10');
    await steps(h, id, [decision('deploy')]);
  });

  it('R12 refuses closure while a referral is pending, and after no response until a safety-net THRIVE', async () => {
    const id = await gradedIncident(h);
    await steps(h, id, [decision('handover'), referral('r1')]);
    const p = await refused(id, close(), 'R12');
    expect(p.detail).toContain('r1');
    h.clock.advanceMinutes(60);
    await steps(h, id, [answer('r1', 'noResponse')]);
    await refused(id, close(), 'R2');
    await steps(h, id, [thrive()]);
    await refused(id, close(), 'R12');
    const closed = await steps(h, id, [
      thrive({ safetyNet: 'caller given crisis line number; welfare call-back booked' }),
      close(),
    ]);
    expect(closed.state).toBe('closed');
  });

  it('R12 a declined referral forces a re-THRIVE before the decision can change to deploy', async () => {
    const id = await gradedIncident(h);
    await steps(h, id, [decision('handover'), referral('r1'), answer('r1', 'declined')]);
    await refused(id, decision('deploy'), 'R2');
    const last = await steps(h, id, [thrive({ risk: 'high: no partner can attend' }), decision('deploy'), dispatch()]);
    expect(last.state).toBe('jointResponse');
  });

  it('R15 flags a repeat contact about the same person within 72 h of a no-deploy decision', async () => {
    const subject = { identifiers: { nhsNumber: '943 476 5919' }, ageYears: 40, gender: 'male' };
    const first = await createIncident(h, { subject });
    await steps(h, first, [
      thrive(),
      grade('G3'),
      decision('adviceOnly'),
      { type: 'ADVICE_GIVEN', summary: 'advised to call 111 option 2' },
      close(),
    ]);
    h.clock.advanceMinutes(60 * 24);
    // Same person, identified by name and date of birth this time plus the NHS number.
    const second = await createIncident(h, {
      subject: {
        ...subject,
        identifiers: { nhsNumber: '9434765919', name: 'Sam  Example', dateOfBirth: '1986-01-01' },
      },
    });
    const got = await h.request('GET', `/api/incidents/${second}`);
    expect(got.body.repeatContactOf).toEqual([first]);
    expect(got.body.flags).toMatchObject([{ rule: 'R15' }]);
    // Three days and an hour later: outside the window.
    h.clock.advanceMinutes(60 * 73);
    const third = await createIncident(h, {
      subject: { identifiers: { name: 'sam example', dateOfBirth: '1986-01-01' } },
    });
    expect((await h.request('GET', `/api/incidents/${third}`)).body.repeatContactOf).toEqual([]);
  });

  it('R15 links a subject recorded after creation and flags then', async () => {
    const first = await createIncident(h, { subject: { identifiers: { forcePersonId: 'KP-12345' } } });
    await steps(h, first, [thrive(), grade('G3'), decision('adviceOnly')]);
    h.clock.advanceMinutes(30);
    const second = await createIncident(h);
    const last = await steps(h, second, [
      { type: 'SUBJECT_RECORDED', subject: { identifiers: { forcePersonId: 'kp-12345 ' } } },
    ]);
    expect(last.repeatContactOf).toEqual([first]);
  });

  it('R40 refuses closure without mhFlagAtClose; both flags are kept', async () => {
    const id = await gradedIncident(h, { mhFlagAtCall: false });
    await steps(h, id, [decision('adviceOnly'), { type: 'ADVICE_GIVEN', summary: 'advised' }]);
    await refused(id, { type: 'INCIDENT_CLOSED', closureCode: 'adviceGiven' }, 'R40');
    const last = await steps(h, id, [close({ mhFlagAtClose: true, closureCode: 'adviceGiven' })]);
    expect(last).toMatchObject({ mhFlagAtCall: false, mhFlagAtClose: true, state: 'closed', status: 'closed' });
    const row = h.db.$client
      .prepare('SELECT mh_flag_at_call AS a, mh_flag_at_close AS b FROM incidents WHERE id = ?')
      .get(id);
    expect(row).toEqual({ a: 0, b: 1 });
  });
});

describe('R1a immediate calls through the API', () => {
  const immediate = (over: Record<string, unknown> = {}) => ({
    type: 'IMMEDIATE_GRADE_SET',
    grade: 'G1',
    obviousThreat: 'caller says her partner is at the door with a knife',
    ...over,
  });
  /** A new 999 call outside RCRP scope (a crisis in a public place), where police go on an obvious threat. */
  const newCall = () => createIncident(h, { category: 'mhCrisisInPublic', summary: 'man on the bridge parapet' });

  it('R1a grades an immediate call and dispatches police before THRIVE; a later THRIVE stops its clock', async () => {
    const id = await newCall();
    const fresh = await h.request('GET', `/api/incidents/${id}`);
    expect(fresh.body.allowedEvents).toEqual(expect.arrayContaining(['IMMEDIATE_GRADE_SET', 'THRIVE_RECORDED']));
    const graded = await steps(h, id, [immediate()]);
    expect(graded).toMatchObject({ state: 'graded', grade: { code: 'G1' }, thrive: null });
    expect(graded.immediate).toEqual({
      gradedAt: h.clock.at(),
      thriveDueAt: new Date(h.clock.now().getTime() + 30 * 60_000).toISOString(),
      thriveRecorded: false,
    });
    const dispatched = await steps(h, id, [dispatch()]);
    expect(dispatched.state).toBe('policeResponse');
    const clock = () =>
      h.db.$client.prepare(`SELECT key, status FROM deadlines WHERE incident_id = ? AND rule = 'R1a'`).all(id);
    expect(clock()).toEqual([{ key: 'R1a:thrive:2', status: 'pending' }]);
    h.clock.advanceMinutes(10);
    const assessed = await steps(h, id, [thrive({ threat: 'knife seen by caller', risk: 'high' })]);
    expect(assessed.immediate.thriveRecorded).toBe(true);
    expect(clock()).toEqual([]);
    h.clock.advanceMinutes(60);
    sweepDeadlines(h.deps);
    const alerts = (await h.request('GET', `/api/alerts?incidentId=${id}&rule=R1a`)).body.items;
    expect(alerts).toEqual([]);
  });

  it('R1a alerts once when the THRIVE is late, and refuses closure until it is recorded', async () => {
    const id = await newCall();
    await steps(h, id, [immediate(), decision('adviceOnly'), { type: 'ADVICE_GIVEN', summary: 'he has gone home' }]);
    h.clock.advanceMinutes(31);
    expect(sweepDeadlines(h.deps).fired).toBeGreaterThanOrEqual(1);
    expect(sweepDeadlines(h.deps).fired).toBe(0);
    const alerts = (await h.request('GET', `/api/alerts?incidentId=${id}&rule=R1a`)).body.items;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'warning', notify: 'supervisor', acknowledgement: null });
    expect(alerts[0].message).toContain('within 30 min');
    const p = await refused(id, close(), 'R1a');
    expect(p.code).toBe('THRIVE_REQUIRED');
    expect(p.allowedEvents).toContain('THRIVE_RECORDED');
    expect(p.allowedEvents).not.toContain('INCIDENT_CLOSED');
    const closed = await steps(h, id, [thrive(), close()]);
    expect(closed.state).toBe('closed');
  });

  it('R1a refuses a non-immediate grade or no obvious threat (422); an unknown grade is 400', async () => {
    const id = await newCall();
    const notImmediate = await refused(id, immediate({ grade: 'G2' }), 'R1a');
    expect(notImmediate.code).toBe('GRADE_NOT_IMMEDIATE');
    expect(notImmediate.detail).toContain('immediate: G1');
    expect((await refused(id, immediate({ obviousThreat: ' ' }), 'R1a')).code).toBe('OBVIOUS_THREAT_REQUIRED');
    const unknown = await h.event(id, immediate({ grade: 'G9' }));
    expect(unknown.status).toBe(400);
    const missing = await h.event(id, { type: 'IMMEDIATE_GRADE_SET', grade: 'G1' });
    expect(missing.status).toBe(400);
    expect(missing.body.issues.map((i: { path: string }) => i.path)).toContain('body.obviousThreat');
  });
});
