/**
 * The referral machine inside the incident aggregate: pure (state, event) → state, no database.
 * Rule tests are named by rule number (docs/rules.md); each checks the refusal names the rule and that the
 * lawful alternative is accepted.
 */
import { describe, expect, it } from 'vitest';
import type { ReferralContext, ReferralRoute } from '../../machines/referral.machine.js';
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

const T0 = Date.parse('2026-11-23T21:00:00.000Z');
const at = (min: number) => new Date(T0 + min * 60_000).toISOString();
const SYSTEM = { id: 'system', role: 'system' };
const PARTNER = { id: 'agency:kmptSpoa', role: 'partner' };

const LADDER = [
  { level: 1, label: 'FCR sergeant', notify: 'sergeant', responseMinutes: 30 },
  { level: 2, label: 'FCR inspector', notify: 'inspector', responseMinutes: 60 },
  { level: 3, label: 'Duty superintendent', notify: 'superintendent', responseMinutes: null },
];
const route = (over: Partial<ReferralRoute> = {}): ReferralRoute => ({
  agencyLabel: 'KMPT SPoA',
  agencyType: 'crisisTeam',
  delivery: 'email',
  email: 'spoa@partners.example',
  freeTextAllowed: false,
  acknowledgeMinutes: 15,
  answerMinutes: 60,
  deliveryMinutes: 10,
  linkExpiresAt: at(72 * 60),
  escalationLevels: LADDER,
  escalationContacts: [{ level: 1, role: 'SPoA shift coordinator', phone: '01632 960111', email: null }],
  coversDistrict: true,
  openAtReferral: true,
  ...over,
});
const shared = {
  location: 'flat 2, 10 High Street',
  riskSummary: 'lives alone, not seen for 3 days',
  callbackRoute: 'FCR 01632 960000',
  narrative: null,
};

class Incident {
  s: AggregateState = emptyAggregate();
  events: AggregateEvent[] = [];
  minute = 0;
  send(
    body: Record<string, unknown>,
    min = this.minute,
    actor: { id: string; role: string } = { id: 'u1', role: 'call_handler' },
  ) {
    const e = {
      ...body,
      seq: this.s.version + 1,
      occurredAt: at(min),
      recordedAt: at(Math.max(min, this.minute)),
      actor,
    } as AggregateEvent;
    const r = applyToAggregate(this.s, e);
    if (!r.ok) return { ok: false as const, ...r.violation };
    this.s = r.state;
    this.events.push(e);
    this.minute = Math.max(this.minute, min);
    return { ok: true as const };
  }
  must(body: Record<string, unknown>, min?: number, actor?: { id: string; role: string }) {
    const r = this.send(body, min, actor);
    expect(r, `${String(body.type)} should be accepted`).toEqual({ ok: true });
    return this;
  }
  /** The sweeper: fire every due deadline at its due time. */
  sweep(untilMin: number) {
    for (;;) {
      const due = aggregateDeadlines(this.s)
        .filter((d) => !d.fired && d.dueAt <= at(untilMin))
        .sort((a, b) => (a.dueAt < b.dueAt ? -1 : 1))[0];
      if (!due) break;
      const min = (Date.parse(due.dueAt) - T0) / 60_000;
      this.must({ type: 'DEADLINE_REACHED', deadlineKey: due.key }, min, SYSTEM);
    }
    this.minute = Math.max(this.minute, untilMin);
  }
  referral(id = 'r1'): { state: string; ctx: ReferralContext } {
    const snap = this.s.children.referral[id]!;
    return { state: String(snap.value), ctx: snap.context as ReferralContext };
  }
  get ctx() {
    return this.s.incident.context;
  }
}

const thrive = (over: Record<string, unknown> = {}) => ({
  type: 'THRIVE_RECORDED',
  threat: 'none identified',
  harm: 'possible fall',
  risk: 'medium',
  investigation: 'none identified',
  vulnerability: 'lives alone',
  engagement: 'landlord has key',
  rationale: 'welfare, no crime',
  safetyNet: null,
  ...over,
});

/** An RCRP incident graded and decided 'handover', ready for referrals. */
function handoverIncident(): Incident {
  const i = new Incident();
  i.must({
    type: 'INCIDENT_CREATED',
    incidentId: 'i1',
    reference: 'KENT-1',
    channel: '999',
    category: 'concernForWelfare',
    district: 'Maidstone',
    locationClass: 'urban',
    mhFlagAtCall: true,
    summary: null,
    location: null,
    subject: null,
    priorContacts: [],
    policy: {
      rcrpCategory: true,
      childrenExcludedFromRcrp: true,
      childExclusionAction: 'flag',
      repeatContactWindowHours: 72,
      futureToleranceSeconds: 120,
    },
  });
  i.must(thrive(), 1);
  i.must(
    {
      type: 'GRADE_SET',
      grade: 'G3',
      reason: null,
      gradePolicy: {
        label: 'Routine',
        requiresDeployment: true,
        targetSplit: false,
        unresourcedAlertAfterMinutes: null,
        unresourcedNotify: null,
      },
    },
    2,
  );
  i.must(
    {
      type: 'RCRP_DECISION_RECORDED',
      crimeOccurring: false,
      riskToLife: false,
      riskOfSeriousHarm: false,
      decision: 'handover',
      rationale: 'health-led',
      override: null,
    },
    3,
  );
  return i;
}

const made = (over: Record<string, unknown> = {}, r: Partial<ReferralRoute> = {}) => ({
  type: 'REFERRAL_MADE',
  referralId: 'r1',
  agency: 'kmptSpoa',
  contactMethod: 'secureEmail',
  namedContact: 'duty desk',
  agencyReference: null,
  route: route(r),
  shared,
  ...over,
});
const sent = (id = 'r1') => ({ type: 'REFERRAL_SENT', referralId: id, messageId: '<abc@mh-triage.invalid>' });
const answer = (a: string, reason: string | null = a === 'declined' ? 'no capacity tonight' : null) => ({
  type: 'REFERRAL_ANSWERED',
  referralId: 'r1',
  answer: a,
  reason,
  agencyReference: null,
  respondent: 'J Smith, crisis nurse',
});
const escalated = (level: number, over: Record<string, unknown> = {}) => ({
  type: 'REFERRAL_ESCALATED',
  referralId: 'r1',
  level,
  reason: 'declineDisputed',
  escalatedBy: { name: 'Sgt A Patel', rank: 'sergeant' },
  partnerContact: 'shift coordinator',
  note: null,
  ...over,
});
const resolved = (outcome: string, over: Record<string, unknown> = {}) => ({
  type: 'REFERRAL_RESOLVED',
  referralId: 'r1',
  outcome,
  resolvedBy: { name: 'Insp B Khan', rank: 'inspector' },
  partnerContact: 'on-call manager',
  note: null,
  ...over,
});
const close = (over: Record<string, unknown> = {}) => ({
  type: 'INCIDENT_CLOSED',
  mhFlagAtClose: true,
  closureCode: 'handedToPartner',
  note: null,
  ...over,
});

describe('how a referral starts depends on how it reaches the agency', () => {
  it(
    'an email waits as drafted until the mail server accepts it; a portal submission is sent; a phone call is ' +
      'acknowledged',
    () => {
      const i = handoverIncident();
      i.must(made(), 4);
      i.must(made({ referralId: 'r2', contactMethod: 'referralPortal' }, { delivery: 'message' }), 4);
      i.must(made({ referralId: 'r3', contactMethod: 'phone' }, { delivery: 'conversation' }), 4);
      expect([i.referral('r1').state, i.referral('r2').state, i.referral('r3').state]).toEqual([
        'drafted',
        'sent',
        'acknowledged',
      ]);
      expect(i.referral('r3').ctx).toMatchObject({ sentAt: at(4), acknowledgedAt: at(4), acknowledgedBy: 'duty desk' });
      // The incident sees the R11 acceptance status: all three are pending.
      expect(Object.values(i.ctx.referrals).map((r) => r.status)).toEqual(['pending', 'pending', 'pending']);
      i.must(sent(), 6, SYSTEM);
      expect(i.referral('r1')).toMatchObject({
        state: 'sent',
        ctx: { sentAt: at(6), messageId: '<abc@mh-triage.invalid>' },
      });
    },
  );

  it(
    'the acknowledgement and answer clocks run from when the email reached the mail server, not from when it was ' +
      'queued',
    () => {
      const i = handoverIncident();
      i.must(made(), 4);
      expect(aggregateDeadlines(i.s).map((d) => [d.key, d.dueAt])).toEqual([['referral:r1:delivery', at(14)]]);
      i.must(sent(), 9, SYSTEM);
      expect(aggregateDeadlines(i.s).map((d) => [d.key, d.dueAt])).toEqual([
        ['referral:r1:ack', at(24)],
        ['referral:r1:answer', at(69)],
      ]);
      i.must(
        { type: 'REFERRAL_ACKNOWLEDGED', referralId: 'r1', acknowledgedBy: 'J Smith', agencyReference: 'SPOA-77' },
        12,
        PARTNER,
      );
      expect(aggregateDeadlines(i.s).map((d) => d.key)).toEqual(['referral:r1:answer']);
      expect(i.referral().ctx.agencyReference).toBe('SPOA-77');
    },
  );

  it('an email not delivered in time counts as no response, alerts the level-1 role, and requires a re-THRIVE', () => {
    const i = handoverIncident();
    i.must(made(), 4);
    i.sweep(14);
    expect(i.referral().state).toBe('noResponse');
    expect(i.referral().ctx.noResponseCause).toBe('delivery');
    expect(aggregateFlags(i.s)).toMatchObject([{ key: 'referral:r1:undelivered', rule: 'R11', notify: 'sergeant' }]);
    expect(i.ctx.pendingReassessment).toMatchObject({ lastType: 'DEADLINE_REACHED' });
    // Delivered late after all: recorded, but the referral stays unanswered.
    i.must(sent(), 20, SYSTEM);
    expect(i.referral()).toMatchObject({ state: 'noResponse', ctx: { sentAt: at(20) } });
  });
});

describe('R11 referral details', () => {
  it(
    'R11 refuses a referral without the named contact, an email referral to an agency without an address, and a ' +
      'written referral without a risk summary',
    () => {
      const i = handoverIncident();
      expect(i.send(made({ namedContact: ' ' }), 4)).toMatchObject({
        ok: false,
        rule: 'R11',
        code: 'NAMED_CONTACT_REQUIRED',
      });
      expect(i.send(made({}, { email: null }), 4)).toMatchObject({
        ok: false,
        rule: 'R11',
        code: 'AGENCY_HAS_NO_EMAIL',
      });
      expect(i.send(made({ shared: { ...shared, riskSummary: '' } }), 4)).toMatchObject({
        ok: false,
        rule: 'R11',
        code: 'RISK_SUMMARY_REQUIRED',
      });
      // By phone the summary is spoken: no written summary is needed.
      i.must(
        made(
          { contactMethod: 'phone', shared: { ...shared, riskSummary: null } },
          { delivery: 'conversation', email: null },
        ),
        4,
      );
    },
  );

  it('R11 a decline needs the reason the agency gave', () => {
    const i = handoverIncident();
    i.must(made(), 4).must(sent(), 5, SYSTEM);
    expect(i.send(answer('declined', null), 10)).toMatchObject({
      ok: false,
      rule: 'R11',
      code: 'DECLINE_REASON_REQUIRED',
    });
    i.must(answer('declined'), 10, PARTNER);
    expect(i.referral().ctx).toMatchObject({
      answer: 'declined',
      answeredVia: 'partner',
      respondent: 'J Smith, crisis nurse',
      reason: 'no capacity tonight',
    });
  });

  it('minimum necessary: a free-text narrative is refused unless the agency is configured to receive it', () => {
    const i = handoverIncident();
    const withNarrative = made({ shared: { ...shared, narrative: 'history of the family dispute' } });
    expect(i.send(withNarrative, 4)).toMatchObject({ ok: false, rule: null, code: 'FREE_TEXT_NOT_ALLOWED' });
    i.must({ ...withNarrative, route: route({ freeTextAllowed: true }) }, 4);
  });

  it('R11 flags a referral to an agency that does not cover the district or is outside its hours', () => {
    const i = handoverIncident();
    i.must(made({}, { coversDistrict: false, openAtReferral: false }), 4);
    expect(
      aggregateFlags(i.s)
        .map((f) => f.key)
        .sort(),
    ).toEqual(['referral:r1:routing:coverage', 'referral:r1:routing:hours']);
  });

  it('R7 refuses an answer dated before the referral was made', () => {
    const i = handoverIncident();
    i.must(made(), 10);
    expect(i.send(answer('accepted'), 9)).toMatchObject({ ok: false, rule: 'R7' });
  });
});

describe('R12 the incident and its referrals', () => {
  it('R12 refuses closure while a referral is pending; a re-THRIVE with a safety net allows it', () => {
    const i = handoverIncident();
    i.must(made(), 4).must(sent(), 5, SYSTEM);
    expect(i.send(close(), 6)).toMatchObject({ ok: false, rule: 'R12', code: 'REFERRAL_UNRESOLVED' });
    i.must(thrive({ safetyNet: 'caller given crisis line; call back at 23:00' }), 7).must(close(), 8);
    expect(stateName(i.s)).toBe('closed');
    expect(aggregateDeadlines(i.s), 'a closed incident watches no clocks').toEqual([]);
  });

  it('R12 a declined referral requires a re-THRIVE (R2) before the decision can change', () => {
    const i = handoverIncident();
    i.must(made(), 4).must(sent(), 5, SYSTEM).must(answer('declined'), 20, PARTNER);
    expect(i.ctx.referrals.r1!.status).toBe('declined');
    expect(i.ctx.pendingReassessment).toMatchObject({ lastType: 'REFERRAL_ANSWERED' });
    expect(
      i.send(
        {
          type: 'RCRP_DECISION_RECORDED',
          crimeOccurring: false,
          riskToLife: false,
          riskOfSeriousHarm: true,
          decision: 'deploy',
          rationale: 'no partner',
          override: null,
        },
        21,
      ),
    ).toMatchObject({
      ok: false,
      rule: 'R2',
    });
  });

  it('a withdrawn referral stops its clocks, no longer blocks closure and refuses any answer', () => {
    const i = handoverIncident();
    i.must(made(), 4).must(sent(), 5, SYSTEM);
    expect(i.send({ type: 'REFERRAL_WITHDRAWN', referralId: 'r1', reason: ' ' }, 6)).toMatchObject({
      ok: false,
      rule: 'R11',
    });
    i.must({ type: 'REFERRAL_WITHDRAWN', referralId: 'r1', reason: 'person found safe by family' }, 6);
    expect(i.referral().state).toBe('withdrawn');
    expect(i.ctx.referrals.r1!.status).toBe('withdrawn');
    expect(aggregateDeadlines(i.s)).toEqual([]);
    expect(i.send(answer('accepted'), 7, PARTNER)).toMatchObject({ ok: false, code: 'EVENT_NOT_ALLOWED' });
    i.must(close(), 8);
  });
});

describe('R13 escalation', () => {
  it(
    'R13 no acknowledgement in time escalates to level 1 exactly once, alerts that level, and requires a ' +
      're-THRIVE',
    () => {
      const i = handoverIncident();
      i.must(made(), 4).must(sent(), 5, SYSTEM);
      i.sweep(19);
      expect(i.referral().state).toBe('sent');
      i.sweep(20);
      const r = i.referral();
      expect(r.state).toBe('escalated');
      expect(r.ctx).toMatchObject({ answer: 'noResponse', noResponseCause: 'acknowledgement', noResponseAt: at(20) });
      expect(r.ctx.escalations).toEqual([
        expect.objectContaining({
          level: 1,
          label: 'FCR sergeant',
          reason: 'noAcknowledgement',
          openedAt: at(20),
          openedBy: 'system',
          escalatedBy: null,
          closedAt: null,
        }),
      ]);
      const flags = aggregateFlags(i.s);
      expect(flags).toHaveLength(1);
      expect(flags[0]).toMatchObject({
        key: 'referral:r1:escalation:1',
        rule: 'R13',
        notify: 'sergeant',
        raisedAt: at(20),
      });
      expect(flags[0]!.message).toContain('SPoA shift coordinator, 01632 960111');
      expect(i.ctx.referrals.r1!.status).toBe('noResponse');
      expect(i.ctx.pendingReassessment).not.toBeNull();
      // The same deadline again is refused: it no longer applies.
      expect(i.send({ type: 'DEADLINE_REACHED', deadlineKey: 'referral:r1:ack' }, 21, SYSTEM)).toMatchObject({
        ok: false,
        code: 'DEADLINE_NOT_LIVE',
      });
    },
  );

  it('R13 a level left without an outcome climbs the ladder; the top level has no clock', () => {
    const i = handoverIncident();
    i.must(made(), 4).must(sent(), 5, SYSTEM);
    i.sweep(20 + 30); // ack missed at 20, level 1 times out at 50
    expect(i.referral().ctx.escalations.map((e) => [e.level, e.openedAt, e.closedAt, e.outcome])).toEqual([
      [1, at(20), at(50), 'no outcome in time'],
      [2, at(50), null, null],
    ]);
    i.sweep(50 + 60 + 600);
    expect(i.referral().ctx.escalations.map((e) => e.level)).toEqual([1, 2, 3]);
    expect(aggregateDeadlines(i.s)).toEqual([]);
    expect(aggregateFlags(i.s).map((f) => [f.key, f.severity])).toEqual([
      ['referral:r1:escalation:1', 'warning'],
      ['referral:r1:escalation:2', 'warning'],
      ['referral:r1:escalation:3', 'critical'],
    ]);
  });

  it('R13 an escalation record needs a configured level above the current one and the person who made it', () => {
    const i = handoverIncident();
    i.must(made(), 4).must(sent(), 5, SYSTEM).must(answer('declined'), 10, PARTNER);
    expect(i.send(escalated(9), 11)).toMatchObject({ ok: false, rule: 'R13', code: 'ESCALATION_LEVEL_UNKNOWN' });
    expect(i.send(escalated(1, { escalatedBy: { name: '  ', rank: 'sergeant' } }), 11)).toMatchObject({
      ok: false,
      rule: 'R13',
      code: 'ESCALATION_PERSON_REQUIRED',
    });
    expect(i.send(escalated(1, { reason: 'other', note: null }), 11)).toMatchObject({
      ok: false,
      rule: 'R13',
      code: 'ESCALATION_REASON_REQUIRED',
    });
    i.must(escalated(1), 11);
    expect(i.send(escalated(1), 12)).toMatchObject({ ok: false, rule: 'R13', code: 'ESCALATION_LEVEL_NOT_HIGHER' });
    i.must(
      escalated(3, {
        escalatedBy: { name: 'Supt C Lee', rank: 'superintendent' },
        reason: 'other',
        note: 'risk rising',
      }),
      12,
    );
    expect(i.referral().ctx.escalations.map((e) => [e.level, e.outcome, e.escalatedBy?.name])).toEqual([
      [1, 'escalated to level 3', 'Sgt A Patel'],
      [3, null, 'Supt C Lee'],
    ]);
    expect(i.send(resolved('policeWillRespond', { resolvedBy: { name: '', rank: 'inspector' } }), 13)).toMatchObject({
      ok: false,
      rule: 'R13',
    });
  });

  it('R13 an open escalation blocks closure until its outcome (level, person, time, outcome) is recorded', () => {
    const i = handoverIncident();
    i.must(made(), 4).must(sent(), 5, SYSTEM).must(answer('declined'), 10, PARTNER).must(escalated(1), 11);
    i.must(thrive({ safetyNet: 'police to attend' }), 12);
    expect(i.send(close(), 13)).toMatchObject({ ok: false, rule: 'R13', code: 'ESCALATION_OPEN' });
    expect(allowedEvents(i.s), 'allowed events reflect the veto').not.toContain('INCIDENT_CLOSED');
    i.must(resolved('partnerDeclineUpheld'), 14);
    expect(i.referral().state).toBe('resolved');
    expect(i.referral().ctx.escalations[0]).toMatchObject({
      closedAt: at(14),
      outcome: 'partnerDeclineUpheld',
      closedBy: 'u1',
    });
    expect(i.ctx.referrals.r1!.status).toBe('declined');
    i.must(thrive(), 15).must(close(), 16);
  });

  it('R13 a partner who answers late closes the open escalation with their answer', () => {
    const i = handoverIncident();
    i.must(made(), 4).must(sent(), 5, SYSTEM);
    i.sweep(21);
    expect(i.referral().state).toBe('escalated');
    i.must(answer('accepted'), 25, PARTNER);
    expect(i.referral()).toMatchObject({ state: 'accepted', ctx: { answer: 'accepted' } });
    expect(i.referral().ctx.escalations[0]).toMatchObject({
      closedAt: at(25),
      outcome: 'partner accepted via the response link',
      closedBy: 'agency:kmptSpoa',
    });
    expect(aggregateDeadlines(i.s)).toEqual([]);
  });

  it('R13 with no ladder configured, a missed clock means no response and no escalation', () => {
    const i = handoverIncident();
    i.must(made({}, { escalationLevels: [] }), 4).must(sent(), 5, SYSTEM);
    i.sweep(30);
    expect(i.referral().state).toBe('noResponse');
    expect(i.send(escalated(1), 31)).toMatchObject({ ok: false, rule: 'R13', code: 'NO_ESCALATION_LADDER' });
  });
});

describe('the rest of the lifecycle', () => {
  it('records what the caller was told about who will attend, in any state but withdrawn', () => {
    const i = handoverIncident();
    i.must(made(), 4);
    const told = {
      type: 'REFERRAL_CALLER_INFORMED',
      referralId: 'r1',
      whoWillAttend: 'partner',
      method: 'phone call back',
      note: null,
    };
    i.must(told, 5);
    i.must(sent(), 6, SYSTEM)
      .must(answer('accepted'), 10, PARTNER)
      .must({ ...told, whoWillAttend: 'partnerAndPolice' }, 12);
    expect(i.referral().ctx.callerInformed.map((c) => [c.at, c.whoWillAttend])).toEqual([
      [at(5), 'partner'],
      [at(12), 'partnerAndPolice'],
    ]);
  });

  it('a partner who accepted but does not come can be escalated (partnerNotAttending)', () => {
    const i = handoverIncident();
    i.must(made(), 4).must(sent(), 5, SYSTEM).must(answer('accepted'), 10, PARTNER);
    i.must(escalated(1, { reason: 'partnerNotAttending' }), 100);
    expect(i.referral().state).toBe('escalated');
    i.must(resolved('policeWillRespond'), 110);
    expect(i.ctx.referrals.r1!.status).toBe('resolved');
  });

  it('allowed events list what users may send (never REFERRAL_SENT or DEADLINE_REACHED)', () => {
    const i = handoverIncident();
    i.must(made(), 4);
    const a = allowedEvents(i.s);
    expect(a).toEqual(
      expect.arrayContaining([
        'REFERRAL_ACKNOWLEDGED',
        'REFERRAL_ANSWERED',
        'REFERRAL_CALLER_INFORMED',
        'REFERRAL_WITHDRAWN',
      ]),
    );
    expect(a).not.toContain('REFERRAL_SENT');
    expect(a).not.toContain('DEADLINE_REACHED');
  });

  it(
    'replays from the log to the same snapshot, and a referral recorded before routes existed replays as a phone ' +
      'referral',
    () => {
      const i = handoverIncident();
      i.must(made(), 4).must(sent(), 5, SYSTEM);
      i.sweep(60);
      i.must(answer('declined'), 61, PARTNER).must(escalated(3), 62).must(resolved('alternativeArranged'), 63);
      expect(serializeAggregate(replay(i.events))).toBe(serializeAggregate(i.s));
      expect(serializeAggregate(restoreAggregate(serializeAggregate(i.s)))).toBe(serializeAggregate(i.s));
      const legacy = handoverIncident();
      const { route: _r, shared: _s, ...old } = made({ contactMethod: 'phone' });
      legacy.must(old, 4);
      expect(legacy.referral().state).toBe('acknowledged');
      expect(aggregateDeadlines(legacy.s)).toEqual([]);
    },
  );
});
