/**
 * How each accepted event changes a referral (cannot fail: the rules have already said yes),
 * including what its clocks do when they run out: a missed acknowledgement or answer is silence
 * and opens escalation level 1; a level left without an outcome climbs to the next.
 */
import { type EventMeta, type EventOf, laterInstant, withFlag } from '../kit.js';
import { undeliveredFlag } from './clock.js';
import {
  type Escalation,
  type EscalationReason,
  LEGACY_ROUTE,
  type Person,
  type ReferralContext,
  type ReferralEvent,
  type ReferralEventType,
} from './events.js';
import { escalationFlag, routingFlags } from './rules.js';

/** Close the open escalation (if any) and open `level`, raising its alert once. */
function escalate(
  ctx: ReferralContext,
  e: EventMeta,
  level: number,
  reason: EscalationReason,
  by: Person | null,
  partnerContact: string | null,
  note: string | null,
  closeAs: string,
): ReferralContext {
  const policy = ctx.route.escalationLevels.find((l) => l.level === level)!;
  const escalations: Escalation[] = [
    ...closeEscalation(ctx, e, closeAs),
    {
      level,
      label: policy.label,
      notify: policy.notify,
      reason,
      openedAt: e.occurredAt,
      openedBy: e.actor.id,
      escalatedBy: by,
      partnerContact,
      note,
      closedAt: null,
      outcome: null,
      closedBy: null,
    },
  ];
  return { ...ctx, escalations, flags: withFlag(ctx.flags, escalationFlag(ctx, e, level, reason, note)) };
}

function closeEscalation(ctx: ReferralContext, e: EventMeta, outcome: string): Escalation[] {
  return ctx.escalations.map((x) =>
    x.closedAt === null ? { ...x, closedAt: e.occurredAt, outcome, closedBy: e.actor.id } : x,
  );
}

const reducers: {
  [K in ReferralEventType]: (ctx: ReferralContext, e: EventOf<ReferralEvent, K>) => ReferralContext;
} = {
  REFERRAL_MADE(_ctx, e) {
    const route = e.route ?? LEGACY_ROUTE;
    const base: ReferralContext = {
      referralId: e.referralId,
      agency: e.agency,
      contactMethod: e.contactMethod,
      namedContact: e.namedContact,
      agencyReference: e.agencyReference,
      route,
      shared: e.shared ?? { location: null, riskSummary: null, callbackRoute: '', narrative: null },
      madeAt: e.occurredAt,
      madeBy: e.actor.id,
      sentAt: route.delivery === 'email' ? null : e.occurredAt,
      messageId: null,
      acknowledgedAt: route.delivery === 'conversation' ? e.occurredAt : null,
      acknowledgedBy: route.delivery === 'conversation' ? e.namedContact : null,
      answer: null,
      answeredAt: null,
      answeredVia: null,
      respondent: null,
      reason: null,
      noResponseCause: null,
      noResponseAt: null,
      escalations: [],
      resolution: null,
      withdrawn: null,
      callerInformed: [],
      firedDeadlines: [],
      flags: [],
      lastOccurredAt: e.occurredAt,
    };
    return { ...base, flags: routingFlags(base, e) };
  },
  REFERRAL_SENT: (ctx, e) => ({ ...ctx, sentAt: e.occurredAt, messageId: e.messageId }),
  REFERRAL_ACKNOWLEDGED: (ctx, e) => ({
    ...ctx,
    acknowledgedAt: ctx.acknowledgedAt ?? e.occurredAt,
    acknowledgedBy: ctx.acknowledgedBy ?? e.acknowledgedBy,
    agencyReference: e.agencyReference ?? ctx.agencyReference,
  }),
  REFERRAL_ANSWERED(ctx, e) {
    const partner = e.actor.role === 'partner';
    const silent = e.answer === 'noResponse';
    return {
      ...ctx,
      answer: e.answer,
      answeredAt: e.occurredAt,
      answeredVia: e.actor.role,
      respondent: e.respondent ?? null,
      reason: e.reason,
      agencyReference: e.agencyReference ?? ctx.agencyReference,
      // An answer means the agency has the referral.
      acknowledgedAt: silent ? ctx.acknowledgedAt : (ctx.acknowledgedAt ?? e.occurredAt),
      noResponseCause: silent ? 'recorded' : ctx.noResponseCause,
      noResponseAt: silent ? e.occurredAt : ctx.noResponseAt,
      escalations: silent
        ? ctx.escalations
        : closeEscalation(ctx, e, partner ? `partner ${e.answer} via the response link` : `partner ${e.answer}`),
    };
  },
  REFERRAL_ESCALATED: (ctx, e) =>
    escalate(ctx, e, e.level, e.reason, e.escalatedBy, e.partnerContact, e.note, `escalated to level ${e.level}`),
  REFERRAL_RESOLVED: (ctx, e) => ({
    ...ctx,
    escalations: closeEscalation(ctx, e, e.outcome),
    resolution: {
      outcome: e.outcome,
      at: e.occurredAt,
      by: e.resolvedBy,
      partnerContact: e.partnerContact,
      note: e.note,
    },
  }),
  REFERRAL_CALLER_INFORMED: (ctx, e) => ({
    ...ctx,
    callerInformed: [
      ...ctx.callerInformed,
      { at: e.occurredAt, by: e.actor.id, whoWillAttend: e.whoWillAttend, method: e.method, note: e.note },
    ],
  }),
  REFERRAL_WITHDRAWN: (ctx, e) => ({
    ...ctx,
    escalations: closeEscalation(ctx, e, 'referral withdrawn'),
    withdrawn: { at: e.occurredAt, by: e.actor.id, reason: e.reason },
  }),
  REFERRAL_IMPORTED: (_ctx, e) => ({
    referralId: e.referralId,
    agency: e.agency,
    contactMethod: 'notRecorded',
    namedContact: '',
    agencyReference: null,
    route: { ...LEGACY_ROUTE, agencyLabel: e.agency },
    shared: { location: null, riskSummary: null, callbackRoute: '', narrative: null },
    madeAt: e.madeAt,
    madeBy: e.actor.id,
    sentAt: e.madeAt,
    messageId: null,
    acknowledgedAt: e.answer === 'accepted' || e.answer === 'declined' ? e.answeredAt : null,
    acknowledgedBy: null,
    answer: e.answer,
    answeredAt: e.answeredAt,
    answeredVia: e.answer ? e.actor.role : null,
    respondent: null,
    reason: null,
    noResponseCause: e.answer === 'noResponse' ? 'recorded' : null,
    noResponseAt: e.answer === 'noResponse' ? e.answeredAt : null,
    escalations: [],
    resolution: null,
    withdrawn: null,
    callerInformed: [],
    firedDeadlines: [],
    flags: [],
    lastOccurredAt: e.answeredAt ?? e.madeAt,
  }),
  DEADLINE_REACHED(ctx, e) {
    const fired = { ...ctx, firedDeadlines: [...ctx.firedDeadlines, e.deadlineKey] };
    if (e.deadlineKey === 'delivery') {
      return {
        ...fired,
        answer: 'noResponse',
        noResponseCause: 'delivery',
        noResponseAt: e.occurredAt,
        flags: withFlag(fired.flags, undeliveredFlag(ctx, e)),
      };
    }
    if (e.deadlineKey === 'ack' || e.deadlineKey === 'answer') {
      const silent: ReferralContext = {
        ...fired,
        answer: 'noResponse',
        noResponseCause: e.deadlineKey === 'ack' ? 'acknowledgement' : 'answer',
        noResponseAt: e.occurredAt,
      };
      if (ctx.route.escalationLevels.length === 0) return silent;
      const reason = e.deadlineKey === 'ack' ? 'noAcknowledgement' : 'noAnswer';
      return escalate(silent, e, 1, reason, null, null, null, 'superseded');
    }
    // escalation:<level> ran out with no outcome: climb to the next level.
    const level = Number(e.deadlineKey.slice('escalation:'.length));
    const next = ctx.route.escalationLevels.find((l) => l.level > level)!;
    return escalate(fired, e, next.level, 'levelTimedOut', null, null, null, 'no outcome in time');
  },
};

export function reduceReferral(ctx: ReferralContext, e: ReferralEvent): ReferralContext {
  const next = (reducers[e.type] as (c: ReferralContext, ev: ReferralEvent) => ReferralContext)(ctx, e);
  return { ...next, lastOccurredAt: laterInstant(next.lastOccurredAt, e.occurredAt) };
}
