/**
 * The vocabulary of one referral to a partner agency: escalation reasons and outcomes, the events
 * (REFERRAL_MADE itself is shared with the incident, in kit.ts), the context, and the status the
 * incident hears. The route (delivery, clocks, escalation ladder) is stamped from the force
 * configuration into REFERRAL_MADE, so replay never depends on today's configuration.
 */
import type { Rank } from '../ranks.js';
import type { EventMeta, EventOf, Flag, ReferralAnswer, ReferralMade, ReferralRoute, SharedSummary } from '../kit.js';

export {
  DELIVERIES,
  type Delivery,
  type EscalationLevelPolicy,
  type PartnerEscalationContact,
  REFERRAL_ANSWERS,
  type ReferralAnswer,
  type ReferralMade,
  type ReferralRoute,
  type SharedSummary,
} from '../kit.js';

export const REFERRAL_MACHINE_VERSION = 'referral@2';

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

export interface Person {
  name: string;
  rank: Rank;
}

export type ReferralEvent = EventMeta &
  (
    | ReferralMade
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
export type ReferralEventOf<T extends ReferralEventType> = EventOf<ReferralEvent, T>;

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
  /** The person who escalated; null when the system opened the level and nobody has yet. */
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
export const LEGACY_ROUTE: ReferralRoute = {
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

// ---------------------------------------------------------------------------------------------
// Reading the context.
// ---------------------------------------------------------------------------------------------

/** The acceptance status the incident sees: pending, accepted, declined, noResponse, resolved or withdrawn. */
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

/** The escalation level still waiting for an outcome, if any. */
export const openEscalation = (ctx: ReferralContext): Escalation | null => {
  const last = ctx.escalations[ctx.escalations.length - 1];
  return last && last.closedAt === null ? last : null;
};

/** The highest level this referral has been escalated to (0: never). */
export const topLevel = (ctx: ReferralContext) => ctx.escalations.reduce((m, e) => Math.max(m, e.level), 0);

/** The agency as people read it: its configured label, else its code. */
export const agencyName = (ctx: ReferralContext) => ctx.route.agencyLabel || ctx.agency;
