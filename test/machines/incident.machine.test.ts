/**
 * The incident machine on its own: pure (state, event) → state, no database. Each rule test is named
 * by its number (docs/rules.md) and checks both that the rule refuses (naming itself) and that the
 * lawful alternative is accepted.
 */
import { describe, expect, it } from 'vitest';
import type { IncidentPolicy, GradePolicy } from '../../machines/incident/index.js';
import type { Subject } from '../../machines/subject.js';
import {
  aggregateDeadlines,
  aggregateFlags,
  allowedEvents,
  applyToAggregate,
  emptyAggregate,
  replay,
  restoreAggregate,
  serializeAggregate,
  stateName,
  type AggregateEvent,
  type AggregateState,
} from '../../src/domain/incident-aggregate.js';

const T0 = Date.parse('2026-11-23T09:00:00.000Z');
const at = (min: number) => new Date(T0 + min * 60_000).toISOString();

const policy = (over: Partial<IncidentPolicy> = {}): IncidentPolicy => ({
  rcrpCategory: true,
  childrenExcludedFromRcrp: true,
  childExclusionAction: 'flag',
  repeatContactWindowHours: 72,
  futureToleranceSeconds: 120,
  ...over,
});
const g2: GradePolicy = {
  label: 'Priority',
  requiresDeployment: true,
  targetSplit: false,
  unresourcedAlertAfterMinutes: 40,
  unresourcedNotify: 'sergeant',
};
const g1Split: GradePolicy = {
  label: 'Emergency',
  requiresDeployment: true,
  targetSplit: true,
  unresourcedAlertAfterMinutes: 0,
  unresourcedNotify: 'inspector',
};
const adult: Subject = {
  personKeys: ['pk_a'],
  ageYears: 34,
  ageBand: '25to34',
  gender: 'male',
  ethnicity: 'white',
  ethnicityBasis: 'selfDefined',
};
const child: Subject = { ...adult, personKeys: ['pk_c'], ageYears: 15, ageBand: '10to17' };

/** A tiny driver: remembers the state, stamps envelopes, and reports refusals. */
class Incident {
  s: AggregateState = emptyAggregate();
  minute = 0;
  send(
    body: Record<string, unknown>,
    occurredMin = this.minute,
  ): { ok: true } | { ok: false; rule: string | null; code: string; message: string } {
    const e = {
      ...body,
      seq: this.s.version + 1,
      occurredAt: at(occurredMin),
      recordedAt: at(Math.max(occurredMin, this.minute) + 1),
      actor: { id: 'u1', role: 'call_handler' },
    } as AggregateEvent;
    const r = applyToAggregate(this.s, e);
    if (!r.ok) return { ok: false, ...r.violation };
    this.s = r.state;
    this.minute = Math.max(this.minute, occurredMin);
    return { ok: true };
  }
  must(body: Record<string, unknown>, occurredMin?: number) {
    const r = this.send(body, occurredMin);
    expect(r, `${String(body.type)} should be accepted`).toEqual({ ok: true });
    return this;
  }
  get state() {
    return stateName(this.s);
  }
  get ctx() {
    return this.s.incident.context;
  }
}

const created = (over: Record<string, unknown> = {}, p: Partial<IncidentPolicy> = {}) => ({
  type: 'INCIDENT_CREATED',
  incidentId: 'i1',
  reference: null,
  channel: '999',
  category: 'concernForWelfare',
  district: 'Maidstone',
  locationClass: 'urban',
  mhFlagAtCall: true,
  summary: null,
  location: null,
  subject: adult,
  priorContacts: [],
  policy: policy(p),
  ...over,
});
const thrive = (over: Record<string, unknown> = {}) => ({
  type: 'THRIVE_RECORDED',
  threat: 'none identified',
  harm: 'possible fall at home',
  risk: 'medium',
  investigation: 'none identified',
  vulnerability: 'lives alone',
  engagement: 'landlord has a key',
  rationale: 'welfare concern, no crime',
  safetyNet: null,
  ...over,
});
const grade = (code = 'G2', gradePolicy: GradePolicy = g2) => ({
  type: 'GRADE_SET',
  grade: code,
  reason: null,
  gradePolicy,
});
const decide = (decision: string, over: Record<string, unknown> = {}) => ({
  type: 'RCRP_DECISION_RECORDED',
  crimeOccurring: false,
  riskToLife: false,
  riskOfSeriousHarm: false,
  decision,
  rationale: 'health-led response',
  override: null,
  ...over,
});
const refer = (id = 'r1') => ({
  type: 'REFERRAL_MADE',
  referralId: id,
  agency: 'kmptSpoa',
  contactMethod: 'phone',
  namedContact: 'duty nurse',
  agencyReference: null,
});
const answer = (id: string, a: string, reason: string | null = a === 'declined' ? 'no capacity' : null) => ({
  type: 'REFERRAL_ANSWERED',
  referralId: id,
  answer: a,
  reason,
  agencyReference: null,
});
const close = (over: Record<string, unknown> = {}) => ({
  type: 'INCIDENT_CLOSED',
  mhFlagAtClose: true,
  closureCode: 'resolved',
  note: null,
  ...over,
});

function graded(p: Partial<IncidentPolicy> = {}, over: Record<string, unknown> = {}) {
  return new Incident().must(created(over, p), 0).must(thrive(), 1).must(grade(), 2);
}

describe('incident lifecycle', () => {
  it('follows call → THRIVE → grade → decision → handover → accepted → close', () => {
    const i = graded();
    expect(i.state).toBe('graded');
    i.must(decide('handover'), 3).must(refer(), 4);
    expect(i.state).toBe('partnerResponse');
    i.must(answer('r1', 'accepted'), 10).must(close(), 11);
    expect(i.state).toBe('closed');
    expect(allowedEvents(i.s)).toEqual([]);
  });

  it('a joint response is police dispatched plus a referral', () => {
    const i = graded()
      .must(decide('jointResponse'), 3)
      .must({ type: 'POLICE_DISPATCHED', resources: [{ callSign: 'KM21', officers: 2, type: 'response' }] }, 4);
    expect(i.state).toBe('policeResponse');
    i.must(refer(), 5);
    expect(i.state).toBe('jointResponse');
  });

  it('advice only and resolution without deployment end in noDeployment and set the no-deploy time', () => {
    const a = graded()
      .must(decide('adviceOnly'), 3)
      .must({ type: 'ADVICE_GIVEN', summary: 'signposted to NHS 111 mental health option' }, 4);
    expect(a.state).toBe('noDeployment');
    expect(a.ctx.noDeployAt).toBe(at(3));
    const b = graded()
      .must(decide('adviceOnly'), 3)
      .must({ type: 'RESOLVED_WITHOUT_DEPLOYMENT', resolution: 'callerReassured', note: null }, 4);
    expect(b.state).toBe('noDeployment');
  });

  it('snapshots survive a round trip through JSON and equal a replay of the same events', () => {
    const events: AggregateEvent[] = [];
    const i = new Incident();
    const orig = i.send.bind(i);
    i.send = (body, m) => {
      const before = i.s.version;
      const r = orig(body, m);
      if (r.ok)
        events.push({
          ...body,
          seq: before + 1,
          occurredAt: at(m ?? i.minute),
          recordedAt: at(Math.max(m ?? i.minute, i.minute) + 1),
          actor: { id: 'u1', role: 'call_handler' },
        } as AggregateEvent);
      return r;
    };
    i.must(created(), 0).must(thrive(), 1).must(grade(), 2).must(decide('handover'), 3).must(refer(), 4);
    const json = serializeAggregate(i.s);
    expect(serializeAggregate(restoreAggregate(json))).toBe(json);
    expect(serializeAggregate(replay(events))).toBe(json);
  });
});

describe('R1 THRIVE before grading', () => {
  it('R1 refuses a grade before any THRIVE assessment exists', () => {
    const i = new Incident().must(created(), 0);
    expect(i.send(grade(), 1)).toMatchObject({ ok: false, rule: 'R1', code: 'THRIVE_REQUIRED' });
  });
  it('R1 refuses a THRIVE with a blank dimension note and names the missing dimensions', () => {
    const i = new Incident().must(created(), 0);
    const r = i.send(thrive({ vulnerability: '  ', engagement: '' }), 1);
    expect(r).toMatchObject({ ok: false, rule: 'R1' });
    expect((r as { message: string }).message).toContain('vulnerability, engagement');
  });
  it('R1 refuses a THRIVE without a rationale and accepts "none identified" notes', () => {
    const i = new Incident().must(created(), 0);
    expect(i.send(thrive({ rationale: '' }), 1)).toMatchObject({ ok: false, rule: 'R1' });
    i.must(thrive({ threat: 'none identified', investigation: 'none identified' }), 1);
    expect(i.state).toBe('assessed');
  });
});

const g1Immediate: GradePolicy = {
  ...g1Split,
  targetSplit: false,
  immediate: { thriveWithinMinutes: 30, notify: 'supervisor' },
};
const immediateGrade = (over: Record<string, unknown> = {}) => ({
  type: 'IMMEDIATE_GRADE_SET',
  grade: 'G1',
  obviousThreat: 'caller says her partner is at the door with a knife',
  gradePolicy: g1Immediate,
  ...over,
});
const dispatch = { type: 'POLICE_DISPATCHED', resources: [{ callSign: 'KM21', officers: 2, type: 'response' }] };
/** A new incident in a force whose G1 is immediate (a non-RCRP category unless `p` says otherwise). */
const immediateCall = (p: Partial<IncidentPolicy> = {}) =>
  new Incident().must(created({}, { rcrpCategory: false, immediateGrades: ['G1'], ...p }), 0);

describe('R1a immediate calls: graded and dispatched before THRIVE, which follows', () => {
  it('R1a offers the immediate grade on a new incident only where the force marks a grade immediate', () => {
    expect(allowedEvents(immediateCall().s)).toEqual(
      expect.arrayContaining(['IMMEDIATE_GRADE_SET', 'THRIVE_RECORDED']),
    );
    expect(allowedEvents(immediateCall().s)).not.toContain('GRADE_SET');
    const none = new Incident().must(created({}, { rcrpCategory: false }), 0);
    expect(allowedEvents(none.s)).not.toContain('IMMEDIATE_GRADE_SET');
    expect(none.send(immediateGrade(), 1)).toMatchObject({ ok: false, rule: 'R1a', code: 'NO_IMMEDIATE_GRADE' });
  });

  it('R1a accepts an immediate grade with an obvious-threat note; police are dispatched before any THRIVE', () => {
    const i = immediateCall().must(immediateGrade(), 1).must(dispatch, 2);
    expect(i.state).toBe('policeResponse');
    expect(i.ctx.thrive).toBeNull();
    expect(i.ctx.grade).toMatchObject({ code: 'G1', seq: 2 });
    expect(i.ctx.immediate).toMatchObject({ seq: 2, occurredAt: at(1), thriveDueAt: at(31) });
  });

  it('R1a refuses a grade the force does not mark immediate, and one without an obvious-threat note', () => {
    const i = immediateCall();
    expect(i.send(immediateGrade({ grade: 'G2', gradePolicy: g2 }), 1)).toMatchObject({
      ok: false,
      rule: 'R1a',
      code: 'GRADE_NOT_IMMEDIATE',
    });
    expect(i.send(immediateGrade({ obviousThreat: '  ' }), 1)).toMatchObject({
      ok: false,
      rule: 'R1a',
      code: 'OBVIOUS_THREAT_REQUIRED',
    });
    expect(i.state).toBe('new');
  });

  it('R1a is for before THRIVE: once a THRIVE is recorded the grade follows it (R1, GRADE_SET)', () => {
    const i = immediateCall().must(thrive(), 1);
    expect(allowedEvents(i.s)).not.toContain('IMMEDIATE_GRADE_SET');
    expect(i.send(immediateGrade(), 2)).toMatchObject({ ok: false, code: 'EVENT_NOT_ALLOWED' });
    i.must(grade('G1', g1Immediate), 2);
    expect(i.ctx.immediate).toBeUndefined();
    expect(aggregateDeadlines(i.s).map((d) => d.rule)).not.toContain('R1a');
  });

  it('R1a starts a THRIVE clock (the configured minutes) that recording the THRIVE stops', () => {
    const i = immediateCall().must(immediateGrade(), 1).must(dispatch, 2);
    expect(aggregateDeadlines(i.s)).toEqual([
      { key: 'R1a:thrive:2', rule: 'R1a', kind: 'thriveAfterImmediate', dueAt: at(31), fired: false },
    ]);
    i.must(thrive(), 20);
    expect(aggregateDeadlines(i.s)).toEqual([]);
    expect(i.send({ type: 'DEADLINE_REACHED', deadlineKey: 'R1a:thrive:2' }, 31)).toMatchObject({
      ok: false,
      code: 'DEADLINE_NOT_LIVE',
    });
    expect(aggregateFlags(i.s)).toEqual([]);
  });

  it('R1a raises one alert to the configured role when the THRIVE is late; it cannot fire twice', () => {
    const i = immediateCall().must(immediateGrade(), 1).must(dispatch, 2);
    i.must({ type: 'DEADLINE_REACHED', deadlineKey: 'R1a:thrive:2' }, 31);
    expect(aggregateFlags(i.s)).toEqual([
      {
        key: 'R1a:thrive:2',
        rule: 'R1a',
        severity: 'warning',
        message: expect.stringContaining('no THRIVE assessment has been recorded within 30 min'),
        raisedAt: at(31),
        seq: 4,
        notify: 'supervisor',
      },
    ]);
    expect(i.send({ type: 'DEADLINE_REACHED', deadlineKey: 'R1a:thrive:2' }, 32)).toMatchObject({
      ok: false,
      code: 'DEADLINE_NOT_LIVE',
    });
    // A late THRIVE still answers it: the clock stops, the alert stays.
    i.must(thrive(), 40);
    expect(aggregateDeadlines(i.s)).toEqual([]);
    expect(aggregateFlags(i.s)).toHaveLength(1);
  });

  it('R1a refuses closure until the THRIVE is recorded', () => {
    const advised = (i: Incident) =>
      i.must(decide('adviceOnly'), 2).must({ type: 'ADVICE_GIVEN', summary: 'threat gone: he has left' }, 3);
    const i = advised(immediateCall().must(immediateGrade(), 1));
    expect(i.send(close(), 5)).toMatchObject({ ok: false, rule: 'R1a', code: 'THRIVE_REQUIRED' });
    expect(allowedEvents(i.s)).not.toContain('INCIDENT_CLOSED');
    i.must(thrive(), 6).must(close(), 7);
    expect(i.state).toBe('closed');
  });

  it('R1a leaves R1 for re-grading: a new grade needs the THRIVE first', () => {
    const i = immediateCall().must(immediateGrade(), 1);
    expect(i.send(grade(), 2)).toMatchObject({ ok: false, rule: 'R1', code: 'THRIVE_REQUIRED' });
    i.must(thrive(), 3).must(grade(), 4);
    expect(i.ctx.grade?.code).toBe('G2');
  });

  it('R1a leaves R8 in force: in an RCRP category the decision still comes before dispatch', () => {
    const i = immediateCall({ rcrpCategory: true }).must(immediateGrade(), 1);
    expect(i.send(dispatch, 2)).toMatchObject({ ok: false, rule: 'R8', code: 'RCRP_DECISION_REQUIRED' });
    i.must(decide('deploy', { riskToLife: true }), 2).must(dispatch, 3);
    expect(i.state).toBe('policeResponse');
  });
});

describe('R2 fresh THRIVE before re-grade, decision change or closure', () => {
  it('R2 refuses a re-grade without a THRIVE recorded after the current grade', () => {
    const i = graded();
    expect(i.send(grade('G1'), 3)).toMatchObject({ ok: false, rule: 'R2' });
    i.must(thrive(), 4).must(grade('G1'), 5);
    expect(i.ctx.grade?.code).toBe('G1');
  });
  it('R2 refuses a changed RCRP decision without a new THRIVE, then accepts it after one', () => {
    const i = graded().must(decide('adviceOnly'), 3);
    expect(i.send(decide('deploy'), 4)).toMatchObject({ ok: false, rule: 'R2' });
    i.must(thrive(), 5).must(decide('deploy'), 6);
    expect(i.ctx.decision?.decision).toBe('deploy');
  });
  it(
    'R2 new information blocks grading, decisions and closure until a THRIVE answers it, and the THRIVE references ' +
      'it',
    () => {
      const i = graded().must(decide('handover'), 3).must(refer(), 4).must(answer('r1', 'accepted'), 5);
      i.must({ type: 'NEW_INFORMATION', summary: 'caller says he has a knife', source: 'caller' }, 6);
      expect(i.send(close(), 7)).toMatchObject({ ok: false, rule: 'R2', code: 'REASSESSMENT_REQUIRED' });
      expect(i.send(decide('deploy', { crimeOccurring: true }), 7)).toMatchObject({ ok: false, rule: 'R2' });
      expect(allowedEvents(i.s)).not.toContain('INCIDENT_CLOSED');
      i.must(thrive({ threat: 'knife mentioned' }), 8);
      expect(i.ctx.thrive?.reassessmentOf).toEqual({ fromSeq: 7, toSeq: 7 });
      i.must(close(), 9);
    },
  );
  it('R2 refuses a re-assessment dated before the change it must answer', () => {
    const i = graded().must({ type: 'NEW_INFORMATION', summary: 'update', source: 'officer' }, 10);
    expect(i.send(thrive(), 9)).toMatchObject({ ok: false, rule: 'R2', code: 'REASSESSMENT_BEFORE_TRIGGER' });
    i.must(thrive(), 10);
  });
  it('R2 a declined referral requires a re-THRIVE before anything else is decided', () => {
    const i = graded().must(decide('handover'), 3).must(refer(), 4).must(answer('r1', 'declined'), 5);
    expect(i.ctx.pendingReassessment?.lastType).toBe('REFERRAL_ANSWERED');
    expect(i.send(decide('deploy'), 6)).toMatchObject({ ok: false, rule: 'R2' });
  });
});

describe('R3 THRIVE versions are appended, never edited', () => {
  it('R3 a correction is a new THRIVE version; the earlier assessment stays in the log', () => {
    const i = graded();
    expect(i.ctx.thrive?.version).toBe(1);
    i.must(thrive({ risk: 'high' }), 3);
    expect(i.ctx.thrive?.version).toBe(2);
    expect(i.ctx.thrive?.seq).toBe(4);
  });
});

describe('R5 location class when targets are split', () => {
  it('R5 refuses a grade with urban/rural targets when the incident has no location class', () => {
    const i = new Incident().must(created({ locationClass: null }), 0).must(thrive(), 1);
    expect(i.send(grade('G1', g1Split), 2)).toMatchObject({ ok: false, rule: 'R5' });
    i.must(grade('G2', g2), 2);
  });
});

describe('R6 unresourced incidents', () => {
  it('R6 keeps a clock per grade while no resource is dispatched, and drops it on dispatch', () => {
    const i = graded();
    expect(aggregateDeadlines(i.s)).toEqual([
      { key: 'R6:unresourced:3', rule: 'R6', kind: 'unresourced', dueAt: at(42), fired: false },
    ]);
    i.must(decide('deploy'), 3).must(
      { type: 'POLICE_DISPATCHED', resources: [{ callSign: 'A1', officers: 1, type: 'response' }] },
      4,
    );
    expect(aggregateDeadlines(i.s)).toEqual([]);
  });
  it('R6 the deadline raises one flag naming who to notify, and cannot fire twice', () => {
    const i = graded();
    i.must({ type: 'DEADLINE_REACHED', deadlineKey: 'R6:unresourced:3' }, 42);
    expect(aggregateFlags(i.s)).toMatchObject([{ rule: 'R6', notify: 'sergeant' }]);
    expect(i.send({ type: 'DEADLINE_REACHED', deadlineKey: 'R6:unresourced:3' }, 43)).toMatchObject({
      ok: false,
      code: 'DEADLINE_NOT_LIVE',
    });
  });
});

describe('R7 time order', () => {
  it('R7 refuses an event dated before the call was received', () => {
    const i = new Incident().must(created(), 10);
    expect(i.send(thrive(), 9)).toMatchObject({ ok: false, rule: 'R7', code: 'TIME_BEFORE_START' });
  });
  it('R7 refuses an event dated in the future beyond the clock tolerance', () => {
    const i = new Incident().must(created(), 0);
    const e = {
      ...thrive(),
      seq: 2,
      occurredAt: at(30),
      recordedAt: at(1),
      actor: { id: 'u1', role: 'call_handler' },
    } as AggregateEvent;
    const r = applyToAggregate(i.s, e);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.violation).toMatchObject({ rule: 'R7', code: 'TIME_IN_FUTURE' });
  });
  it('R7 refuses a referral answer before the referral and a closure before the last step', () => {
    const i = graded().must(decide('handover'), 3).must(refer(), 10);
    expect(i.send(answer('r1', 'accepted'), 9)).toMatchObject({ ok: false, rule: 'R7' });
    i.must(answer('r1', 'accepted'), 20);
    expect(i.send(close(), 15)).toMatchObject({ ok: false, rule: 'R7' });
  });
});

describe('R8 RCRP decision for RCRP categories', () => {
  it('R8 refuses dispatch, referral, advice or resolution before the RCRP decision in an RCRP category', () => {
    const i = graded();
    for (const e of [
      { type: 'POLICE_DISPATCHED', resources: [{ callSign: 'A1', officers: 1, type: 'response' }] },
      refer(),
      { type: 'ADVICE_GIVEN', summary: 'x' },
      { type: 'RESOLVED_WITHOUT_DEPLOYMENT', resolution: 'callerReassured', note: null },
    ]) {
      expect(i.send(e, 3)).toMatchObject({ ok: false, rule: 'R8', code: 'RCRP_DECISION_REQUIRED' });
    }
  });
  it('R8 lets a non-RCRP category dispatch without a decision', () => {
    const i = graded({ rcrpCategory: false });
    i.must({ type: 'POLICE_DISPATCHED', resources: [{ callSign: 'A1', officers: 1, type: 'response' }] }, 3);
    expect(i.state).toBe('policeResponse');
  });
  it('R8 refuses a response the decision does not allow, and a decision without rationale', () => {
    const i = graded().must(decide('adviceOnly'), 3);
    expect(
      i.send({ type: 'POLICE_DISPATCHED', resources: [{ callSign: 'A1', officers: 1, type: 'response' }] }, 4),
    ).toMatchObject({ ok: false, rule: 'R8', code: 'RCRP_DECISION_CONFLICT' });
    const j = graded();
    expect(j.send(decide('handover', { rationale: ' ' }), 3)).toMatchObject({ ok: false, rule: 'R8' });
  });
});

describe('R9 threshold met means police, unless a supervisor overrides', () => {
  it('R9 refuses handover when there is a real and immediate risk to life', () => {
    const i = graded();
    expect(i.send(decide('handover', { riskToLife: true }), 3)).toMatchObject({
      ok: false,
      rule: 'R9',
      code: 'RCRP_THRESHOLD_MET',
    });
    expect(i.send(decide('adviceOnly', { crimeOccurring: true }), 3)).toMatchObject({ ok: false, rule: 'R9' });
    i.must(decide('deploy', { riskToLife: true }), 3);
  });
  it('R9 accepts a supervisor override with name, rank and reason, but not from a constable', () => {
    const i = graded();
    const constable = { name: 'PC Day', rank: 'constable', reason: 'ambulance on scene' };
    expect(i.send(decide('handover', { riskOfSeriousHarm: true, override: constable }), 3)).toMatchObject({
      ok: false,
      rule: 'R9',
      code: 'OVERRIDE_RANK',
    });
    expect(
      i.send(
        decide('handover', { riskOfSeriousHarm: true, override: { name: 'Insp Lee', rank: 'inspector', reason: '' } }),
        3,
      ),
    ).toMatchObject({ ok: false, rule: 'R9' });
    i.must(
      decide('handover', {
        riskOfSeriousHarm: true,
        override: { name: 'Insp Lee', rank: 'inspector', reason: 'ambulance crew on scene managing risk' },
      }),
      3,
    );
    expect(i.ctx.decision?.overridden).toBe(true);
  });
});

describe('R10 children and RCRP', () => {
  it('R10 flags a no-deploy decision for a child when the force excludes children (flag mode)', () => {
    const i = graded({}, { subject: child }).must(decide('handover'), 3);
    expect(aggregateFlags(i.s).map((f) => f.rule)).toEqual(['R10']);
  });
  it('R10 refuses a no-deploy decision for a child in requireDeploy mode and accepts deploy', () => {
    const i = graded({ childExclusionAction: 'requireDeploy' }, { subject: child });
    expect(i.send(decide('adviceOnly'), 3)).toMatchObject({ ok: false, rule: 'R10' });
    i.must(decide('deploy'), 3);
  });
  it('R10 raises the flag when the subject turns out to be a child after a no-deploy decision', () => {
    const i = graded({}, { subject: null }).must(decide('adviceOnly'), 3);
    expect(aggregateFlags(i.s)).toEqual([]);
    i.must({ type: 'SUBJECT_RECORDED', subject: { ...child, personKeys: [] }, priorContacts: [] }, 4);
    expect(aggregateFlags(i.s).map((f) => f.rule)).toEqual(['R10']);
  });
  it('R10 does not flag adults or forces that do not exclude children', () => {
    expect(aggregateFlags(graded().must(decide('handover'), 3).s)).toEqual([]);
    expect(
      aggregateFlags(graded({ childrenExcludedFromRcrp: false }, { subject: child }).must(decide('handover'), 3).s),
    ).toEqual([]);
  });
});

describe('R11 referral details', () => {
  it('R11 refuses a referral without the named contact, and a decline without a reason', () => {
    const i = graded().must(decide('handover'), 3);
    expect(i.send({ ...refer(), namedContact: ' ' }, 4)).toMatchObject({ ok: false, rule: 'R11' });
    i.must(refer(), 4);
    expect(i.send(answer('r1', 'declined', null), 5)).toMatchObject({
      ok: false,
      rule: 'R11',
      code: 'DECLINE_REASON_REQUIRED',
    });
  });
});

describe('R12 no closure with a referral unanswered', () => {
  it('R12 refuses closure while a referral is pending', () => {
    const i = graded().must(decide('handover'), 3).must(refer(), 4);
    expect(i.send(close(), 5)).toMatchObject({ ok: false, rule: 'R12', code: 'REFERRAL_UNRESOLVED' });
  });
  it('R12 after no response, closure needs a re-THRIVE that records a safety-net decision', () => {
    const i = graded().must(decide('handover'), 3).must(refer(), 4).must(answer('r1', 'noResponse'), 64);
    i.must(thrive(), 65);
    expect(i.send(close(), 66)).toMatchObject({ ok: false, rule: 'R12' });
    i.must(thrive({ safetyNet: 'caller given crisis line; FCR to call back at 22:00' }), 67).must(close(), 68);
    expect(i.state).toBe('closed');
  });
  it('R12 a safety net recorded before the latest referral change does not count', () => {
    const i = graded()
      .must(decide('handover'), 3)
      .must(thrive({ safetyNet: 'early note' }), 3);
    // decision recorded; safety-net THRIVE at seq 5; now the referral is made afterwards
    i.must(refer(), 4);
    expect(i.send(close(), 5)).toMatchObject({ ok: false, rule: 'R12' });
  });
  it('R12 a late acceptance after no response resolves the referral', () => {
    const i = graded()
      .must(decide('handover'), 3)
      .must(refer(), 4)
      .must(answer('r1', 'noResponse'), 60)
      .must(answer('r1', 'accepted'), 70);
    i.must(thrive(), 71).must(close(), 72);
  });
});

describe('R15 repeat contacts after a no-deploy decision', () => {
  it('R15 flags a contact about the same person within the window after a no-deploy decision', () => {
    const prior = [{ incidentId: 'earlier', noDeployAt: at(-60 * 48) }];
    const i = new Incident().must(created({ priorContacts: prior }), 0);
    expect(i.ctx.repeatContactOf).toEqual(['earlier']);
    expect(aggregateFlags(i.s)).toMatchObject([{ rule: 'R15', severity: 'warning' }]);
  });
  it('R15 does not flag when the earlier no-deploy decision is outside the window', () => {
    const prior = [{ incidentId: 'old', noDeployAt: at(-60 * 73) }];
    const i = new Incident().must(created({ priorContacts: prior }), 0);
    expect(aggregateFlags(i.s)).toEqual([]);
  });
  it('R15 uses the window from the stamped policy', () => {
    const prior = [{ incidentId: 'old', noDeployAt: at(-60 * 73) }];
    const i = new Incident().must(created({ priorContacts: prior }, { repeatContactWindowHours: 96 }), 0);
    expect(i.ctx.repeatContactOf).toEqual(['old']);
  });
});

describe('R40 mental-health flags before closure', () => {
  it('R40 refuses closure without mhFlagAtClose and accepts false as an answer', () => {
    const i = graded().must(decide('adviceOnly'), 3).must({ type: 'ADVICE_GIVEN', summary: 'advised' }, 4);
    expect(i.send(close({ mhFlagAtClose: null }), 5)).toMatchObject({ ok: false, rule: 'R40' });
    i.must(close({ mhFlagAtClose: false }), 5);
    expect(i.ctx.mhFlagAtClose).toBe(false);
    expect(i.ctx.mhFlagAtCall).toBe(true);
  });
});
