/**
 * The incident lifecycle: call → THRIVE → grade → RCRP decision → response → close. The chart
 * alone: every transition a user's event takes is guarded by the rules (rules.ts) and applies the
 * event (reduce.ts); a deadline is taken while its clock is live (clock.ts).
 */
import { assign, type SnapshotFrom, setup } from 'xstate';
import { accept, firstViolation } from '../kit.js';
import { incidentDeadlineViolation } from './clock.js';
import type { IncidentContext, IncidentEvent } from './events.js';
import { reduceIncident } from './reduce.js';
import { incidentRules } from './rules.js';

/** Events every response state accepts: re-grading, a changed decision, closure. */
const responding = {
  GRADE_SET: accept(),
  RCRP_DECISION_RECORDED: accept(),
  INCIDENT_CLOSED: accept('#incident.closed'),
};

export const incidentMachine = setup({
  types: { context: {} as IncidentContext, events: {} as IncidentEvent },
  guards: {
    rulesAllow: ({ context, event }) => firstViolation(incidentRules, context, event) === null,
    deadlineLive: ({ context, event }) =>
      event.type === 'DEADLINE_REACHED' && incidentDeadlineViolation(context, event.deadlineKey) === null,
  },
  actions: {
    apply: assign(({ context, event }) => reduceIncident(context, event)),
  },
}).createMachine({
  id: 'incident',
  initial: 'unopened',
  context: {} as IncidentContext,
  states: {
    unopened: { on: { INCIDENT_CREATED: accept('open'), INCIDENT_IMPORTED: accept('closed') } },
    open: {
      initial: 'new',
      on: {
        THRIVE_RECORDED: accept(),
        GRADE_SET: accept(),
        NEW_INFORMATION: accept(),
        SUBJECT_RECORDED: accept(),
        CALL_HANDLING_RECORDED: accept(),
        CHILD_STATUS_CHANGED: accept(),
        DEADLINE_REACHED: { guard: 'deadlineLive', actions: 'apply' },
      },
      states: {
        // R1a: an immediate grade on an obvious threat may come before THRIVE.
        new: { on: { THRIVE_RECORDED: accept('assessed'), IMMEDIATE_GRADE_SET: accept('graded') } },
        assessed: { on: { GRADE_SET: accept('graded') } },
        graded: {
          on: {
            RCRP_DECISION_RECORDED: accept(),
            POLICE_DISPATCHED: accept('policeResponse'),
            REFERRAL_MADE: accept('partnerResponse'),
            ADVICE_GIVEN: accept('noDeployment'),
            RESOLVED_WITHOUT_DEPLOYMENT: accept('noDeployment'),
          },
        },
        policeResponse: {
          on: { ...responding, POLICE_DISPATCHED: accept(), REFERRAL_MADE: accept('jointResponse') },
        },
        partnerResponse: {
          on: {
            ...responding,
            REFERRAL_MADE: accept(),
            POLICE_DISPATCHED: accept('jointResponse'),
            ADVICE_GIVEN: accept(),
          },
        },
        jointResponse: {
          on: { ...responding, POLICE_DISPATCHED: accept(), REFERRAL_MADE: accept() },
        },
        noDeployment: {
          on: {
            ...responding,
            ADVICE_GIVEN: accept(),
            POLICE_DISPATCHED: accept('policeResponse'),
            REFERRAL_MADE: accept('partnerResponse'),
          },
        },
      },
    },
    closed: { type: 'final' },
  },
});

export type IncidentSnapshot = SnapshotFrom<typeof incidentMachine>;
