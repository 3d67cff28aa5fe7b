/**
 * What the four machines share, written once: the envelope every stored event carries, the shape of
 * a refusal (Violation), an alert (Flag) and a clock (DeadlineSpec), the one rule-book style every
 * `rules.ts` follows (and the allowed events derived from it), time helpers and the time-order rule
 * every machine applies, the chart helper `accept`, the one REFERRAL_MADE event the incident and its
 * referral both read, and the two places we touch XState's runtime (`acceptedEventTypes`, `step`).
 *
 * Pure: imports xstate only. All instants are ISO-8601 UTC strings as produced by
 * Date#toISOString(), so they compare lexically.
 */
import {
  type AnyActorScope,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  createActor,
  type EventFromLogic,
  getNextTransitions,
  type SnapshotFrom,
} from 'xstate';

// ---------------------------------------------------------------------------------------------
// Who acts, and the envelope of every stored event.
// ---------------------------------------------------------------------------------------------

export const ROLES = [
  'call_handler',
  'dispatcher',
  'supervisor',
  'officer',
  'mh_lead',
  'pcc_analyst',
  'auditor',
  'admin',
] as const;
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

/** The member of an event union `E` with type `T`. */
export type EventOf<E extends { type: string }, T extends E['type']> = Extract<E, { type: T }>;

// ---------------------------------------------------------------------------------------------
// Refusals, alerts and clocks.
// ---------------------------------------------------------------------------------------------

/** Why a command was refused. `rule` names the rule (its R-number) when one applies. */
export interface Violation {
  rule: string | null;
  code: string;
  message: string;
}

export const v = (rule: string | null, code: string, message: string): Violation => ({ rule, code, message });

/** A FLAG outcome: allowed, but raised as an alert exactly once (its key is unique within the machine). */
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

/** `flags` with `f` added, unless a flag with its key was raised before (or there is none to add). */
export function withFlag(flags: Flag[], f: Flag | null): Flag[] {
  return f === null || flags.some((x) => x.key === f.key) ? flags : [...flags, f];
}

/** A clock the scheduler must watch: a row in `deadlines`, swept by the scheduler. */
export interface DeadlineSpec {
  key: string;
  rule: string;
  kind: string;
  dueAt: string;
}

// ---------------------------------------------------------------------------------------------
// The rule book: one style for every machine's rules.ts.
// ---------------------------------------------------------------------------------------------

/**
 * What one event type must satisfy. `when` reads only the context and the moment the event happens:
 * it is also what decides whether the event is offered now (allowed events). `check` adds the
 * event's payload. Both return the rule the event would break, or null.
 */
export interface Rule<C, E> {
  when?: (ctx: C, at: string) => Violation | null;
  /** `state` is the machine's state name when the caller knows it (the aggregate does; a guard does not). */
  check?: (ctx: C, e: E, state?: string) => Violation | null;
}

/** Every event type of a machine, with its rules (an empty entry: nothing beyond the chart). */
export type RuleBook<C, E extends { type: string }> = { [K in E['type']]: Rule<C, EventOf<E, K>> };

/** The first rule `e` breaks (its `when`, then its `check`), or null when the rules allow it. */
export function firstViolation<C, E extends { type: string; occurredAt: string }>(
  book: RuleBook<C, E>,
  ctx: C,
  e: E,
  state?: string,
): Violation | null {
  // The book is keyed by event type, so the entry for `e.type` takes events of exactly that type.
  const rule = book[e.type as E['type']] as unknown as Rule<C, E>;
  return rule.when?.(ctx, e.occurredAt) ?? rule.check?.(ctx, e, state) ?? null;
}

/**
 * The event types a user could send now: those the state accepts, less the ones only the system
 * raises, less the ones whose `when` rules refuse an event happening at `at` (the latest moment on
 * record). Sorted.
 */
export function allowedBy<C, E extends { type: string }>(
  book: RuleBook<C, E>,
  ctx: C,
  accepted: readonly string[],
  at: string,
  systemOnly: readonly string[],
): string[] {
  return accepted
    .filter((t) => !systemOnly.includes(t))
    .filter((t) => (book[t as E['type']]?.when?.(ctx, at) ?? null) === null)
    .sort();
}

export const isBlank = (s: string | null | undefined): boolean => s === undefined || s === null || s.trim() === '';

// ---------------------------------------------------------------------------------------------
// Time. Durations are arithmetic on epoch milliseconds, so 24 h is always 86,400 s (R7).
// ---------------------------------------------------------------------------------------------

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

export const plusMs = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();

export const addMinutes = (iso: string, minutes: number): string => plusMs(iso, minutes * MINUTE_MS);

export const minutesBetween = (fromIso: string, toIso: string): number =>
  (Date.parse(toIso) - Date.parse(fromIso)) / MINUTE_MS;

/** The later of two ISO-8601 UTC instants (they compare lexically). */
export const laterInstant = (a: string, b: string): string => (a > b ? a : b);

/**
 * R7 (time order), the one rule every machine applies: `at` must not be before `earliest`. When
 * another rule owns a particular interval, `rule` names it instead.
 */
export function notBefore(at: string, earliest: string | null, label: string, rule = 'R7'): Violation | null {
  if (earliest && at < earliest)
    return v(
      rule,
      'TIME_BEFORE_START',
      `${at} is before ${label} (${earliest}); an interval cannot end before it starts`,
    );
  return null;
}

/** R7: two times out of order; `code` and the message say which. */
export const timeOrderViolation = (code: string, message: string): Violation => v('R7', code, message);

/** R7: something ends before it starts, or happens before what it follows (the message says what). */
export const timeBeforeStart = (message: string): Violation => timeOrderViolation('TIME_BEFORE_START', message);

/** R7: a time later than the server clock allows (the message says which). */
export const timeInFuture = (message: string): Violation => timeOrderViolation('TIME_IN_FUTURE', message);

/** R7: every event must happen at/after the incident began and not in the future beyond a small skew. */
export function checkEventTime(
  e: EventMeta,
  earliest: string,
  earliestLabel: string,
  futureToleranceSeconds: number,
  field = 'occurredAt',
): Violation | null {
  if (e.occurredAt < earliest) {
    return timeBeforeStart(
      `${field} ${e.occurredAt} is before ${earliestLabel} (${earliest}); an interval cannot end before it starts`,
    );
  }
  if (e.occurredAt > latestAllowed(e.recordedAt, futureToleranceSeconds)) {
    return timeInFuture(
      `${field} ${e.occurredAt} is in the future (server time ${e.recordedAt}, tolerance ${futureToleranceSeconds}s)`,
    );
  }
  return null;
}

/** The latest world-time an event recorded at `recordedAt` may claim (a device clock may run a little fast). */
export const latestAllowed = (recordedAt: string, futureToleranceSeconds: number): string =>
  plusMs(recordedAt, futureToleranceSeconds * 1000);

// ---------------------------------------------------------------------------------------------
// What an incident and its referrals both read: the answers a partner gives, and REFERRAL_MADE.
// ---------------------------------------------------------------------------------------------

export const REFERRAL_ANSWERS = ['accepted', 'declined', 'noResponse'] as const;
export type ReferralAnswer = (typeof REFERRAL_ANSWERS)[number];

export const DELIVERIES = ['email', 'message', 'conversation'] as const;
export type Delivery = (typeof DELIVERIES)[number];

export interface EscalationLevelPolicy {
  level: number;
  label: string;
  notify: string;
  responseMinutes: number | null;
}

export interface PartnerEscalationContact {
  level: number;
  role: string;
  phone: string | null;
  email: string | null;
}

/** The agency's routing facts and the force policy at the time the referral was made (stamped by the shell). */
export interface ReferralRoute {
  agencyLabel: string;
  agencyType: string;
  delivery: Delivery;
  /** Where the referral email goes; null when the agency has none. */
  email: string | null;
  freeTextAllowed: boolean;
  acknowledgeMinutes: number | null;
  answerMinutes: number | null;
  /** An email not handed to the mail server within this many minutes counts as no response. */
  deliveryMinutes: number | null;
  /** When the partner response link stops working. */
  linkExpiresAt: string | null;
  escalationLevels: EscalationLevelPolicy[];
  escalationContacts: PartnerEscalationContact[];
  /** Whether the agency lists the incident's district; null when either is unknown. */
  coversDistrict: boolean | null;
  /** Whether the agency's listed hours include the time of the referral; null when no hours are listed. */
  openAtReferral: boolean | null;
}

/** What is shared with the partner: the minimum necessary summary (no identifiers; narrative only if allowed). */
export interface SharedSummary {
  location: string | null;
  riskSummary: string | null;
  callbackRoute: string;
  narrative: string | null;
}

/**
 * A referral to a partner agency, as stored. The incident machine reads it (does the RCRP decision
 * allow a referral?) and the referral machine it creates reads all of it.
 */
export interface ReferralMade {
  type: 'REFERRAL_MADE';
  referralId: string;
  agency: string;
  contactMethod: string;
  namedContact: string;
  agencyReference: string | null;
  /** Absent in referrals recorded before routes existed (read as a phone referral with no clocks). */
  route?: ReferralRoute;
  shared?: SharedSummary;
}

// ---------------------------------------------------------------------------------------------
// The chart and XState.
// ---------------------------------------------------------------------------------------------

/** A transition taken when the machine's rules allow the event; it applies the event to the context. */
export const accept = <T extends string>(target?: T) => ({
  guard: 'rulesAllow' as const,
  actions: 'apply' as const,
  ...(target ? { target } : {}),
});

/** A snapshot's state as one string: the state name, or the JSON of a nested value. */
export const stateValue = (s: AnyMachineSnapshot): string =>
  typeof s.value === 'string' ? s.value : JSON.stringify(s.value);

const acceptedByState = new WeakMap<object, Map<string, readonly string[]>>();

/**
 * Event types the snapshot's state (and its ancestors) has a transition for, whatever their guards
 * would say: XState's public `getNextTransitions`, remembered per machine and state.
 */
export function acceptedEventTypes(s: AnyMachineSnapshot): readonly string[] {
  let byState = acceptedByState.get(s.machine);
  if (!byState) {
    byState = new Map();
    acceptedByState.set(s.machine, byState);
  }
  const key = stateValue(s);
  let types = byState.get(key);
  if (!types) {
    types = [...new Set(getNextTransitions(s).map((t) => t.eventType as string))].filter(
      (t) => t !== '' && !t.startsWith('xstate.'),
    );
    byState.set(key, types);
  }
  return types;
}

const inertScopes = new WeakMap<AnyStateMachine, AnyActorScope>();

/**
 * The next snapshot for `event`: what XState's public `transition(machine, snapshot, event)`
 * returns, without the throwaway actor that function builds on every call (about 20 of its 30 µs,
 * and replay runs it for every stored event). Sound because our machines only assign: no spawned or
 * invoked actors, no delays, no sent or emitted events, so one inert scope per machine serves every
 * call, and the actions `transition` would collect are not wanted. The scope is typed against
 * XState's `ActorScope` (tsc fails if it grows a field), and test/machines/kit.test.ts fails if the
 * result ever differs from `transition`'s. This is the only place that builds an actor scope.
 */
export function step<M extends AnyStateMachine>(machine: M, s: SnapshotFrom<M>, e: EventFromLogic<M>): SnapshotFrom<M> {
  let scope = inertScopes.get(machine);
  if (!scope) {
    const self = createActor(machine);
    const noop = () => {};
    const inert: AnyActorScope = {
      self,
      id: '',
      sessionId: '',
      system: self.system,
      defer: noop,
      logger: noop,
      stopChild: noop,
      emit: noop,
      actionExecutor: noop,
    };
    scope = inert;
    inertScopes.set(machine, scope);
  }
  return machine.transition(s, e, scope) as SnapshotFrom<M>;
}
