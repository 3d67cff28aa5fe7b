/**
 * Types shared by the pure machines. Nothing here does I/O; machines import only this file.
 * All instants are ISO-8601 UTC strings as produced by Date#toISOString(), so they compare lexically.
 */

export const ROLES = ['call_handler', 'dispatcher', 'supervisor', 'mh_lead', 'pcc_analyst', 'admin'] as const;
export type UserRole = (typeof ROLES)[number];
export type ActorRole = UserRole | 'system' | 'partner';

export interface Actor {
  id: string;
  role: ActorRole;
}

/** Envelope every stored event carries; the shell fills it, the machines read it. */
export interface EventMeta {
  seq: number;
  occurredAt: string;
  recordedAt: string;
  actor: Actor;
}

/** Why a command was refused. `rule` names the rule (docs/rules.md) when one applies. */
export interface Violation {
  rule: string | null;
  code: string;
  message: string;
}

/** A FLAG outcome (docs/rules.md, kinds): allowed, but raised as an alert exactly once. */
export interface Flag {
  key: string;
  rule: string;
  severity: 'info' | 'warning' | 'critical';
  message: string;
  raisedAt: string;
  seq: number;
  /** Who should act on it (a role name from configuration, or a fixed role). */
  notify: string | null;
}

/** A clock the scheduler must watch: a row in `deadlines`, swept by the scheduler. */
export interface DeadlineSpec {
  key: string;
  rule: string;
  kind: string;
  dueAt: string;
}

/** The persisted form of one machine's snapshot. */
export interface StoredMachineState<C> {
  value: string;
  context: C;
}

export const isBlank = (s: string | null | undefined): boolean => s === undefined || s === null || s.trim() === '';

export const addMinutes = (iso: string, minutes: number): string =>
  new Date(Date.parse(iso) + minutes * 60_000).toISOString();

export const minutesBetween = (fromIso: string, toIso: string): number =>
  (Date.parse(toIso) - Date.parse(fromIso)) / 60_000;

/** R7: every event must happen at/after the incident began and not in the future beyond a small skew. */
export function checkEventTime(
  e: EventMeta,
  notBefore: string,
  notBeforeLabel: string,
  futureToleranceSeconds: number,
  field = 'occurredAt',
): Violation | null {
  if (e.occurredAt < notBefore) {
    return {
      rule: 'R7',
      code: 'TIME_BEFORE_START',
      message:
        `${field} ${e.occurredAt} is before ${notBeforeLabel} (${notBefore}); an interval cannot end before ` +
        `it starts`,
    };
  }
  const latest = new Date(Date.parse(e.recordedAt) + futureToleranceSeconds * 1000).toISOString();
  if (e.occurredAt > latest) {
    return {
      rule: 'R7',
      code: 'TIME_IN_FUTURE',
      message:
        `${field} ${e.occurredAt} is in the future (server time ${e.recordedAt}, tolerance ` +
        `${futureToleranceSeconds}s)`,
    };
  }
  return null;
}

/** The later of two ISO-8601 UTC instants (they compare lexically). */
export const laterInstant = (a: string, b: string): string => (a > b ? a : b);
