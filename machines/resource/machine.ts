/** One police resource assigned to an incident: dispatched → arrived → cleared (the chart alone). */
import { assign, type SnapshotFrom, setup } from 'xstate';
import { accept, firstViolation } from '../kit.js';
import type { ResourceContext, ResourceEvent } from './events.js';
import { reduceResource } from './reduce.js';
import { resourceRules } from './rules.js';

export const resourceMachine = setup({
  types: { context: {} as ResourceContext, events: {} as ResourceEvent },
  guards: {
    rulesAllow: ({ context, event }) => firstViolation(resourceRules, context, event) === null,
  },
  actions: {
    apply: assign(({ context, event }) => reduceResource(context, event)),
  },
}).createMachine({
  id: 'resource',
  initial: 'unassigned',
  context: {} as ResourceContext,
  states: {
    unassigned: { on: { RESOURCE_DISPATCHED: accept('dispatched'), RESOURCE_IMPORTED: accept('cleared') } },
    dispatched: {
      on: {
        RESOURCE_ARRIVED: accept('arrived'),
        // Stood down before arriving: the time still counts (travel).
        RESOURCE_CLEARED: accept('cleared'),
      },
    },
    arrived: { on: { RESOURCE_CLEARED: accept('cleared') } },
    cleared: { type: 'final' },
  },
});

export type ResourceSnapshot = SnapshotFrom<typeof resourceMachine>;
