/**
 * One referral to a partner agency, inside an incident (Right Care Right Person handover).
 *
 *   drafted ──REFERRAL_SENT──▶ sent ──ACKNOWLEDGED──▶ acknowledged ──ANSWERED──▶ accepted | declined
 *      │ (email queued)          │ (portal)               │ (phone: spoke to a person)
 *      └── no delivery in time ──┴── no acknowledgement / no answer in time ──▶ escalated (ladder, R13) ──▶ resolved
 *
 * How it starts depends on how the referral reaches the agency (`route.delivery`, stamped from the
 * force configuration): an email this system sends starts `drafted` and becomes `sent` when the mail
 * server accepts it; a portal submission starts `sent`; a phone call or warm transfer, where the
 * handler spoke to a named person, starts `acknowledged`.
 *
 * Clocks (rows the scheduler sweeps, see `referralDeadlines`): delivery of the email, acknowledgement
 * and answer (minutes per agency type), and each escalation level. A missed acknowledgement or answer
 * moves the referral to `escalated` at level 1 and raises an alert to that level's role, exactly once;
 * a level left without an outcome climbs to the next. People record escalations (level, person, time,
 * reason) and their outcome (R13); every one is an immutable event (R45).
 *
 * What the incident hears is the R11 acceptance status (`referralStatus`): pending, accepted,
 * declined, noResponse, resolved or withdrawn. The incident machine decides what a decline or silence
 * means for the incident (a re-THRIVE, R2/R12). Pure: no clock, no I/O; everything configuration-
 * dependent is in the event (`route`).
 */
import { and, assign, setup, type SnapshotFrom } from 'xstate';
import type { Rank } from './ranks.js';
import {
  addMinutes,
  isBlank,
  laterInstant,
  type DeadlineSpec,
  type EventMeta,
  type Flag,
  type Violation,
} from './types.js';

export const REFERRAL_MACHINE_VERSION = 'referral@2';

export const DELIVERIES = ['email', 'message', 'conversation'] as const;
export type Delivery = (typeof DELIVERIES)[number];
export const REFERRAL_ANSWERS = ['accepted', 'declined', 'noResponse'] as const;
export type ReferralAnswer = (typeof REFERRAL_ANSWERS)[number];
export const ESCALATION_REASONS = [
  'noAcknowledgement',
  'noAnswer',
  'declineDisputed',
  'partnerNotAttending',
  'delayedResponse',
  'levelTimedOut',
  'other',
] as const;
export type EscalationReason = (typeof ESCALATION_REASONS)[number];
/** How an escalation (and with it the referral) ends. */
export const RESOLUTION_OUTCOMES = [
  'partnerWillRespond',
  'partnerDeclineUpheld',
  'policeWillRespond',
  'alternativeArranged',
  'noFurtherAction',
] as const;
export type ResolutionOutcome = (typeof RESOLUTION_OUTCOMES)[number];
export const WHO_WILL_ATTEND = ['partner', 'police', 'partnerAndPolice', 'nobody', 'personToMakeContact'] as const;
export type WhoWillAttend = (typeof WHO_WILL_ATTEND)[number];

export interface EscalationLevelPolicy {
  level: number;
  label: string;
  notify: string;
  responseMinutes: number | null;
}

export interface PartnerEscalationContact {
  level: number;
  role: string;
  phone: string | null;
  email: string | null;
}

/** The agency's routing facts and the force policy at the time the referral was made (stamped by the shell). */
export interface ReferralRoute {
  agencyLabel: string;
  agencyType: string;
  delivery: Delivery;
  /** Where the referral email goes; null when the agency has none. */
  email: string | null;
  freeTextAllowed: boolean;
  acknowledgeMinutes: number | null;
  answerMinutes: number | null;
  /** An email not handed to the mail server within this many minutes counts as no response. */
  deliveryMinutes: number | null;
  /** When the partner response link stops working. */
  linkExpiresAt: string | null;
  escalationLevels: EscalationLevelPolicy[];
  escalationContacts: PartnerEscalationContact[];
  /** Whether the agency lists the incident's district; null when either is unknown. */
  coversDistrict: boolean | null;
  /** Whether the agency's listed hours include the time of the referral; null when no hours are listed. */
  openAtReferral: boolean | null;
}

/** What is shared with the partner: the minimum necessary summary (no identifiers; narrative only if allowed). */
export interface SharedSummary {
  location: string | null;
  riskSummary: string | null;
  callbackRoute: string;
  narrative: string | null;
}

export interface Person {
  name: string;
  rank: Rank;
}

export type ReferralEvent = EventMeta &
  (
    | {
        type: 'REFERRAL_MADE';
        referralId: string;
        agency: string;
        contactMethod: string;
        namedContact: string;
        agencyReference: string | null;
        /** Absent in referrals recorded before issue 4 (read as a phone referral with no clocks). */
        route?: ReferralRoute;
        shared?: SharedSummary;
      }
    /** Raised by the mail worker when the mail server accepted the referral email. */
    | { type: 'REFERRAL_SENT'; referralId: string; messageId: string }
    | {
        type: 'REFERRAL_ACKNOWLEDGED';
        referralId: string;
        acknowledgedBy: string | null;
        agencyReference: string | null;
      }
    | {
        type: 'REFERRAL_ANSWERED';
        referralId: string;
        answer: ReferralAnswer;
        reason: string | null;
        agencyReference: string | null;
        /** Who at the agency answered (name and role), when known. */
        respondent?: string | null;
      }
    | {
        type: 'REFERRAL_ESCALATED';
        referralId: string;
        level: number;
        reason: EscalationReason;
        escalatedBy: Person;
        partnerContact: string | null;
        note: string | null;
      }
    | {
        type: 'REFERRAL_RESOLVED';
        referralId: string;
        outcome: ResolutionOutcome;
        resolvedBy: Person;
        partnerContact: string | null;
        note: string | null;
      }
    | {
        type: 'REFERRAL_CALLER_INFORMED';
        referralId: string;
        whoWillAttend: WhoWillAttend;
        method: string;
        note: string | null;
      }
    | { type: 'REFERRAL_WITHDRAWN'; referralId: string; reason: string }
    /** A referral from a historic extract (INCIDENT_IMPORTED): made and answered as recorded, no clocks. */
    | {
        type: 'REFERRAL_IMPORTED';
        referralId: string;
        agency: string;
        madeAt: string;
        answer: ReferralAnswer | null;
        answeredAt: string | null;
      }
    | { type: 'DEADLINE_REACHED'; deadlineKey: string }
  );
export type ReferralEventType = ReferralEvent['type'];
type EventOf<T extends ReferralEventType> = Extract<ReferralEvent, { type: T }>;

/** Event types only the system raises (never offered to users as allowed events). */
export const REFERRAL_SYSTEM_EVENT_TYPES: readonly ReferralEventType[] = [
  'REFERRAL_SENT',
  'REFERRAL_IMPORTED',
  'DEADLINE_REACHED',
];

export interface Escalation {
  level: number;
  label: string;
  notify: string;
  reason: EscalationReason;
  openedAt: string;
  /** Actor id ('system' when a deadline opened it). */
  openedBy: string;
  /** The person who escalated (R13); null when the system opened the level and nobody has yet. */
  escalatedBy: Person | null;
  partnerContact: string | null;
  note: string | null;
  closedAt: string | null;
  outcome: string | null;
  closedBy: string | null;
}

export interface ReferralContext {
  referralId: string;
  agency: string;
  contactMethod: string;
  namedContact: string;
  agencyReference: string | null;
  route: ReferralRoute;
  shared: SharedSummary;
  madeAt: string;
  madeBy: string;
  /** When the referral reached the agency (email accepted by the mail server, portal, or the call). */
  sentAt: string | null;
  messageId: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  answer: ReferralAnswer | null;
  answeredAt: string | null;
  /** 'partner' when the agency answered through the response link, else the recording role. */
  answeredVia: string | null;
  respondent: string | null;
  reason: string | null;
  /** Why the referral counts as unanswered: the delivery, acknowledgement or answer clock, or recorded by a person. */
  noResponseCause: 'delivery' | 'acknowledgement' | 'answer' | 'recorded' | null;
  noResponseAt: string | null;
  escalations: Escalation[];
  resolution: {
    outcome: ResolutionOutcome;
    at: string;
    by: Person;
    partnerContact: string | null;
    note: string | null;
  } | null;
  withdrawn: { at: string; by: string; reason: string } | null;
  callerInformed: Array<{ at: string; by: string; whoWillAttend: WhoWillAttend; method: string; note: string | null }>;
  firedDeadlines: string[];
  flags: Flag[];
  lastOccurredAt: string;
}

/** Referrals recorded before routes existed: a conversation with no clocks and no ladder. */
const LEGACY_ROUTE: ReferralRoute = {
  agencyLabel: '',
  agencyType: 'other',
  delivery: 'conversation',
  email: null,
  freeTextAllowed: false,
  acknowledgeMinutes: null,
  answerMinutes: null,
  deliveryMinutes: null,
  linkExpiresAt: null,
  escalationLevels: [],
  escalationContacts: [],
  coversDistrict: null,
  openAtReferral: null,
};

// ---------------------------------------------------------------------------------------------
// Status, clocks and what is open.
// ---------------------------------------------------------------------------------------------

export type ReferralState =
  | 'unsent'
  | 'drafted'
  | 'sent'
  | 'acknowledged'
  | 'accepted'
  | 'declined'
  | 'noResponse'
  | 'escalated'
  | 'resolved'
  | 'withdrawn';
/** The R11 acceptance status the incident sees. */
export type ReferralStatus = 'pending' | 'accepted' | 'declined' | 'noResponse' | 'resolved' | 'withdrawn';

const RESOLUTION_STATUS: Record<ResolutionOutcome, ReferralStatus> = {
  partnerWillRespond: 'accepted',
  partnerDeclineUpheld: 'declined',
  policeWillRespond: 'resolved',
  alternativeArranged: 'resolved',
  noFurtherAction: 'resolved',
};

export function referralStatus(ctx: ReferralContext): ReferralStatus {
  if (ctx.withdrawn) return 'withdrawn';
  if (ctx.resolution) return RESOLUTION_STATUS[ctx.resolution.outcome];
  return ctx.answer ?? 'pending';
}

const openEscalation = (ctx: ReferralContext): Escalation | null => {
  const last = ctx.escalations[ctx.escalations.length - 1];
  return last && last.closedAt === null ? last : null;
};
const topLevel = (ctx: ReferralContext) => ctx.escalations.reduce((m, e) => Math.max(m, e.level), 0);

/** The clocks this referral needs watched in state `state`; keys are unique over its life. */
export function referralDeadlines(state: string, ctx: ReferralContext): Array<DeadlineSpec & { fired: boolean }> {
  const r = ctx.route;
  const out: DeadlineSpec[] = [];
  const reached = ctx.sentAt ?? ctx.madeAt;
  if (state === 'drafted' && r.deliveryMinutes !== null)
    out.push({
      key: 'delivery',
      rule: 'R11',
      kind: 'referralDelivery',
      dueAt: addMinutes(ctx.madeAt, r.deliveryMinutes),
    });
  if (state === 'sent' && r.acknowledgeMinutes !== null)
    out.push({
      key: 'ack',
      rule: 'R13',
      kind: 'referralAcknowledgement',
      dueAt: addMinutes(reached, r.acknowledgeMinutes),
    });
  if ((state === 'sent' || state === 'acknowledged') && r.answerMinutes !== null)
    out.push({ key: 'answer', rule: 'R13', kind: 'referralAnswer', dueAt: addMinutes(reached, r.answerMinutes) });
  const open = state === 'escalated' ? openEscalation(ctx) : null;
  if (open) {
    const policy = r.escalationLevels.find((l) => l.level === open.level);
    const hasNext = r.escalationLevels.some((l) => l.level > open.level);
    if (policy?.responseMinutes != null && hasNext) {
      out.push({
        key: `escalation:${open.level}`,
        rule: 'R13',
        kind: 'referralEscalation',
        dueAt: addMinutes(open.openedAt, policy.responseMinutes),
      });
    }
  }
  return out.map((d) => ({ ...d, fired: ctx.firedDeadlines.includes(d.key) }));
}

// ---------------------------------------------------------------------------------------------
// Rule checks: each returns the violation that forbids the event, or null.
// ---------------------------------------------------------------------------------------------

const v = (rule: string | null, code: string, message: string): Violation => ({ rule, code, message });

function notBeforeReferral(ctx: ReferralContext, e: ReferralEvent, what: string): Violation | null {
  if (ctx.madeAt && e.occurredAt < ctx.madeAt)
    return v('R7', 'TIME_BEFORE_START', `${what} (${e.occurredAt}) is before the referral was made (${ctx.madeAt})`);
  return null;
}

function personMissing(p: Person | null | undefined, what: string): Violation | null {
  if (!p || isBlank(p.name))
    return v('R13', 'ESCALATION_PERSON_REQUIRED', `${what} needs the name and rank of the person who made it`);
  return null;
}

const check: { [K in ReferralEventType]: (ctx: ReferralContext, e: EventOf<K>, state: string) => Violation | null } = {
  REFERRAL_MADE(_ctx, e) {
    const route = e.route ?? LEGACY_ROUTE;
    if (isBlank(e.namedContact))
      return v('R11', 'NAMED_CONTACT_REQUIRED', 'a referral needs the named role or person contacted at the agency');
    if (route.delivery === 'email' && route.email === null) {
      return v(
        'R11',
        'AGENCY_HAS_NO_EMAIL',
        `${route.agencyLabel || e.agency} has no referral email address in the directory: phone them (contactMethod ` +
          `phone) or ask an admin to add the address`,
      );
    }
    if (route.delivery !== 'conversation' && isBlank(e.shared?.riskSummary)) {
      return v(
        'R11',
        'RISK_SUMMARY_REQUIRED',
        'a referral sent in writing needs a risk summary for the partner (riskSummary); personal details go by phone ' +
          'through the callback route',
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
  REFERRAL_SENT: (ctx, e) =>
    ctx.sentAt
      ? v(null, 'ALREADY_SENT', `referral ${ctx.referralId} was already sent at ${ctx.sentAt}`)
      : notBeforeReferral(ctx, e, 'sending'),
  REFERRAL_ACKNOWLEDGED: (ctx, e) => notBeforeReferral(ctx, e, 'the acknowledgement'),
  REFERRAL_ANSWERED(ctx, e) {
    if (e.answer === 'declined' && isBlank(e.reason))
      return v('R11', 'DECLINE_REASON_REQUIRED', 'a declined referral needs the reason the agency gave');
    return notBeforeReferral(ctx, e, 'the answer');
  },
  REFERRAL_ESCALATED(ctx, e) {
    const levels = ctx.route.escalationLevels;
    if (levels.length === 0)
      return v('R13', 'NO_ESCALATION_LADDER', 'no escalation ladder was configured when this referral was made');
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
  REFERRAL_RESOLVED(ctx, e) {
    const who = personMissing(e.resolvedBy, 'the outcome of an escalation');
    if (who) return who;
    return notBeforeReferral(ctx, e, 'the outcome');
  },
  REFERRAL_CALLER_INFORMED(ctx, e) {
    if (isBlank(e.method)) return v(null, 'METHOD_REQUIRED', 'say how the caller was told (e.g. phone call back)');
    return notBeforeReferral(ctx, e, 'telling the caller');
  },
  REFERRAL_WITHDRAWN(ctx, e) {
    if (isBlank(e.reason))
      return v(
        'R11',
        'WITHDRAWAL_REASON_REQUIRED',
        'withdrawing a referral needs a reason (the partner is told it is withdrawn)',
      );
    return notBeforeReferral(ctx, e, 'the withdrawal');
  },
  REFERRAL_IMPORTED(_ctx, e) {
    if ((e.answer === null) !== (e.answeredAt === null))
      return v(null, 'ANSWER_TIME_REQUIRED', 'an imported answer needs its time, and a time needs its answer');
    if (e.answeredAt !== null && e.answeredAt < e.madeAt)
      return v('R7', 'TIME_BEFORE_START', `the answer (${e.answeredAt}) is before the referral was made (${e.madeAt})`);
    return null;
  },
  DEADLINE_REACHED(ctx, e, state) {
    const live = referralDeadlines(state as ReferralState, ctx).some((d) => d.key === e.deadlineKey && !d.fired);
    return live ? null : v(null, 'DEADLINE_NOT_LIVE', `deadline ${e.deadlineKey} no longer applies`);
  },
};

/**
 * Why `e` would be refused by the rules (not by the state chart), or null. Deadlines are checked
 * against the state the referral is in (`state`); without it a deadline is not judged here.
 */
export function referralRuleViolation(ctx: ReferralContext, e: ReferralEvent, state?: string): Violation | null {
  if (e.type === 'DEADLINE_REACHED' && state === undefined) return null;
  return (check[e.type] as (c: ReferralContext, ev: ReferralEvent, s: string) => Violation | null)(ctx, e, state ?? '');
}

// ---------------------------------------------------------------------------------------------
// Reducers.
// ---------------------------------------------------------------------------------------------

function withFlag(flags: Flag[], f: Flag): Flag[] {
  return flags.some((x) => x.key === f.key) ? flags : [...flags, f];
}

function contactFor(ctx: ReferralContext, level: number): string {
  const c = ctx.route.escalationContacts.find((x) => x.level === level);
  if (!c) return 'no partner escalation contact is listed for this level';
  return `partner contact: ${c.role}${c.phone ? `, ${c.phone}` : ''}${c.email ? `, ${c.email}` : ''}`;
}

/** Close the open escalation (if any) and open `level`, raising its alert once. */
function escalate(
  ctx: ReferralContext,
  e: ReferralEvent,
  level: number,
  reason: EscalationReason,
  by: Person | null,
  partnerContact: string | null,
  note: string | null,
  closeAs: string,
): ReferralContext {
  const policy = ctx.route.escalationLevels.find((l) => l.level === level)!;
  const escalations = ctx.escalations.map((x) =>
    x.closedAt === null ? { ...x, closedAt: e.occurredAt, outcome: closeAs, closedBy: e.actor.id } : x,
  );
  escalations.push({
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
  });
  const agency = ctx.route.agencyLabel || ctx.agency;
  const why: Record<EscalationReason, string> = {
    noAcknowledgement: `has not acknowledged referral ${ctx.referralId} within ${ctx.route.acknowledgeMinutes} min`,
    noAnswer: `has not accepted or declined referral ${ctx.referralId} within ${ctx.route.answerMinutes} min`,
    declineDisputed: `declined referral ${ctx.referralId} and the decline is disputed`,
    partnerNotAttending: `accepted referral ${ctx.referralId} but has not attended`,
    delayedResponse: `cannot respond to referral ${ctx.referralId} in time`,
    levelTimedOut: `: the escalation of referral ${ctx.referralId} had no outcome at level ${level - 1} in time`,
    other: `: referral ${ctx.referralId} escalated${note ? ` (${note})` : ''}`,
  };
  const flag: Flag = {
    key: `escalation:${level}`,
    rule: 'R13',
    severity: level >= ctx.route.escalationLevels.length ? 'critical' : 'warning',
    message: `${agency} ${why[reason]}: escalation level ${level} (${policy.label}); ${contactFor(ctx, level)}`,
    raisedAt: e.occurredAt,
    seq: e.seq,
    notify: policy.notify,
  };
  return { ...ctx, escalations, flags: withFlag(ctx.flags, flag) };
}

function closeEscalation(ctx: ReferralContext, e: ReferralEvent, outcome: string): Escalation[] {
  return ctx.escalations.map((x) =>
    x.closedAt === null ? { ...x, closedAt: e.occurredAt, outcome, closedBy: e.actor.id } : x,
  );
}

function routingFlags(ctx: ReferralContext, e: ReferralEvent): Flag[] {
  let flags = ctx.flags;
  const agency = ctx.route.agencyLabel || ctx.agency;
  if (ctx.route.coversDistrict === false) {
    flags = withFlag(flags, {
      key: 'routing:coverage',
      rule: 'R11',
      severity: 'warning',
      message: `${agency} does not list the incident's district in its coverage`,
      raisedAt: e.occurredAt,
      seq: e.seq,
      notify: null,
    });
  }
  if (ctx.route.openAtReferral === false) {
    flags = withFlag(flags, {
      key: 'routing:hours',
      rule: 'R11',
      severity: 'warning',
      message: `referral ${ctx.referralId} was made outside ${agency}'s listed hours`,
      raisedAt: e.occurredAt,
      seq: e.seq,
      notify: null,
    });
  }
  return flags;
}

const reduce: { [K in ReferralEventType]: (ctx: ReferralContext, e: EventOf<K>) => ReferralContext } = {
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
    const agency = ctx.route.agencyLabel || ctx.agency;
    if (e.deadlineKey === 'delivery') {
      const level1 = ctx.route.escalationLevels[0];
      return {
        ...fired,
        answer: 'noResponse',
        noResponseCause: 'delivery',
        noResponseAt: e.occurredAt,
        flags: withFlag(fired.flags, {
          key: 'undelivered',
          rule: 'R11',
          severity: 'warning',
          message:
            `the referral email to ${agency} (referral ${ctx.referralId}) was not delivered within ` +
            `${ctx.route.deliveryMinutes} min: contact the agency by phone`,
          raisedAt: e.occurredAt,
          seq: e.seq,
          notify: level1?.notify ?? null,
        }),
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
      return escalate(
        silent,
        e,
        1,
        e.deadlineKey === 'ack' ? 'noAcknowledgement' : 'noAnswer',
        null,
        null,
        null,
        'superseded',
      );
    }
    // escalation:<level> ran out with no outcome: climb to the next level.
    const level = Number(e.deadlineKey.slice('escalation:'.length));
    const next = ctx.route.escalationLevels.find((l) => l.level > level)!;
    return escalate(fired, e, next.level, 'levelTimedOut', null, null, null, 'no outcome in time');
  },
};

function applyEvent(ctx: ReferralContext, e: ReferralEvent): ReferralContext {
  const next = (reduce[e.type] as (c: ReferralContext, ev: ReferralEvent) => ReferralContext)(ctx, e);
  return { ...next, lastOccurredAt: laterInstant(next.lastOccurredAt, e.occurredAt) };
}

// ---------------------------------------------------------------------------------------------
// The state chart.
// ---------------------------------------------------------------------------------------------

type Ev = ReferralEvent;
type GuardRef = string | { type: string; params: Record<string, unknown> };
const answerIs =
  (a: ReferralAnswer) =>
  ({ event }: { event: Ev }) =>
    event.type === 'REFERRAL_ANSWERED' && event.answer === a;
const deliveryIs =
  (d: Delivery) =>
  ({ event }: { event: Ev }) =>
    event.type === 'REFERRAL_MADE' && (event.route ?? LEGACY_ROUTE).delivery === d;

/** A transition taken when the rules allow the event (and any further guards hold). */
const accept = (target: string | null = null, ...more: GuardRef[]) =>
  ({
    ...(target ? { target } : {}),
    guard: more.length ? and(['rulesAllow', ...more] as never) : 'rulesAllow',
    actions: 'apply',
  }) as never;
/** A transition for a deadline this state watches, when it is still live (not fired). */
const onDeadline = (state: ReferralState, target: string | null, ...more: GuardRef[]) =>
  ({
    ...(target ? { target } : {}),
    guard: and([{ type: 'deadlineLive', params: { state } }, ...more] as never),
    actions: 'apply',
  }) as never;

const answers = [accept('accepted', 'isAccept'), accept('declined', 'isDecline'), accept('noResponse', 'isSilence')];
/** After silence the partner may still answer (late), but "no response" is not recorded twice. */
const lateAnswers = [accept('accepted', 'isAccept'), accept('declined', 'isDecline')];
const informed = { REFERRAL_CALLER_INFORMED: accept() };
const withdrawable = { REFERRAL_WITHDRAWN: accept('withdrawn') };
const responseClocks = (state: ReferralState) => [
  onDeadline(state, 'escalated', 'hasLadder'),
  onDeadline(state, 'noResponse'),
];

export const referralMachine = setup({
  types: { context: {} as ReferralContext, events: {} as ReferralEvent },
  guards: {
    rulesAllow: ({ context, event }) => referralRuleViolation(context, event) === null,
    deadlineLive: ({ context, event }, params: { state: ReferralState }) =>
      event.type === 'DEADLINE_REACHED' &&
      referralDeadlines(params.state, context).some((d) => d.key === event.deadlineKey && !d.fired),
    hasLadder: ({ context }) => context.route.escalationLevels.length > 0,
    isAccept: answerIs('accepted'),
    isDecline: answerIs('declined'),
    isSilence: answerIs('noResponse'),
    byEmail: deliveryIs('email'),
    byMessage: deliveryIs('message'),
    byConversation: deliveryIs('conversation'),
    importedAs: ({ event }, params: { answer: ReferralAnswer | null }) =>
      event.type === 'REFERRAL_IMPORTED' && event.answer === params.answer,
  },
  actions: {
    apply: assign(({ context, event }) => applyEvent(context, event)),
  },
}).createMachine({
  id: 'referral',
  initial: 'unsent',
  context: {} as ReferralContext,
  states: {
    unsent: {
      on: {
        REFERRAL_MADE: [
          accept('drafted', 'byEmail'),
          accept('sent', 'byMessage'),
          accept('acknowledged', 'byConversation'),
        ],
        // History from an extract lands where it ended (an unanswered one waits, with no clocks).
        REFERRAL_IMPORTED: [
          accept('accepted', { type: 'importedAs', params: { answer: 'accepted' } }),
          accept('declined', { type: 'importedAs', params: { answer: 'declined' } }),
          accept('noResponse', { type: 'importedAs', params: { answer: 'noResponse' } }),
          accept('sent', { type: 'importedAs', params: { answer: null } }),
        ],
      },
    },
    drafted: {
      on: {
        REFERRAL_SENT: accept('sent'),
        REFERRAL_ACKNOWLEDGED: accept('acknowledged'),
        REFERRAL_ANSWERED: answers,
        DEADLINE_REACHED: onDeadline('drafted', 'noResponse'),
        ...informed,
        ...withdrawable,
      },
    },
    sent: {
      on: {
        REFERRAL_ACKNOWLEDGED: accept('acknowledged'),
        REFERRAL_ANSWERED: answers,
        REFERRAL_ESCALATED: accept('escalated'),
        DEADLINE_REACHED: responseClocks('sent'),
        ...informed,
        ...withdrawable,
      },
    },
    acknowledged: {
      on: {
        REFERRAL_ANSWERED: answers,
        REFERRAL_ESCALATED: accept('escalated'),
        DEADLINE_REACHED: responseClocks('acknowledged'),
        ...informed,
        ...withdrawable,
      },
    },
    noResponse: {
      on: {
        // A late delivery is still recorded; a late answer is still taken.
        REFERRAL_SENT: accept(),
        REFERRAL_ANSWERED: lateAnswers,
        REFERRAL_ESCALATED: accept('escalated'),
        ...informed,
        ...withdrawable,
      },
    },
    escalated: {
      on: {
        REFERRAL_SENT: accept(),
        REFERRAL_ANSWERED: lateAnswers,
        REFERRAL_ESCALATED: accept(),
        REFERRAL_RESOLVED: accept('resolved'),
        DEADLINE_REACHED: onDeadline('escalated', null),
        ...informed,
        ...withdrawable,
      },
    },
    accepted: {
      // A partner who accepted but does not come, or comes too late, is a dispute too.
      on: { REFERRAL_ESCALATED: accept('escalated'), ...informed },
    },
    declined: {
      on: { REFERRAL_ESCALATED: accept('escalated'), ...informed },
    },
    resolved: { on: { ...informed } },
    withdrawn: { type: 'final' },
  },
});

export type ReferralSnapshot = SnapshotFrom<typeof referralMachine>;

/** Whether the incident may close with this referral where it is. */
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
