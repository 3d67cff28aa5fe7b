/**
 * One incident = one event stream = the incident machine plus child machines (referrals, and later
 * detentions), each child keyed by its own id inside the incident. Pure: given the same events it
 * always yields the same state, which is what replay and rebuild rely on.
 *
 * Routing of a stored event:
 *  - R7 first, for every event: not before the call was received, not in the future.
 *  - An event type owned by a child kind goes to that child (created by its `createdBy` event); a
 *    kind may `route` one stored event to several children (a dispatch of three resources creates
 *    three resource assignments; a historic import creates its assignments already cleared).
 *    If the incident machine also handles that type (REFERRAL_MADE: the RCRP decision must allow
 *    it), the incident must accept it first. Either refusing refuses the whole command.
 *  - DEADLINE_REACHED goes to whoever owns the deadline key (`<kind>:<id>:<key>` for a child).
 *  - INCIDENT_CLOSED is refused while any child says it blocks closure (e.g. a detention running).
 *  - When a child's status changes, the incident is told with a derived CHILD_STATUS_CHANGED
 *    (never stored; recomputed on replay), so consequences such as "a declined referral requires
 *    a re-THRIVE" live in the incident machine whatever made the child change.
 */
import type { AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import {
  DETENTION_CREATED_BY,
  DETENTION_EVENT_TYPES,
  detentionAllowedEvents,
  detentionBlocksClosure,
  detentionDeadlines,
  detentionMachine,
  detentionRuleViolation,
  detentionStateRefusal,
  S136_MACHINE_VERSION,
  type DetentionContext,
  type DetentionEvent,
  type DetentionSnapshot,
} from '../../machines/detention/index.js';
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
} from '../../machines/incident/index.js';
import {
  acceptedEventTypes,
  checkEventTime,
  stateValue,
  step,
  type DeadlineSpec,
  type Flag,
  type Violation,
} from '../../machines/kit.js';
import {
  referralAllowedEvents,
  referralBlocksClosure,
  referralDeadlines,
  referralMachine,
  referralRuleViolation,
  referralStatus,
  REFERRAL_MACHINE_VERSION,
  REFERRAL_SYSTEM_EVENT_TYPES,
  type ReferralContext,
  type ReferralEvent,
  type ReferralSnapshot,
} from '../../machines/referral/index.js';
import {
  defaultAssignmentId,
  resourceAllowedEvents,
  resourceDeadlines,
  resourceMachine,
  resourceRuleViolation,
  RESOURCE_MACHINE_VERSION,
  type ResourceContext,
  type ResourceEvent,
  type ResourceSnapshot,
} from '../../machines/resource/index.js';
import { getOrInsert } from '../lib/maps.js';

export type AggregateEvent =
  | IncidentEvent
  | ReferralEvent
  | DetentionEvent
  | Extract<ResourceEvent, { type: 'RESOURCE_ARRIVED' | 'RESOURCE_CLEARED' }>;

/** A kind of child machine living inside an incident. */
export interface ChildKind {
  machine: AnyStateMachine;
  version: string;
  label: string;
  /** Stored event types routed to this kind (besides DEADLINE_REACHED for its own deadlines). */
  eventTypes: readonly string[];
  /** Of those, the ones only the system raises: never listed in allowedEvents. */
  systemEventTypes?: readonly string[];
  /** The event types (as this kind's machine sees them) that create a child. */
  createdBy: readonly string[];
  idOf(e: AggregateEvent): string;
  /**
   * For a stored event that concerns several children at once (one dispatch of three resources),
   * the child ids and the event each of them sees. Without it: `eventTypes` and `idOf`.
   */
  route?(e: AggregateEvent): Array<{ id: string; event: unknown }> | null;
  /** The rule a refused event broke (the machine's own rules), given the child's state. */
  violation(s: AnyMachineSnapshot, e: AggregateEvent): Violation | null;
  /** Why the current state, which has no transition for `e`, refuses it, when a rule explains it. */
  refusal?(s: AnyMachineSnapshot, e: AggregateEvent): Violation | null;
  /** Event types a user could send to this child now (derived from its rules). */
  allowed(s: AnyMachineSnapshot): string[];
  /** Reported to the incident (CHILD_STATUS_CHANGED) whenever it changes. */
  status(s: AnyMachineSnapshot): string;
  /** Clocks this child needs watched; keys unique within the child. */
  deadlines(s: AnyMachineSnapshot): Array<DeadlineSpec & { fired: boolean }>;
  /** Why the incident may not close while this child is in its current state. */
  blocksClosure?(s: AnyMachineSnapshot, id: string): Violation | null;
  /** Whether a user may create one now (when the incident machine does not already decide); enforced. */
  creatable?(incident: IncidentSnapshot): boolean;
  /** Why not, when `creatable` says no. */
  whyNotCreatable?(incident: IncidentSnapshot): Violation;
}

/** Initial snapshots are immutable: one per machine, shared (resolveState costs ~20 µs). */
const initialChildren = new Map<string, AnyMachineSnapshot>();
function initialChild(kind: ChildKindName): AnyMachineSnapshot {
  return getOrInsert(initialChildren, kind, () => {
    const m = CHILD_KINDS[kind].machine as AnyStateMachine;
    return m.resolveState({ value: m.config.initial as string, context: {} });
  });
}

/** A child's clocks with whether each has fired (for kinds that keep `firedDeadlines` in their context). */
const withFired = (specs: DeadlineSpec[], fired: readonly string[]) =>
  specs.map((d) => ({ ...d, fired: fired.includes(d.key) }));

const CHILD_KINDS = {
  referral: {
    machine: referralMachine,
    version: REFERRAL_MACHINE_VERSION,
    label: 'referral',
    eventTypes: [
      'REFERRAL_MADE',
      'REFERRAL_SENT',
      'REFERRAL_ACKNOWLEDGED',
      'REFERRAL_ANSWERED',
      'REFERRAL_ESCALATED',
      'REFERRAL_RESOLVED',
      'REFERRAL_CALLER_INFORMED',
      'REFERRAL_WITHDRAWN',
    ],
    systemEventTypes: REFERRAL_SYSTEM_EVENT_TYPES,
    createdBy: ['REFERRAL_MADE', 'REFERRAL_IMPORTED'],
    idOf: (e) => (e as { referralId: string }).referralId,
    route(e) {
      if (e.type !== 'INCIDENT_IMPORTED') return null;
      const meta = { seq: e.seq, occurredAt: e.occurredAt, recordedAt: e.recordedAt, actor: e.actor };
      return (e.referrals ?? []).map((r) => ({
        id: r.referralId,
        event: { ...r, ...meta, type: 'REFERRAL_IMPORTED' },
      }));
    },
    violation: (s, e) => referralRuleViolation(s.context as ReferralContext, e as ReferralEvent, stateValue(s)),
    allowed: (s) => referralAllowedEvents(s as ReferralSnapshot),
    // The incident hears the acceptance status (pending, accepted, declined, noResponse …), not the detailed state.
    status: (s) => referralStatus(s.context as ReferralContext),
    deadlines: (s) => referralDeadlines(stateValue(s), s.context as ReferralContext),
    blocksClosure: (s, id) => referralBlocksClosure(stateValue(s), s.context as ReferralContext, id),
  },
  /** The time ledger: one child per resource assignment. */
  resource: {
    machine: resourceMachine,
    version: RESOURCE_MACHINE_VERSION,
    label: 'resource assignment',
    eventTypes: ['RESOURCE_ARRIVED', 'RESOURCE_CLEARED'],
    createdBy: ['RESOURCE_DISPATCHED', 'RESOURCE_IMPORTED'],
    idOf: (e) => (e as { assignmentId: string }).assignmentId,
    route(e) {
      const meta = { seq: e.seq, occurredAt: e.occurredAt, recordedAt: e.recordedAt, actor: e.actor };
      if (e.type === 'POLICE_DISPATCHED') {
        return e.resources.map((r, i) => {
          const assignmentId = r.assignmentId ?? defaultAssignmentId(e.seq, i);
          return {
            id: assignmentId,
            event: {
              ...meta,
              type: 'RESOURCE_DISPATCHED',
              assignmentId,
              callSign: r.callSign,
              officers: r.officers,
              resourceType: r.type,
            },
          };
        });
      }
      if (e.type === 'INCIDENT_IMPORTED') {
        return e.resources.map((r) => ({ id: r.assignmentId, event: { ...r, ...meta, type: 'RESOURCE_IMPORTED' } }));
      }
      return null;
    },
    violation: (s, e) => resourceRuleViolation(s.context as ResourceContext, e as ResourceEvent),
    allowed: (s) => resourceAllowedEvents(s as ResourceSnapshot),
    status: stateValue,
    deadlines: (s) => withFired(resourceDeadlines(s.context as ResourceContext), []),
  },
  detention: {
    machine: detentionMachine,
    version: S136_MACHINE_VERSION,
    label: 'detention',
    eventTypes: DETENTION_EVENT_TYPES,
    createdBy: DETENTION_CREATED_BY,
    idOf: (e) => (e as { detentionId: string }).detentionId,
    violation: (s, e) => detentionRuleViolation(s.context as DetentionContext, e as DetentionEvent),
    refusal: (s, e) => detentionStateRefusal(stateValue(s), s.context as DetentionContext, e as DetentionEvent),
    status: stateValue,
    allowed: (s) => detentionAllowedEvents(s as DetentionSnapshot),
    deadlines(s) {
      const c = s.context as DetentionContext;
      return withFired(detentionDeadlines(c), c.firedDeadlines);
    },
    blocksClosure: (s, id) => detentionBlocksClosure(stateValue(s), id),
    // Officers consider s.136 (or execute a warrant) when police are on the incident.
    creatable: (incident) => incidentStateName(incident) !== 'closed' && incident.context.firstDispatchedAt !== null,
    whyNotCreatable: (incident) =>
      incidentStateName(incident) === 'closed'
        ? { rule: null, code: 'INCIDENT_CLOSED', message: 'the incident is closed' }
        : {
            rule: null,
            code: 'POLICE_NOT_DEPLOYED',
            message:
              'a s.136 or s.135 detention is recorded by officers on the incident: record POLICE_DISPATCHED first',
          },
  },
} satisfies Record<string, ChildKind>;

export type ChildKindName = keyof typeof CHILD_KINDS;
export const CHILD_KIND_NAMES = Object.keys(CHILD_KINDS) as ChildKindName[];
const kindOf = (k: ChildKindName): ChildKind => CHILD_KINDS[k];

export interface AggregateState {
  /** The seq of the last event applied: the event log's order (every event, the system's own included). */
  version: number;
  /**
   * The version people see (the API's `version`, the ETag, what If-Match is compared with): how many
   * events a person or a partner made. The system's own bookkeeping (a deadline reached, an email
   * sent) does not advance it, so it never makes a person's form stale (docs/api.md, concurrency).
   */
  personVersion: number;
  /** recordedAt of the last event applied. */
  updatedAt: string;
  incident: IncidentSnapshot;
  children: Record<ChildKindName, Record<string, AnyMachineSnapshot>>;
}

export const MACHINE_VERSIONS = [INCIDENT_MACHINE_VERSION, ...Object.values(CHILD_KINDS).map((k) => k.version)].join(
  ',',
);

export type ApplyResult = { ok: true; state: AggregateState } | { ok: false; violation: Violation };

const emptyChildren = (): AggregateState['children'] =>
  Object.fromEntries(CHILD_KIND_NAMES.map((k) => [k, {}])) as AggregateState['children'];

let unopened: IncidentSnapshot | null = null;
export function emptyAggregate(): AggregateState {
  unopened ??= incidentMachine.resolveState({ value: 'unopened', context: {} as IncidentContext });
  return { version: 0, personVersion: 0, updatedAt: '', incident: unopened, children: emptyChildren() };
}

type Target = { kind: ChildKindName; id: string; event: AggregateEvent };

/** The children a stored event concerns, and the event each sees (none: it is the incident's alone). */
function childTargets(e: AggregateEvent): Target[] {
  const out: Target[] = [];
  for (const kind of CHILD_KIND_NAMES) {
    const k = kindOf(kind);
    const routed = k.route?.(e);
    if (routed) for (const r of routed) out.push({ kind, id: r.id, event: r.event as AggregateEvent });
    else if ((k.eventTypes as readonly string[]).includes(e.type)) out.push({ kind, id: k.idOf(e), event: e });
  }
  return out;
}

const incidentEventTypes = new Set(incidentMachine.root.events as string[]);

type Step<S> = { ok: true; next: S } | { ok: false; violation: Violation };

function stepIncident(s: IncidentSnapshot, e: IncidentEvent): Step<IncidentSnapshot> {
  if (!incidentAccepts(s, e.type)) {
    const state = incidentStateName(s);
    return {
      ok: false,
      violation: {
        rule: null,
        code: state === 'closed' ? 'INCIDENT_CLOSED' : 'EVENT_NOT_ALLOWED',
        message:
          state === 'closed' ? 'the incident is closed' : `${e.type} is not allowed while the incident is '${state}'`,
      },
    };
  }
  const violation = incidentRuleViolation(s.context, e);
  if (violation) return { ok: false, violation };
  return { ok: true, next: step(incidentMachine, s, e) };
}

function stepChild(
  kind: ChildKindName,
  id: string,
  s: AnyMachineSnapshot | undefined,
  e: AggregateEvent,
): Step<AnyMachineSnapshot> {
  const k = kindOf(kind);
  if (!s) {
    if (!k.createdBy.includes(e.type))
      return {
        ok: false,
        violation: { rule: null, code: 'UNKNOWN_CHILD', message: `there is no ${k.label} ${id} on this incident` },
      };
    s = initialChild(kind);
  } else if (k.createdBy.includes(e.type)) {
    return {
      ok: false,
      violation: { rule: null, code: 'DUPLICATE_ID', message: `${k.label} ${id} already exists on this incident` },
    };
  }
  const notAllowed = () => ({
    ok: false as const,
    violation: {
      rule: null,
      code: 'EVENT_NOT_ALLOWED',
      message: `${e.type} is not allowed while ${k.label} ${id} is '${stateValue(s)}'`,
    },
  });
  // The state's own refusal (a rule that explains why it has no transition), then the rule checks
  // (they name the rule), then the transition; one that leaves the snapshot unchanged was not taken
  // (no branch's guard held), so the event is not allowed now.
  if (!acceptedEventTypes(s).includes(e.type)) {
    const refusal = k.refusal?.(s, e);
    return refusal ? { ok: false, violation: refusal } : notAllowed();
  }
  const violation = k.violation(s, e);
  if (violation) return { ok: false, violation };
  const next = step(k.machine, s, e);
  return next === s ? notAllowed() : { ok: true, next };
}

/** R7 for every stored event: after the call was received, not in the future beyond the skew. */
function eventTimeViolation(state: AggregateState, e: AggregateEvent): Violation | null {
  if (e.type === 'INCIDENT_CREATED')
    return checkEventTime(e, '0000', 'the epoch', e.policy.futureToleranceSeconds, 'receivedAt');
  const ctx = state.incident.context;
  if (!ctx.incidentId) return null; // nothing to compare with: the incident refuses anything but creation
  return checkEventTime(e, ctx.receivedAt, 'the call was received', ctx.policy.futureToleranceSeconds);
}

/** Who owns a deadline key: the incident, or a child (`<kind>:<id>:<key>`). */
function deadlineOwner(state: AggregateState, key: string): { kind: ChildKindName; id: string; key: string } | null {
  for (const kind of CHILD_KIND_NAMES) {
    for (const id of Object.keys(state.children[kind])) {
      const prefix = `${kind}:${id}:`;
      if (key.startsWith(prefix)) return { kind, id, key: key.slice(prefix.length) };
    }
  }
  return null;
}

/** The first child that forbids closing the incident now, and why. */
function closureVeto(state: AggregateState): Violation | null {
  for (const kind of CHILD_KIND_NAMES) {
    for (const [id, child] of Object.entries(state.children[kind])) {
      const veto = kindOf(kind).blocksClosure?.(child, id);
      if (veto) return veto;
    }
  }
  return null;
}

/** Apply one event to the aggregate; on refusal nothing changes and the violation says why. */
export function applyToAggregate(state: AggregateState, e: AggregateEvent): ApplyResult {
  if (e.seq !== state.version + 1) {
    return {
      ok: false,
      violation: {
        rule: null,
        code: 'SEQUENCE_GAP',
        message: `event seq ${e.seq} does not follow version ${state.version}`,
      },
    };
  }
  const late = eventTimeViolation(state, e);
  if (late) return { ok: false, violation: late };
  let incident = state.incident;
  let children = state.children;

  // Which children (if any) this event is for, and the event as each child sees it.
  let targets: Target[];
  if (e.type === 'DEADLINE_REACHED') {
    const owner = deadlineOwner(state, e.deadlineKey);
    targets = owner ? [{ kind: owner.kind, id: owner.id, event: { ...e, deadlineKey: owner.key } }] : [];
  } else {
    targets = childTargets(e);
  }

  if (targets.length === 0) {
    if (e.type === 'INCIDENT_CLOSED' && incidentStateName(incident) !== 'closed') {
      const veto = closureVeto(state);
      if (veto) return { ok: false, violation: veto };
    }
    const r = stepIncident(incident, e as IncidentEvent);
    if (!r.ok) return r;
    return { ok: true, state: { ...advanced(state, e), incident: r.next, children } };
  }

  if (incidentStateName(incident) === 'closed')
    return { ok: false, violation: { rule: null, code: 'INCIDENT_CLOSED', message: 'the incident is closed' } };
  if (incidentEventTypes.has(e.type) && e.type !== 'DEADLINE_REACHED') {
    const r = stepIncident(incident, e as IncidentEvent);
    if (!r.ok) return r;
    incident = r.next;
  }
  for (const target of targets) {
    const k = kindOf(target.kind);
    const before = children[target.kind][target.id];
    if (
      !before &&
      k.createdBy.includes(target.event.type) &&
      !incidentEventTypes.has(e.type) &&
      k.creatable &&
      !k.creatable(incident)
    ) {
      return {
        ok: false,
        violation: k.whyNotCreatable?.(incident) ?? {
          rule: null,
          code: 'EVENT_NOT_ALLOWED',
          message: `a ${k.label} cannot be started now`,
        },
      };
    }
    const r = stepChild(target.kind, target.id, before, target.event);
    if (!r.ok) return r;
    children = { ...children, [target.kind]: { ...children[target.kind], [target.id]: r.next } };
    const status = k.status(r.next);
    // A closed incident (a historic import arrives closed, children and all) has nothing left to hear.
    if ((!before || k.status(before) !== status) && incident.status !== 'done') {
      const notice = {
        type: 'CHILD_STATUS_CHANGED',
        kind: target.kind,
        childId: target.id,
        status,
        cause: e.type,
        seq: e.seq,
        occurredAt: e.occurredAt,
        recordedAt: e.recordedAt,
        actor: e.actor,
      } as const;
      const n = stepIncident(incident, notice);
      if (!n.ok) return n;
      incident = n.next;
    }
  }
  return { ok: true, state: { ...advanced(state, e), incident, children } };
}

/**
 * Whether `e` moves the version people see: a person's or a partner's event, or the one that created
 * the incident (version 1, whoever recorded it — the importer records history as the system). The
 * system's own bookkeeping after that (deadlines reached, emails sent) does not.
 */
export const advancesVersion = (e: { seq: number; actor: { role: string } }): boolean =>
  e.seq === 1 || e.actor.role !== 'system';

/** The versions and time after `e`: the log always moves on; the version people see only for their events. */
function advanced(state: AggregateState, e: AggregateEvent) {
  return {
    version: e.seq,
    personVersion: state.personVersion + (advancesVersion(e) ? 1 : 0),
    updatedAt: e.recordedAt,
  };
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

/** Event types a user could send now: the incident's, plus what each child (or a new child) accepts. */
export function allowedEvents(state: AggregateState): string[] {
  const allowed = new Set<string>(incidentAllowedEvents(state.incident));
  if (incidentStateName(state.incident) !== 'closed') {
    for (const kind of CHILD_KIND_NAMES) {
      const k = kindOf(kind);
      if (k.creatable?.(state.incident)) for (const t of k.createdBy) allowed.add(t);
      for (const child of Object.values(state.children[kind])) {
        for (const t of k.allowed(child))
          if (k.eventTypes.includes(t) && !k.createdBy.includes(t) && !k.systemEventTypes?.includes(t)) allowed.add(t);
      }
    }
    // A child's veto on closure (a running detention, an escalation with no outcome) is part of what is allowed now.
    if (allowed.has('INCIDENT_CLOSED') && closureVeto(state)) allowed.delete('INCIDENT_CLOSED');
  }
  return [...allowed].sort();
}

export function stateName(state: AggregateState): string {
  return incidentStateName(state.incident);
}

export const childStateName = stateValue;

/** Every clock this incident currently needs watched, with whether it has already fired. */
export function aggregateDeadlines(state: AggregateState): Array<DeadlineSpec & { fired: boolean }> {
  const ctx = state.incident.context;
  // A closed incident watches no clocks (its children's included): nothing could act on them.
  if (!ctx.incidentId || ctx.closedAt) return [];
  const own = incidentDeadlines(ctx).map((d) => ({ ...d, fired: ctx.firedDeadlines.includes(d.key) }));
  const fromChildren = CHILD_KIND_NAMES.flatMap((kind) =>
    Object.entries(state.children[kind]).flatMap(([id, child]) =>
      kindOf(kind)
        .deadlines(child)
        .map((d) => ({ ...d, key: `${kind}:${id}:${d.key}` })),
    ),
  );
  return [...own, ...fromChildren];
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

/**
 * JSON with object keys sorted (so equal states serialise to equal bytes). Same output as
 * JSON.stringify with a key-sorting replacer, about three times faster (no intermediate objects).
 */
export function canonicalJson(value: unknown): string {
  return stringify(value) ?? 'null';
}

function stringify(v: unknown): string | undefined {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
    case 'number':
    case 'boolean':
      return JSON.stringify(v);
    case 'object': {
      if (typeof (v as { toJSON?: unknown }).toJSON === 'function')
        return stringify((v as { toJSON(): unknown }).toJSON());
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) out += (i ? ',' : '') + (stringify(v[i]) ?? 'null');
        return `${out}]`;
      }
      const keys = Object.keys(v as object).sort();
      let out = '{';
      let first = true;
      for (const k of keys) {
        const s = stringify((v as Record<string, unknown>)[k]);
        if (s === undefined) continue;
        out += `${(first ? '' : ',') + JSON.stringify(k)}:${s}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      return undefined; // undefined, functions, symbols: left out, as JSON.stringify does
  }
}

export function serializeAggregate(state: AggregateState): string {
  const children = Object.fromEntries(
    CHILD_KIND_NAMES.map((k) => [
      k,
      Object.fromEntries(
        Object.entries(state.children[k]).map(([id, s]) => [id, { value: s.value, context: s.context }]),
      ),
    ]),
  );
  return canonicalJson({
    version: state.version,
    personVersion: state.personVersion,
    updatedAt: state.updatedAt,
    incident: { value: state.incident.value, context: state.incident.context },
    children,
  });
}

export function restoreAggregate(json: string): AggregateState {
  const raw = JSON.parse(json) as {
    version: number;
    personVersion: number;
    updatedAt: string;
    incident: { value: IncidentSnapshot['value']; context: IncidentContext };
    children: Record<string, Record<string, { value: string; context: unknown }>>;
  };
  const children = emptyChildren();
  for (const k of CHILD_KIND_NAMES) {
    const machine: AnyStateMachine = CHILD_KINDS[k].machine;
    for (const [id, s] of Object.entries(raw.children[k] ?? {})) children[k][id] = machine.resolveState(s);
  }
  return {
    version: raw.version,
    personVersion: raw.personVersion,
    updatedAt: raw.updatedAt,
    incident: incidentMachine.resolveState(raw.incident),
    children,
  };
}
