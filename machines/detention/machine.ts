/**
 * One Mental Health Act detention inside an incident, the chart alone:
 *
 *   s.136:  considering → consulted → detained → conveying → atPlaceOfSafety → handedOver → assessing → ended → closed
 *           (or considering/consulted → notDetained; "kept" at a place of safety goes straight to atPlaceOfSafety)
 *   s.135:  warrant executed → detained (removed) | atPlaceOfSafety (kept at the premises) → … as above
 *
 * Every transition a user's event takes is guarded by the rules (rules.ts) and applies the event
 * (reduce.ts); a deadline is taken while its clock is live (clock.ts).
 */
import { and, assign, not, type SnapshotFrom, setup } from 'xstate';
import { accept, firstViolation } from '../kit.js';
import { detentionDeadlineViolation } from './clock.js';
import type { DetentionContext, DetentionEvent } from './events.js';
import { reduceDetention } from './reduce.js';
import { detentionRules } from './rules.js';

/** Removed (taken somewhere) or kept where they are: the event's `mode` decides where the detention goes. */
const byMode = (kept: string, removed: string) => [
  { guard: and(['rulesAllow', 'isKept']), target: kept, actions: 'apply' as const },
  { guard: and(['rulesAllow', not('isKept')]), target: removed, actions: 'apply' as const },
];

/** What may happen wherever the person is at a place of safety, before the outcome. */
const atPlace = {
  S136_EXTENDED_STAY_AGREED: accept(),
  S136_EXTENSION_AUTHORISED: accept(),
  S136_ADR_RECORDED: accept(),
  S136_OUTCOME_RECORDED: accept('ended'),
  S136_RELEASED_BY_POLICE: accept('ended'),
  DEADLINE_REACHED: { guard: 'deadlineLive' as const, actions: 'apply' as const },
};

export const detentionMachine = setup({
  types: { context: {} as DetentionContext, events: {} as DetentionEvent },
  guards: {
    rulesAllow: ({ context, event }) => firstViolation(detentionRules, context, event) === null,
    deadlineLive: ({ context, event }) =>
      event.type === 'DEADLINE_REACHED' && detentionDeadlineViolation(context, event.deadlineKey) === null,
    isKept: ({ event }) => 'mode' in event && event.mode === 'kept',
  },
  actions: {
    apply: assign(({ context, event }) => reduceDetention(context, event)),
  },
}).createMachine({
  id: 'detention',
  initial: 'unopened',
  context: {} as DetentionContext,
  states: {
    unopened: {
      on: {
        S136_CONSIDERED: accept('considering'),
        S135_WARRANT_EXECUTED: byMode('atPlaceOfSafety', 'detained'),
      },
    },
    considering: {
      on: {
        S136_CONSULTATION_RECORDED: accept('consulted'),
        S136_NOT_DETAINED: accept('notDetained'),
      },
    },
    consulted: {
      on: {
        S136_CONSULTATION_RECORDED: accept(),
        S136_DETAINED: byMode('atPlaceOfSafety', 'detained'),
        S136_NOT_DETAINED: accept('notDetained'),
      },
    },
    detained: {
      on: {
        S136_CONVEYANCE_RECORDED: accept('conveying'),
        S136_ADR_RECORDED: accept(),
        S136_OUTCOME_RECORDED: accept('ended'),
        S136_RELEASED_BY_POLICE: accept('ended'),
      },
    },
    conveying: {
      on: {
        S136_ARRIVED_AT_PLACE_OF_SAFETY: accept('atPlaceOfSafety'),
        S136_ADR_RECORDED: accept(),
        S136_OUTCOME_RECORDED: accept('ended'),
        S136_RELEASED_BY_POLICE: accept('ended'),
      },
    },
    atPlaceOfSafety: {
      on: {
        ...atPlace,
        S136_NHS_ACCEPTED: accept('handedOver'),
        S136_ASSESSMENT_STARTED: accept('assessing'),
        S136_TRANSFERRED: accept(),
        S136_HEALTHCARE_CHECK_RECORDED: accept(),
      },
    },
    handedOver: {
      on: {
        ...atPlace,
        S136_POLICE_DEPARTED: accept(),
        S136_ASSESSMENT_STARTED: accept('assessing'),
        S136_TRANSFERRED: accept('atPlaceOfSafety'),
      },
    },
    assessing: {
      on: {
        ...atPlace,
        S136_NHS_ACCEPTED: accept(),
        S136_POLICE_DEPARTED: accept(),
        S136_TRANSFERRED: accept(),
        S136_HEALTHCARE_CHECK_RECORDED: accept(),
      },
    },
    ended: {
      on: {
        S136_POLICE_DEPARTED: accept(),
        S136_ADR_RECORDED: accept(),
        S136_CLOSED: accept('closed'),
      },
    },
    closed: { type: 'final' },
    notDetained: { type: 'final' },
  },
});

export type DetentionSnapshot = SnapshotFrom<typeof detentionMachine>;
