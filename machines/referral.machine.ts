/**
 * One referral to a partner agency, inside an incident: made → pending → accepted | declined |
 * noResponse (a late answer may still follow noResponse). Pure; the incident machine sees the same
 * events and decides what a decline or silence means for the incident (R12).
 */
import { and, assign, setup, type SnapshotFrom } from 'xstate';
import { isBlank, type EventMeta, type Flag, type Violation } from './types.js';

export const REFERRAL_MACHINE_VERSION = 'referral@1';

export type ReferralEvent = EventMeta &
  (
    | {
        type: 'REFERRAL_MADE';
        referralId: string;
        agency: string;
        contactMethod: string;
        namedContact: string;
        agencyReference: string | null;
      }
    /** A referral from a historic extract (INCIDENT_IMPORTED): made and answered as recorded. */
    | {
        type: 'REFERRAL_IMPORTED';
        referralId: string;
        agency: string;
        madeAt: string;
        answer: 'accepted' | 'declined' | 'noResponse' | null;
        answeredAt: string | null;
      }
    | {
        type: 'REFERRAL_ANSWERED';
        referralId: string;
        answer: 'accepted' | 'declined' | 'noResponse';
        reason: string | null;
        agencyReference: string | null;
      }
  );
type EventOf<T extends ReferralEvent['type']> = Extract<ReferralEvent, { type: T }>;

export interface ReferralContext {
  referralId: string;
  agency: string;
  contactMethod: string;
  namedContact: string;
  agencyReference: string | null;
  madeAt: string;
  madeBy: string;
  answer: 'accepted' | 'declined' | 'noResponse' | null;
  answeredAt: string | null;
  reason: string | null;
  flags: Flag[];
}

const v = (rule: string | null, code: string, message: string): Violation => ({ rule, code, message });

const check: { [K in ReferralEvent['type']]: (ctx: ReferralContext, e: EventOf<K>) => Violation | null } = {
  REFERRAL_MADE(_ctx, e) {
    if (isBlank(e.namedContact)) return v('R11', 'NAMED_CONTACT_REQUIRED', 'a referral needs the named role or person contacted at the agency');
    return null;
  },
  REFERRAL_IMPORTED(_ctx, e) {
    if ((e.answer === null) !== (e.answeredAt === null)) return v(null, 'ANSWER_TIME_REQUIRED', 'an imported answer needs its time, and a time needs its answer');
    if (e.answeredAt !== null && e.answeredAt < e.madeAt) return v('R7', 'TIME_BEFORE_START', `the answer (${e.answeredAt}) is before the referral was made (${e.madeAt})`);
    return null;
  },
  REFERRAL_ANSWERED(ctx, e) {
    if (e.answer === 'declined' && isBlank(e.reason)) return v('R11', 'DECLINE_REASON_REQUIRED', 'a declined referral needs the reason the agency gave');
    if (e.occurredAt < ctx.madeAt) return v('R7', 'TIME_BEFORE_START', `the answer (${e.occurredAt}) is before the referral was made (${ctx.madeAt})`);
    return null;
  },
};

export function referralRuleViolation(ctx: ReferralContext, e: ReferralEvent): Violation | null {
  return (check[e.type] as (c: ReferralContext, ev: ReferralEvent) => Violation | null)(ctx, e);
}

export const referralMachine = setup({
  types: { context: {} as ReferralContext, events: {} as ReferralEvent },
  guards: {
    rulesAllow: ({ context, event }) => referralRuleViolation(context, event) === null,
    isAccept: ({ event }) => event.type === 'REFERRAL_ANSWERED' && event.answer === 'accepted',
    isDecline: ({ event }) => event.type === 'REFERRAL_ANSWERED' && event.answer === 'declined',
    isSilence: ({ event }) => event.type === 'REFERRAL_ANSWERED' && event.answer === 'noResponse',
    importedAs: ({ event }, answer: string | null) => event.type === 'REFERRAL_IMPORTED' && event.answer === answer,
  },
  actions: {
    make: assign(({ event }) => {
      const e = event as EventOf<'REFERRAL_MADE'>;
      return {
        referralId: e.referralId,
        agency: e.agency,
        contactMethod: e.contactMethod,
        namedContact: e.namedContact,
        agencyReference: e.agencyReference,
        madeAt: e.occurredAt,
        madeBy: e.actor.id,
        answer: null,
        answeredAt: null,
        reason: null,
        flags: [],
      } satisfies ReferralContext;
    }),
    import: assign(({ event }) => {
      const e = event as EventOf<'REFERRAL_IMPORTED'>;
      return {
        referralId: e.referralId,
        agency: e.agency,
        contactMethod: 'notRecorded',
        namedContact: '',
        agencyReference: null,
        madeAt: e.madeAt,
        madeBy: e.actor.id,
        answer: e.answer,
        answeredAt: e.answeredAt,
        reason: null,
        flags: [],
      } satisfies ReferralContext;
    }),
    answer: assign(({ context, event }) => {
      const e = event as EventOf<'REFERRAL_ANSWERED'>;
      return {
        answer: e.answer,
        answeredAt: e.occurredAt,
        reason: e.reason,
        agencyReference: e.agencyReference ?? context.agencyReference,
      };
    }),
  },
}).createMachine({
  id: 'referral',
  initial: 'unsent',
  context: {} as ReferralContext,
  states: {
    unsent: {
      on: {
        REFERRAL_MADE: { target: 'pending', guard: 'rulesAllow', actions: 'make' },
        REFERRAL_IMPORTED: (['accepted', 'declined', 'noResponse', null] as const).map((answer) => ({
          target: answer ?? 'pending',
          guard: and(['rulesAllow', { type: 'importedAs', params: answer }]),
          actions: 'import',
        })),
      },
    },
    pending: {
      on: {
        REFERRAL_ANSWERED: [
          { target: 'accepted', guard: and(['rulesAllow', 'isAccept']), actions: 'answer' },
          { target: 'declined', guard: and(['rulesAllow', 'isDecline']), actions: 'answer' },
          { target: 'noResponse', guard: and(['rulesAllow', 'isSilence']), actions: 'answer' },
        ],
      },
    },
    noResponse: {
      on: {
        REFERRAL_ANSWERED: [
          { target: 'accepted', guard: and(['rulesAllow', 'isAccept']), actions: 'answer' },
          { target: 'declined', guard: and(['rulesAllow', 'isDecline']), actions: 'answer' },
        ],
      },
    },
    accepted: { type: 'final' },
    declined: { type: 'final' },
  },
});

export type ReferralSnapshot = SnapshotFrom<typeof referralMachine>;
export type ReferralStatus = 'unsent' | 'pending' | 'accepted' | 'declined' | 'noResponse';
