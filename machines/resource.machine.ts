/**
 * One police resource assigned to an incident (the time ledger, R38/R39): dispatched → arrived →
 * cleared, with the activity segments that account for its time. Pure; one child machine per
 * assignment inside the incident's aggregate, keyed by the assignment id.
 *
 * Officer-hours are never typed: they are derived from these times (clearedAt − dispatchedAt, and
 * each segment's length) × the number of officers on the resource.
 */
import { assign, setup, type SnapshotFrom } from 'xstate';
import type { EventMeta, Flag, Violation } from './types.js';

export const RESOURCE_MACHINE_VERSION = 'resource@1';

/** What officers were doing (docs/reports.md, police time); every second of an assignment is in exactly one. */
export const ACTIVITIES = ['travel', 'scene', 'conveyance', 'waitingED', 'waitingHBPoS', 'custody', 'other'] as const;
export type Activity = (typeof ACTIVITIES)[number];

/** R39: segments must add up to the assignment's total within this tolerance (≤ 1 min). */
export const SEGMENT_SUM_TOLERANCE_SECONDS = 60;

export interface Segment {
  activity: Activity;
  startAt: string;
  endAt: string;
}

/** A resource as dispatched (POLICE_DISPATCHED carries one per resource). */
export interface ResourceSpec {
  assignmentId: string;
  callSign: string;
  officers: number;
  /** From the configured resource types (response, neighbourhood, triage car …). */
  resourceType: string;
}

/** The id of the `index`-th resource of the event with this seq, when the sender gave none. */
export const defaultAssignmentId = (seq: number, index: number) => `a${seq}-${index + 1}`;

export type ResourceEvent = EventMeta &
  (
    | ({ type: 'RESOURCE_DISPATCHED' } & ResourceSpec)
    | { type: 'RESOURCE_ARRIVED'; assignmentId: string }
    | { type: 'RESOURCE_CLEARED'; assignmentId: string; segments: Segment[] }
    /** A whole historic assignment from a command-and-control extract (INCIDENT_IMPORTED). */
    | ({
        type: 'RESOURCE_IMPORTED';
        dispatchedAt: string;
        arrivedAt: string | null;
        clearedAt: string;
        segments: Segment[];
      } & ResourceSpec)
  );
type EventOf<T extends ResourceEvent['type']> = Extract<ResourceEvent, { type: T }>;

export interface ResourceContext extends ResourceSpec {
  dispatchedAt: string;
  arrivedAt: string | null;
  clearedAt: string | null;
  segments: Segment[];
  imported: boolean;
  flags: Flag[];
}

const v = (rule: string | null, code: string, message: string): Violation => ({ rule, code, message });

/** R38: dispatched ≤ arrived ≤ cleared. */
export function checkAssignmentTimes(
  callSign: string,
  dispatchedAt: string,
  arrivedAt: string | null,
  clearedAt: string | null,
): Violation | null {
  if (arrivedAt !== null && arrivedAt < dispatchedAt) {
    return v(
      'R38',
      'ARRIVED_BEFORE_DISPATCH',
      `${callSign} cannot arrive (${arrivedAt}) before it was dispatched (${dispatchedAt})`,
    );
  }
  if (clearedAt !== null) {
    const from = arrivedAt ?? dispatchedAt;
    if (clearedAt < from) {
      return v(
        'R38',
        'CLEARED_BEFORE_START',
        `${callSign} cannot clear (${clearedAt}) before it ${arrivedAt ? 'arrived' : 'was dispatched'} (${from})`,
      );
    }
  }
  return null;
}

const seconds = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;

/**
 * R39: the activity segments of one assignment lie inside it, do not overlap, and add up to its
 * total (dispatched → cleared) within a minute. R7: no segment ends before it starts.
 */
export function checkSegments(
  callSign: string,
  segments: readonly Segment[],
  dispatchedAt: string,
  clearedAt: string,
): Violation | null {
  if (segments.length === 0) {
    return v(
      'R39',
      'SEGMENTS_REQUIRED',
      `${callSign}: clearing needs the activity segments (travel, scene, conveyance …) that account for its time`,
    );
  }
  for (const s of segments) {
    if (s.endAt < s.startAt)
      return v(
        'R7',
        'TIME_BEFORE_START',
        `${callSign}: the ${s.activity} segment ends (${s.endAt}) before it starts (${s.startAt})`,
      );
    if (s.startAt < dispatchedAt || s.endAt > clearedAt) {
      return v(
        'R39',
        'SEGMENT_OUTSIDE_ASSIGNMENT',
        `${callSign}: the ${s.activity} segment ${s.startAt}–${s.endAt} is outside the assignment ` +
          `(${dispatchedAt}–${clearedAt})`,
      );
    }
  }
  const sorted = [...segments].sort((a, b) => (a.startAt < b.startAt ? -1 : a.startAt > b.startAt ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.startAt < prev.endAt) {
      return v(
        'R39',
        'SEGMENTS_OVERLAP',
        `${callSign}: the ${cur.activity} segment starting ${cur.startAt} overlaps the ${prev.activity} segment ` +
          `ending ${prev.endAt}`,
      );
    }
  }
  const total = seconds(dispatchedAt, clearedAt);
  const sum = segments.reduce((a, s) => a + seconds(s.startAt, s.endAt), 0);
  if (Math.abs(total - sum) > SEGMENT_SUM_TOLERANCE_SECONDS) {
    return v(
      'R39',
      'SEGMENTS_DO_NOT_SUM',
      `${callSign}: the segments add up to ${(sum / 60).toFixed(1)} min but the assignment lasted ` +
        `${(total / 60).toFixed(1)} min (dispatched → cleared); they must match within ` +
        `${SEGMENT_SUM_TOLERANCE_SECONDS / 60} min`,
    );
  }
  return null;
}

const check: { [K in ResourceEvent['type']]: (ctx: ResourceContext, e: EventOf<K>) => Violation | null } = {
  RESOURCE_DISPATCHED: () => null,
  RESOURCE_ARRIVED: (ctx, e) => checkAssignmentTimes(ctx.callSign, ctx.dispatchedAt, e.occurredAt, null),
  RESOURCE_CLEARED: (ctx, e) =>
    checkAssignmentTimes(ctx.callSign, ctx.dispatchedAt, ctx.arrivedAt, e.occurredAt) ??
    checkSegments(ctx.callSign, e.segments, ctx.dispatchedAt, e.occurredAt),
  RESOURCE_IMPORTED: (_ctx, e) =>
    checkAssignmentTimes(e.callSign, e.dispatchedAt, e.arrivedAt, e.clearedAt) ??
    checkSegments(e.callSign, e.segments, e.dispatchedAt, e.clearedAt),
};

export function resourceRuleViolation(ctx: ResourceContext, e: ResourceEvent): Violation | null {
  return (check[e.type] as (c: ResourceContext, ev: ResourceEvent) => Violation | null)(ctx, e);
}

const spec = (e: ResourceSpec): ResourceSpec => ({
  assignmentId: e.assignmentId,
  callSign: e.callSign,
  officers: e.officers,
  resourceType: e.resourceType,
});

export const resourceMachine = setup({
  types: { context: {} as ResourceContext, events: {} as ResourceEvent },
  guards: {
    rulesAllow: ({ context, event }) => resourceRuleViolation(context, event) === null,
  },
  actions: {
    dispatch: assign(({ event }) => {
      const e = event as EventOf<'RESOURCE_DISPATCHED'>;
      return {
        ...spec(e),
        dispatchedAt: e.occurredAt,
        arrivedAt: null,
        clearedAt: null,
        segments: [],
        imported: false,
        flags: [],
      } satisfies ResourceContext;
    }),
    arrive: assign(({ event }) => ({ arrivedAt: event.occurredAt })),
    clear: assign(({ event }) => {
      const e = event as EventOf<'RESOURCE_CLEARED'>;
      return { clearedAt: e.occurredAt, segments: e.segments };
    }),
    import: assign(({ event }) => {
      const e = event as EventOf<'RESOURCE_IMPORTED'>;
      return {
        ...spec(e),
        dispatchedAt: e.dispatchedAt,
        arrivedAt: e.arrivedAt,
        clearedAt: e.clearedAt,
        segments: e.segments,
        imported: true,
        flags: [],
      } satisfies ResourceContext;
    }),
  },
}).createMachine({
  id: 'resource',
  initial: 'unassigned',
  context: {} as ResourceContext,
  states: {
    unassigned: {
      on: {
        RESOURCE_DISPATCHED: { target: 'dispatched', guard: 'rulesAllow', actions: 'dispatch' },
        RESOURCE_IMPORTED: { target: 'cleared', guard: 'rulesAllow', actions: 'import' },
      },
    },
    dispatched: {
      on: {
        RESOURCE_ARRIVED: { target: 'arrived', guard: 'rulesAllow', actions: 'arrive' },
        // Stood down before arriving: the time still counts (travel).
        RESOURCE_CLEARED: { target: 'cleared', guard: 'rulesAllow', actions: 'clear' },
      },
    },
    arrived: { on: { RESOURCE_CLEARED: { target: 'cleared', guard: 'rulesAllow', actions: 'clear' } } },
    cleared: { type: 'final' },
  },
});

export type ResourceSnapshot = SnapshotFrom<typeof resourceMachine>;
export type ResourceStatus = 'unassigned' | 'dispatched' | 'arrived' | 'cleared';
