/**
 * The incident's clocks: the unresourced clock per grade and the THRIVE that must follow an immediate
 * grade set before it (R1a) — rows the scheduler sweeps — and the attendance target (measured, not
 * swept: its breach is flagged when police arrive, or at closure if they never did). The rules they
 * serve are named in rules.ts (CLOCK_RULES).
 */
import { addMinutes, type DeadlineSpec, type EventMeta, type Flag, type Violation, v, withFlag } from '../kit.js';
import { type AttendanceTarget, type IncidentContext, NO_DEPLOY } from './events.js';
import { CLOCK_RULES } from './rules.js';

/** Police are needed now: the current decision says so, or, with no decision, nobody resolved it otherwise. */
function needsPolice(ctx: IncidentContext): boolean {
  if (ctx.decision) return !NO_DEPLOY.includes(ctx.decision.decision);
  return !ctx.resolvedWithoutPolice;
}

/** Every clock the incident watches now. */
export function incidentDeadlines(ctx: IncidentContext): DeadlineSpec[] {
  return [...unresourcedDeadlines(ctx), ...immediateThriveDeadlines(ctx)];
}

/** R1a: an immediate grade set before THRIVE starts a clock for the THRIVE; recording it stops the clock. */
function immediateThriveDeadlines(ctx: IncidentContext): DeadlineSpec[] {
  const i = ctx.immediate;
  if (!i || ctx.thrive || ctx.closedAt) return [];
  const rule = CLOCK_RULES.immediateThrive;
  return [{ key: `${rule}:thrive:${i.seq}`, rule, kind: 'thriveAfterImmediate', dueAt: i.thriveDueAt }];
}

/** An incident that needs police and has none gets a clock per grade. */
function unresourcedDeadlines(ctx: IncidentContext): DeadlineSpec[] {
  const g = ctx.grade;
  if (!g || ctx.closedAt || g.policy.unresourcedAlertAfterMinutes === null || !g.policy.requiresDeployment) return [];
  if (ctx.firstDispatchedAt || !needsPolice(ctx)) return [];
  const rule = CLOCK_RULES.unresourced;
  return [
    {
      key: `${rule}:unresourced:${g.seq}`,
      rule,
      kind: 'unresourced',
      dueAt: addMinutes(g.occurredAt, g.policy.unresourcedAlertAfterMinutes),
    },
  ];
}

/** DEADLINE_REACHED is taken only for a clock the incident still watches and that has not fired. */
export function incidentDeadlineViolation(ctx: IncidentContext, key: string): Violation | null {
  const live = incidentDeadlines(ctx).some((d) => d.key === key) && !ctx.firedDeadlines.includes(key);
  return live ? null : v(null, 'DEADLINE_NOT_LIVE', `deadline ${key} no longer applies`);
}

/** The alert a clock raises when it runs out (each clock's key starts with its rule). */
export function deadlineFlag(ctx: IncidentContext, e: EventMeta & { deadlineKey: string }): Flag {
  return e.deadlineKey.startsWith(`${CLOCK_RULES.immediateThrive}:`)
    ? immediateThriveFlag(ctx, e)
    : unresourcedFlag(ctx, e);
}

/** R1a: the THRIVE after an immediate grade is overdue: alert the grade's configured role. */
function immediateThriveFlag(ctx: IncidentContext, e: EventMeta & { deadlineKey: string }): Flag {
  const i = ctx.immediate!;
  const g = ctx.grade!;
  return {
    key: e.deadlineKey,
    rule: CLOCK_RULES.immediateThrive,
    severity: 'warning',
    message:
      `immediate grade ${g.code} (${g.policy.label}) was set at ${i.occurredAt} on an obvious threat and no THRIVE ` +
      `assessment has been recorded within ${i.policy.thriveWithinMinutes} min`,
    raisedAt: e.occurredAt,
    seq: e.seq,
    notify: i.policy.notify,
  };
}

/** The unresourced clock ran out: alert the grade's configured role. */
function unresourcedFlag(ctx: IncidentContext, e: EventMeta & { deadlineKey: string }): Flag {
  const g = ctx.grade!;
  return {
    key: e.deadlineKey,
    rule: CLOCK_RULES.unresourced,
    severity: 'warning',
    message:
      `grade ${g.code} (${g.policy.label}) incident still has no police resource ` +
      `${g.policy.unresourcedAlertAfterMinutes} min after grading`,
    raisedAt: e.occurredAt,
    seq: e.seq,
    notify: g.policy.unresourcedNotify,
  };
}

/**
 * The attendance clock of the grade in effect: its target for the incident's location class, when
 * the clock started (call received, or first dispatch) and when police are due. Null when the
 * grade has no target or its clock has not started.
 */
export function attendanceClock(
  ctx: IncidentContext,
): { minutes: number; startEvent: AttendanceTarget['startEvent']; startAt: string; dueAt: string } | null {
  // Once police have arrived, a later re-grade does not move the target they were measured against.
  const grade = (ctx.firstArrivedAt && ctx.arrivalGrade) || ctx.grade;
  const t = grade?.policy.attendanceTarget;
  if (!t) return null;
  const minutes =
    t.minutes ??
    (ctx.locationClass === 'urban' ? t.urbanMinutes : ctx.locationClass === 'rural' ? t.ruralMinutes : null);
  const startAt = t.startEvent === 'callReceived' ? ctx.receivedAt : ctx.firstDispatchedAt;
  if (minutes === null || !startAt) return null;
  return { minutes, startEvent: t.startEvent, startAt, dueAt: addMinutes(startAt, minutes) };
}

export type AttendanceStatus = 'met' | 'breached' | 'awaiting' | 'notAttended';

/**
 * The incident against its attendance target. met / breached by the first police arrival;
 * breached also when closed after the due time with police needed and no arrival recorded;
 * awaiting while open with no arrival (compare dueAt with the clock); notAttended when closed
 * without an arrival that was not needed, or before the due time.
 */
export function attendanceOutcome(
  ctx: IncidentContext,
):
  | (NonNullable<ReturnType<typeof attendanceClock>> & { status: AttendanceStatus; minutesToArrival: number | null })
  | null {
  const clock = attendanceClock(ctx);
  if (!clock) return null;
  const due = Date.parse(clock.dueAt);
  if (ctx.firstArrivedAt) {
    const arrived = Date.parse(ctx.firstArrivedAt);
    return {
      ...clock,
      status: arrived > due ? 'breached' : 'met',
      minutesToArrival: Math.round((arrived - Date.parse(clock.startAt)) / 60_000),
    };
  }
  if (!ctx.closedAt) return { ...clock, status: 'awaiting', minutesToArrival: null };
  const breached = Date.parse(ctx.closedAt) > due && ctx.grade!.policy.requiresDeployment && needsPolice(ctx);
  return { ...clock, status: breached ? 'breached' : 'notAttended', minutesToArrival: null };
}

/**
 * Flag an attendance breach once it is known. Historic imports carry no flags (nothing to act on);
 * their breaches show in the view.
 */
export function attendanceFlag(ctx: IncidentContext, e: { seq: number; occurredAt: string }): Flag[] {
  const a = attendanceOutcome(ctx);
  if (a?.status !== 'breached' || ctx.imported) return ctx.flags;
  const g = ((ctx.firstArrivedAt && ctx.arrivalGrade) || ctx.grade)!;
  const from = a.startEvent === 'callReceived' ? 'the call' : 'dispatch';
  const target =
    `the grade ${g.code} (${g.policy.label}) target is ${a.minutes} min from ` +
    `${from}${g.policy.targetSplit ? ` (${ctx.locationClass})` : ''}`;
  const message =
    a.minutesToArrival !== null
      ? `police first arrived ${a.minutesToArrival} min after ${from}: ${target}`
      : `closed with no police arrival recorded: ${target}`;
  const rule = CLOCK_RULES.attendance;
  return withFlag(ctx.flags, {
    key: `${rule}:attendance`,
    rule,
    severity: 'warning',
    message,
    raisedAt: e.occurredAt,
    seq: e.seq,
    notify: null,
  });
}
