/**
 * One incident = one event stream = the incident machine plus child machines (referrals, and later
 * detentions), each child keyed by its own id inside the incident. Pure: given the same events it
 * always yields the same state, which is what replay and rebuild rely on.
 *
 * Routing: an event type owned by a child kind goes to that child (created by its `createdBy`
 * event); if the incident machine also handles that type, the incident must accept it too.
 * Either refusing refuses the whole command.
 */
import { createActor, type AnyActorScope, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import {
  incidentAccepts,
  incidentAllowedEvents,
  incidentDeadlines,
  incidentMachine,
  incidentRuleViolation,
  incidentStateName,
  INCIDENT_MACHINE_VERSION,
  type IncidentContext,
  type IncidentEvent,
  type IncidentSnapshot,
} from '../../machines/incident.machine.js';
import { referralMachine, referralRuleViolation, REFERRAL_MACHINE_VERSION } from '../../machines/referral.machine.js';
import type { DeadlineSpec, Flag, Violation } from '../../machines/types.js';

/** A kind of child machine living inside an incident. */
interface ChildKind {
  machine: AnyStateMachine;
  version: string;
  eventTypes: readonly string[];
  createdBy: string;
  label: string;
  idOf(e: AggregateEvent): string;
  violation(ctx: unknown, e: AggregateEvent): Violation | null;
  deadlines?(s: AnyMachineSnapshot): DeadlineSpec[];
}

const CHILD_KINDS = {
  referral: {
    machine: referralMachine,
    version: REFERRAL_MACHINE_VERSION,
    eventTypes: ['REFERRAL_MADE', 'REFERRAL_ANSWERED'],
    createdBy: 'REFERRAL_MADE',
    label: 'referral',
    idOf: (e) => (e as { referralId: string }).referralId,
    violation: (ctx, e) => referralRuleViolation(ctx as never, e as never),
  },
} satisfies Record<string, ChildKind>;

export type ChildKindName = keyof typeof CHILD_KINDS;
export const CHILD_KIND_NAMES = Object.keys(CHILD_KINDS) as ChildKindName[];

export type AggregateEvent = IncidentEvent;

export interface AggregateState {
  version: number;
  /** recordedAt of the last event applied. */
  updatedAt: string;
  incident: IncidentSnapshot;
  children: Record<ChildKindName, Record<string, AnyMachineSnapshot>>;
}

export const MACHINE_VERSIONS = [INCIDENT_MACHINE_VERSION, ...Object.values(CHILD_KINDS).map((k) => k.version)].join(',');

export type ApplyResult =
  | { ok: true; state: AggregateState }
  | { ok: false; violation: Violation };

const emptyChildren = (): AggregateState['children'] =>
  Object.fromEntries(CHILD_KIND_NAMES.map((k) => [k, {}])) as AggregateState['children'];

export function emptyAggregate(): AggregateState {
  return { version: 0, updatedAt: '', incident: incidentMachine.resolveState({ value: 'unopened', context: {} as IncidentContext }), children: emptyChildren() };
}

/**
 * The next snapshot, without running anything: what xstate's `transition(machine, snapshot, event)`
 * returns, minus its cost. That function builds a throwaway actor for every call (which also works
 * out the machine's initial snapshot), about 20 µs per command. Our machines only assign (no
 * spawned or invoked actors, no delayed or sent events), so one inert scope per machine serves
 * every call; actions that would need executing go to a no-op, as `transition` collects and drops
 * them for us anyway.
 */
const inertScopes = new WeakMap<AnyStateMachine, AnyActorScope>();
function pureTransition(machine: AnyStateMachine, s: AnyMachineSnapshot, e: AggregateEvent): AnyMachineSnapshot {
  let scope = inertScopes.get(machine);
  if (!scope) {
    const self = createActor(machine);
    const noop = () => {};
    scope = { self, id: '', sessionId: '', system: self.system, defer: noop, logger: noop, stopChild: noop, emit: noop, actionExecutor: noop } as AnyActorScope;
    inertScopes.set(machine, scope);
  }
  return machine.transition(s, e, scope);
}

function childKindOf(type: string): ChildKindName | null {
  for (const k of CHILD_KIND_NAMES) if ((CHILD_KINDS[k].eventTypes as readonly string[]).includes(type)) return k;
  return null;
}

const incidentEventTypes = new Set(incidentMachine.root.events as string[]);

function stepIncident(s: IncidentSnapshot, e: AggregateEvent): { ok: true; next: IncidentSnapshot } | { ok: false; violation: Violation } {
  if (!incidentAccepts(s, e.type)) {
    const state = incidentStateName(s);
    return {
      ok: false,
      violation: {
        rule: null,
        code: state === 'closed' ? 'INCIDENT_CLOSED' : 'EVENT_NOT_ALLOWED',
        message: state === 'closed' ? 'the incident is closed' : `${e.type} is not allowed while the incident is '${state}'`,
      },
    };
  }
  const violation = incidentRuleViolation(s.context, e);
  if (violation) return { ok: false, violation };
  const next = pureTransition(incidentMachine, s, e) as IncidentSnapshot;
  return { ok: true, next };
}

function stepChild(kind: ChildKindName, s: AnyMachineSnapshot | undefined, e: AggregateEvent): { ok: true; next: AnyMachineSnapshot } | { ok: false; violation: Violation } {
  const k: ChildKind = CHILD_KINDS[kind];
  const id = k.idOf(e);
  if (!s) {
    if (e.type !== k.createdBy) return { ok: false, violation: { rule: null, code: 'UNKNOWN_CHILD', message: `there is no ${k.label} ${id} on this incident` } };
    s = k.machine.resolveState({ value: k.machine.config.initial as string, context: {} });
  }
  if (!s.can(e)) {
    const accepts = s._nodes.some((n: { ownEvents: string[] }) => n.ownEvents.includes(e.type));
    const violation = accepts ? k.violation(s.context, e) : null;
    return {
      ok: false,
      violation: violation ?? { rule: null, code: 'EVENT_NOT_ALLOWED', message: `${e.type} is not allowed while ${k.label} ${id} is '${String(s.value)}'` },
    };
  }
  const next = pureTransition(k.machine, s, e);
  return { ok: true, next };
}

/** Apply one event to the aggregate; on refusal nothing changes and the violation says why. */
export function applyToAggregate(state: AggregateState, e: AggregateEvent): ApplyResult {
  if (e.seq !== state.version + 1) {
    return { ok: false, violation: { rule: null, code: 'SEQUENCE_GAP', message: `event seq ${e.seq} does not follow version ${state.version}` } };
  }
  let incident = state.incident;
  let children = state.children;

  if (e.type === 'DEADLINE_REACHED') {
    // Deadlines are owned by the incident in this version; children will route theirs here too.
    const r = stepIncident(incident, e);
    if (!r.ok) return r;
    incident = r.next;
  } else {
    const kind = childKindOf(e.type);
    if (kind && incidentStateName(incident) === 'closed') {
      return { ok: false, violation: { rule: null, code: 'INCIDENT_CLOSED', message: 'the incident is closed' } };
    }
    if (kind && incidentEventTypes.has(e.type)) {
      const r = stepIncident(incident, e);
      if (!r.ok) return r;
      incident = r.next;
    }
    if (kind) {
      const id = CHILD_KINDS[kind].idOf(e);
      const r = stepChild(kind, children[kind][id], e);
      if (!r.ok) return r;
      children = { ...children, [kind]: { ...children[kind], [id]: r.next } };
    } else {
      const r = stepIncident(incident, e);
      if (!r.ok) return r;
      incident = r.next;
    }
  }
  return { ok: true, state: { version: e.seq, updatedAt: e.recordedAt, incident, children } };
}

/** Replay a stored stream from nothing. Throws if the log holds an event the machines refuse. */
export function replay(events: AggregateEvent[]): AggregateState {
  let s = emptyAggregate();
  for (const e of events) {
    const r = applyToAggregate(s, e);
    if (!r.ok) throw new Error(`replay refused event #${e.seq} ${e.type}: ${r.violation.code}`);
    s = r.state;
  }
  return s;
}

export function allowedEvents(state: AggregateState): string[] {
  return incidentAllowedEvents(state.incident);
}

export function stateName(state: AggregateState): string {
  return incidentStateName(state.incident);
}

export function childStateName(s: AnyMachineSnapshot): string {
  return typeof s.value === 'string' ? s.value : JSON.stringify(s.value);
}

/** Every clock this incident currently needs watched, with whether it has already fired. */
export function aggregateDeadlines(state: AggregateState): Array<DeadlineSpec & { fired: boolean }> {
  const ctx = state.incident.context;
  if (!ctx.incidentId) return [];
  return incidentDeadlines(ctx).map((d) => ({ ...d, fired: ctx.firedDeadlines.includes(d.key) }));
}

/** Flags (alerts) raised anywhere in the incident, keyed uniquely within it. */
export function aggregateFlags(state: AggregateState): Flag[] {
  const own = state.incident.context.flags ?? [];
  const fromChildren = CHILD_KIND_NAMES.flatMap((k) =>
    Object.entries(state.children[k]).flatMap(([id, s]) =>
      ((s.context as { flags?: Flag[] }).flags ?? []).map((f) => ({ ...f, key: `${k}:${id}:${f.key}` })),
    ),
  );
  return [...own, ...fromChildren];
}

// ---------------------------------------------------------------------------------------------
// Persistence form: canonical JSON (sorted keys) so that a replay reproduces it byte for byte.
// ---------------------------------------------------------------------------------------------

export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
}

export function serializeAggregate(state: AggregateState): string {
  const children = Object.fromEntries(
    CHILD_KIND_NAMES.map((k) => [k, Object.fromEntries(Object.entries(state.children[k]).map(([id, s]) => [id, { value: s.value, context: s.context }]))]),
  );
  return canonicalJson({ version: state.version, updatedAt: state.updatedAt, incident: { value: state.incident.value, context: state.incident.context }, children });
}

export function restoreAggregate(json: string): AggregateState {
  const raw = JSON.parse(json) as {
    version: number;
    updatedAt: string;
    incident: { value: never; context: IncidentContext };
    children: Record<string, Record<string, { value: never; context: unknown }>>;
  };
  const children = emptyChildren();
  for (const k of CHILD_KIND_NAMES) {
    for (const [id, s] of Object.entries(raw.children[k] ?? {})) {
      children[k][id] = CHILD_KINDS[k].machine.resolveState({ value: s.value, context: s.context as never });
    }
  }
  return { version: raw.version, updatedAt: raw.updatedAt, incident: incidentMachine.resolveState(raw.incident), children };
}
