/**
 * One referral to a partner agency, inside an incident (Right Care Right Person handover):
 *
 *   drafted ──REFERRAL_SENT──▶ sent ──ACKNOWLEDGED──▶ acknowledged ──ANSWERED──▶ accepted | declined
 *      │ (email queued)          │ (portal)               │ (phone: spoke to a person)
 *      └── no delivery in time ──┴── no acknowledgement / no answer in time ──▶ escalated (ladder) ──▶ resolved
 *
 * How it starts depends on how the referral reaches the agency (`route.delivery`): an email this
 * system sends starts `drafted` and becomes `sent` when the mail server accepts it; a portal
 * submission starts `sent`; a phone call or warm transfer, where the handler spoke to a named
 * person, starts `acknowledged`. The chart alone: rules in rules.ts, clocks in clock.ts.
 */
import { and, assign, type SnapshotFrom, setup } from 'xstate';
import { firstViolation } from '../kit.js';
import { referralDeadlineViolation } from './clock.js';
import { LEGACY_ROUTE, type ReferralContext, type ReferralEvent, type ReferralState } from './events.js';
import { reduceReferral } from './reduce.js';
import { referralRules } from './rules.js';

const referral = setup({
  types: { context: {} as ReferralContext, events: {} as ReferralEvent },
  guards: {
    rulesAllow: ({ context, event }) => firstViolation(referralRules, context, event) === null,
    deadlineLive: ({ context, event }, params: { state: ReferralState }) =>
      event.type === 'DEADLINE_REACHED' && referralDeadlineViolation(params.state, context, event.deadlineKey) === null,
    hasLadder: ({ context }) => context.route.escalationLevels.length > 0,
    isAccept: ({ event }) => event.type === 'REFERRAL_ANSWERED' && event.answer === 'accepted',
    isDecline: ({ event }) => event.type === 'REFERRAL_ANSWERED' && event.answer === 'declined',
    isSilence: ({ event }) => event.type === 'REFERRAL_ANSWERED' && event.answer === 'noResponse',
    byEmail: ({ event }) => event.type === 'REFERRAL_MADE' && (event.route ?? LEGACY_ROUTE).delivery === 'email',
    byMessage: ({ event }) => event.type === 'REFERRAL_MADE' && (event.route ?? LEGACY_ROUTE).delivery === 'message',
    byConversation: ({ event }) =>
      event.type === 'REFERRAL_MADE' && (event.route ?? LEGACY_ROUTE).delivery === 'conversation',
    importedAs: ({ event }, params: { answer: ReferralContext['answer'] }) =>
      event.type === 'REFERRAL_IMPORTED' && event.answer === params.answer,
  },
  actions: {
    apply: assign(({ context, event }) => reduceReferral(context, event)),
  },
});

const to = (target: ReferralState | null) => (target ? { target } : {});
const accept = (target: ReferralState | null = null) => ({
  ...to(target),
  guard: 'rulesAllow' as const,
  actions: 'apply' as const,
});
/** A transition with its own guard (which, for a user's event, includes the rules). */
const when = <G>(target: ReferralState | null, guard: G) => ({ ...to(target), guard, actions: 'apply' as const });
/** A clock this state watches, taken while it is live (not fired). */
const live = (state: ReferralState) => ({ type: 'deadlineLive' as const, params: { state } });

const answers = [
  when('accepted', and(['rulesAllow', 'isAccept'])),
  when('declined', and(['rulesAllow', 'isDecline'])),
  when('noResponse', and(['rulesAllow', 'isSilence'])),
];
/** After silence the partner may still answer (late), but "no response" is not recorded twice. */
const lateAnswers = answers.slice(0, 2);
const informed = { REFERRAL_CALLER_INFORMED: accept() };
const withdrawable = { REFERRAL_WITHDRAWN: accept('withdrawn') };
const responseClocks = (state: ReferralState) => [
  when('escalated', and([live(state), 'hasLadder'])),
  when('noResponse', live(state)),
];
const imported = (answer: ReferralContext['answer']) => and(['rulesAllow', { type: 'importedAs', params: { answer } }]);

export const referralMachine = referral.createMachine({
  id: 'referral',
  initial: 'unsent',
  context: {} as ReferralContext,
  states: {
    unsent: {
      on: {
        REFERRAL_MADE: [
          when('drafted', and(['rulesAllow', 'byEmail'])),
          when('sent', and(['rulesAllow', 'byMessage'])),
          when('acknowledged', and(['rulesAllow', 'byConversation'])),
        ],
        // History from an extract lands where it ended (an unanswered one waits, with no clocks).
        REFERRAL_IMPORTED: [
          when('accepted', imported('accepted')),
          when('declined', imported('declined')),
          when('noResponse', imported('noResponse')),
          when('sent', imported(null)),
        ],
      },
    },
    drafted: {
      on: {
        REFERRAL_SENT: accept('sent'),
        REFERRAL_ACKNOWLEDGED: accept('acknowledged'),
        REFERRAL_ANSWERED: answers,
        DEADLINE_REACHED: when('noResponse', live('drafted')),
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
        DEADLINE_REACHED: when(null, live('escalated')),
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
