/**
 * Every rule one referral enforces: R11 (what a handover referral must record, and the flags on
 * its routing), R13 (escalations: level, person, time and outcome; an open one blocks closure).
 * Each check returns the rule an event would break, or null; `when` rules (context only) also
 * decide which events are offered. What a decline or silence means for the incident is the
 * incident's rule, not this machine's.
 */
import { type EventMeta, type Flag, isBlank, type RuleBook, timeBeforeStart, type Violation, v } from '../kit.js';
import {
  agencyName,
  type EscalationReason,
  LEGACY_ROUTE,
  openEscalation,
  type Person,
  type ReferralContext,
  type ReferralEvent,
  topLevel,
} from './events.js';

/** The rules behind the referral's clocks (clock.ts): delivery of the email, and the partner's response. */
export const CLOCK_RULES = { delivery: 'R11', response: 'R13' } as const;

function notBeforeReferral(ctx: ReferralContext, e: EventMeta, what: string): Violation | null {
  if (ctx.madeAt && e.occurredAt < ctx.madeAt)
    return timeBeforeStart(`${what} (${e.occurredAt}) is before the referral was made (${ctx.madeAt})`);
  return null;
}

function personMissing(p: Person | null | undefined, what: string): Violation | null {
  if (!p || isBlank(p.name))
    return v('R13', 'ESCALATION_PERSON_REQUIRED', `${what} needs the name and rank of the person who made it`);
  return null;
}

export const referralRules: RuleBook<ReferralContext, ReferralEvent> = {
  REFERRAL_MADE: {
    check(_ctx, e) {
      const route = e.route ?? LEGACY_ROUTE;
      if (isBlank(e.namedContact))
        return v('R11', 'NAMED_CONTACT_REQUIRED', 'a referral needs the named role or person contacted at the agency');
      if (route.delivery === 'email' && route.email === null) {
        return v(
          'R11',
          'AGENCY_HAS_NO_EMAIL',
          `${route.agencyLabel || e.agency} has no referral email address in the directory: phone them ` +
            `(contactMethod phone) or ask an admin to add the address`,
        );
      }
      if (route.delivery !== 'conversation' && isBlank(e.shared?.riskSummary)) {
        return v(
          'R11',
          'RISK_SUMMARY_REQUIRED',
          'a referral sent in writing needs a risk summary for the partner (riskSummary); personal details go by ' +
            'phone through the callback route',
        );
      }
      if (!isBlank(e.shared?.narrative) && !route.freeTextAllowed) {
        return v(
          null,
          'FREE_TEXT_NOT_ALLOWED',
          `${route.agencyLabel || e.agency} is not configured to receive a free-text narrative (minimum necessary ` +
            `sharing): remove narrative, or put what the partner needs in riskSummary`,
        );
      }
      return null;
    },
  },
  REFERRAL_SENT: {
    when: (ctx) =>
      ctx.sentAt ? v(null, 'ALREADY_SENT', `referral ${ctx.referralId} was already sent at ${ctx.sentAt}`) : null,
    check: (ctx, e) => notBeforeReferral(ctx, e, 'sending'),
  },
  REFERRAL_ACKNOWLEDGED: { check: (ctx, e) => notBeforeReferral(ctx, e, 'the acknowledgement') },
  REFERRAL_ANSWERED: {
    check(ctx, e) {
      if (e.answer === 'declined' && isBlank(e.reason))
        return v('R11', 'DECLINE_REASON_REQUIRED', 'a declined referral needs the reason the agency gave');
      return notBeforeReferral(ctx, e, 'the answer');
    },
  },
  REFERRAL_ESCALATED: {
    when(ctx) {
      const levels = ctx.route.escalationLevels;
      if (levels.length === 0)
        return v('R13', 'NO_ESCALATION_LADDER', 'no escalation ladder was configured when this referral was made');
      const top = topLevel(ctx);
      if (levels.every((l) => l.level <= top))
        return v(
          'R13',
          'ESCALATION_LEVEL_NOT_HIGHER',
          `this referral is already escalated to level ${top}, the top of its ladder`,
        );
      return null;
    },
    check(ctx, e) {
      const levels = ctx.route.escalationLevels;
      if (!levels.some((l) => l.level === e.level)) {
        return v(
          'R13',
          'ESCALATION_LEVEL_UNKNOWN',
          `escalation level ${e.level} is not on the ladder (levels ${levels.map((l) => l.level).join(', ')})`,
        );
      }
      const top = topLevel(ctx);
      if (e.level <= top)
        return v(
          'R13',
          'ESCALATION_LEVEL_NOT_HIGHER',
          `this referral is already escalated to level ${top}: escalate to a higher level (${top + 1} or above)`,
        );
      const who = personMissing(e.escalatedBy, 'an escalation');
      if (who) return who;
      if (e.reason === 'other' && isBlank(e.note))
        return v('R13', 'ESCALATION_REASON_REQUIRED', "an escalation for reason 'other' needs a note saying why");
      return notBeforeReferral(ctx, e, 'the escalation');
    },
  },
  REFERRAL_RESOLVED: {
    check: (ctx, e) =>
      personMissing(e.resolvedBy, 'the outcome of an escalation') ?? notBeforeReferral(ctx, e, 'the outcome'),
  },
  REFERRAL_CALLER_INFORMED: {
    check(ctx, e) {
      if (isBlank(e.method)) return v(null, 'METHOD_REQUIRED', 'say how the caller was told (e.g. phone call back)');
      return notBeforeReferral(ctx, e, 'telling the caller');
    },
  },
  REFERRAL_WITHDRAWN: {
    check(ctx, e) {
      if (isBlank(e.reason))
        return v(
          'R11',
          'WITHDRAWAL_REASON_REQUIRED',
          'withdrawing a referral needs a reason (the partner is told it is withdrawn)',
        );
      return notBeforeReferral(ctx, e, 'the withdrawal');
    },
  },
  REFERRAL_IMPORTED: {
    check(_ctx, e) {
      if ((e.answer === null) !== (e.answeredAt === null))
        return v(null, 'ANSWER_TIME_REQUIRED', 'an imported answer needs its time, and a time needs its answer');
      if (e.answeredAt !== null && e.answeredAt < e.madeAt)
        return timeBeforeStart(`the answer (${e.answeredAt}) is before the referral was made (${e.madeAt})`);
      return null;
    },
  },
  // A deadline is judged by its clock (clock.ts, referralDeadlineViolation), in the state the referral is in.
  DEADLINE_REACHED: {},
};

/** R13: an escalation with no outcome blocks closing the incident. */
export function referralBlocksClosure(state: string, ctx: ReferralContext, id: string): Violation | null {
  const open = state === 'escalated' ? openEscalation(ctx) : null;
  if (!open) return null;
  return v(
    'R13',
    'ESCALATION_OPEN',
    `referral ${id} is escalated at level ${open.level} (${open.label}) with no outcome: record the outcome ` +
      `(REFERRAL_RESOLVED) before closing`,
  );
}

// ---------------------------------------------------------------------------------------------
// Flags (allowed, but raised as an alert once).
// ---------------------------------------------------------------------------------------------

/** R11: a referral routed to an agency that does not cover the district, or outside its listed hours. */
export function routingFlags(ctx: ReferralContext, e: EventMeta): Flag[] {
  const flags: Flag[] = [];
  const agency = agencyName(ctx);
  const base = { rule: 'R11', severity: 'warning', raisedAt: e.occurredAt, seq: e.seq, notify: null } as const;
  if (ctx.route.coversDistrict === false)
    flags.push({
      ...base,
      key: 'routing:coverage',
      message: `${agency} does not list the incident's district in its coverage`,
    });
  if (ctx.route.openAtReferral === false)
    flags.push({
      ...base,
      key: 'routing:hours',
      message: `referral ${ctx.referralId} was made outside ${agency}'s listed hours`,
    });
  return flags;
}

function contactFor(ctx: ReferralContext, level: number): string {
  const c = ctx.route.escalationContacts.find((x) => x.level === level);
  if (!c) return 'no partner escalation contact is listed for this level';
  return `partner contact: ${c.role}${c.phone ? `, ${c.phone}` : ''}${c.email ? `, ${c.email}` : ''}`;
}

/** R13: an escalation to `level` alerts that level's role (critical at the top of the ladder). */
export function escalationFlag(
  ctx: ReferralContext,
  e: EventMeta,
  level: number,
  reason: EscalationReason,
  note: string | null,
): Flag {
  const policy = ctx.route.escalationLevels.find((l) => l.level === level)!;
  const contact = contactFor(ctx, level);
  const why: Record<EscalationReason, string> = {
    noAcknowledgement: `has not acknowledged referral ${ctx.referralId} within ${ctx.route.acknowledgeMinutes} min`,
    noAnswer: `has not accepted or declined referral ${ctx.referralId} within ${ctx.route.answerMinutes} min`,
    declineDisputed: `declined referral ${ctx.referralId} and the decline is disputed`,
    partnerNotAttending: `accepted referral ${ctx.referralId} but has not attended`,
    delayedResponse: `cannot respond to referral ${ctx.referralId} in time`,
    levelTimedOut: `: the escalation of referral ${ctx.referralId} had no outcome at level ${level - 1} in time`,
    other: `: referral ${ctx.referralId} escalated${note ? ` (${note})` : ''}`,
  };
  return {
    key: `escalation:${level}`,
    rule: 'R13',
    severity: level >= ctx.route.escalationLevels.length ? 'critical' : 'warning',
    message: `${agencyName(ctx)} ${why[reason]}: escalation level ${level} (${policy.label}); ${contact}`,
    raisedAt: e.occurredAt,
    seq: e.seq,
    notify: policy.notify,
  };
}
