/**
 * Every rule the time ledger enforces (R38 dispatched ≤ arrived ≤ cleared, R39 activity segments),
 * for one assignment and across the assignments of an incident (the incident machine calls the
 * latter). Each check returns the rule an event would break, or null.
 */
import { type RuleBook, timeBeforeStart, type Violation, v } from '../kit.js';
import type { ResourceContext, ResourceEvent, Segment } from './events.js';

/** R39: segments must add up to the assignment's total within this tolerance (at most a minute). */
export const SEGMENT_SUM_TOLERANCE_SECONDS = 60;

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
 * total (dispatched → cleared) within a minute. No segment ends before it starts (time order).
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
      return timeBeforeStart(
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

export const resourceRules: RuleBook<ResourceContext, ResourceEvent> = {
  RESOURCE_DISPATCHED: {},
  RESOURCE_ARRIVED: { check: (ctx, e) => checkAssignmentTimes(ctx.callSign, ctx.dispatchedAt, e.occurredAt, null) },
  RESOURCE_CLEARED: {
    check: (ctx, e) =>
      checkAssignmentTimes(ctx.callSign, ctx.dispatchedAt, ctx.arrivedAt, e.occurredAt) ??
      checkSegments(ctx.callSign, e.segments, ctx.dispatchedAt, e.occurredAt),
  },
  RESOURCE_IMPORTED: {
    check: (_ctx, e) =>
      checkAssignmentTimes(e.callSign, e.dispatchedAt, e.arrivedAt, e.clearedAt) ??
      checkSegments(e.callSign, e.segments, e.dispatchedAt, e.clearedAt),
  },
};

// ---------------------------------------------------------------------------------------------
// Across the assignments of one incident (checked by the incident machine).
// ---------------------------------------------------------------------------------------------

/** What an incident knows of each of its assignments. */
type Assignments = Record<string, { callSign: string; status: string }> | undefined;

/** R38: an incident closes only when every resource has cleared (with the segments that account for its time). */
export function resourcesNotCleared(assignments: Assignments): Violation | null {
  const assigned = Object.entries(assignments ?? {}).filter(([, r]) => r.status !== 'cleared');
  if (assigned.length === 0) return null;
  const list = assigned.map(([id, r]) => `${r.callSign} (${id})`).join(', ');
  return v(
    'R38',
    'RESOURCES_NOT_CLEARED',
    `resource ${list} is still assigned: record RESOURCE_CLEARED with its activity segments before closing`,
  );
}

/** R39 across assignments: one call sign is never on two open assignments of one incident at once. */
export function sameResourceTwice(current: Assignments, adding: ReadonlyArray<{ callSign: string }>): Violation | null {
  const busy = new Set(
    Object.values(current ?? {})
      .filter((r) => r.status !== 'cleared')
      .map((r) => r.callSign),
  );
  const seen = new Set<string>();
  for (const r of adding) {
    if (busy.has(r.callSign) || seen.has(r.callSign)) {
      return v(
        'R39',
        'RESOURCE_ALREADY_ASSIGNED',
        `${r.callSign} is already assigned to this incident and not cleared; its time cannot be counted twice`,
      );
    }
    seen.add(r.callSign);
  }
  return null;
}

/** R39 across historic assignments: the same call sign's assignments must not overlap in time. */
export function overlappingAssignments(
  assignments: ReadonlyArray<{ callSign: string; dispatchedAt: string; clearedAt: string }>,
): Violation | null {
  const byCallSign = new Map<string, Array<(typeof assignments)[number]>>();
  for (const r of assignments) byCallSign.set(r.callSign, [...(byCallSign.get(r.callSign) ?? []), r]);
  for (const [callSign, rs] of byCallSign) {
    const sorted = [...rs].sort((a, b) => (a.dispatchedAt < b.dispatchedAt ? -1 : 1));
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i]!.dispatchedAt < sorted[i - 1]!.clearedAt) {
        return v(
          'R39',
          'RESOURCE_ALREADY_ASSIGNED',
          `${callSign} has two assignments on this incident that overlap in time; its time cannot be counted twice`,
        );
      }
    }
  }
  return null;
}
