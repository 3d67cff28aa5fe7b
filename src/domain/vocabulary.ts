/**
 * The API's vocabulary, taken from the machines: the states, event types, statuses and severities
 * they define, as zod enums (the OpenAPI document lists every value), and the shapes of the
 * instants and dates the API returns (`format: date-time`, `format: date`). The read side imports
 * the machines' lists from here only, so a new state or event appears in the contract by itself.
 */
import { z } from '@hono/zod-openapi';
import { incidentMachine, SYSTEM_EVENT_TYPES } from '../../machines/incident/index.js';
import { REFERRAL_SYSTEM_EVENT_TYPES, referralMachine, type ReferralStatus } from '../../machines/referral/index.js';
import { resourceMachine } from '../../machines/resource/index.js';
import { POWERS, s136Machine } from '../../machines/detention/index.js';
import { ROLES, type ActorRole, type Flag } from '../../machines/kit.js';

type Values = [string, ...string[]];
interface ChartNode {
  key: string;
  states: Record<string, ChartNode>;
}
interface Chart {
  config: { initial?: unknown };
  root: ChartNode & { events: readonly string[] };
}

/** The leaf state names a person reads, without the chart's initial "not yet created" state. */
function statesOf(machine: Chart): Values {
  const leaves = (n: ChartNode): string[] =>
    Object.values(n.states).flatMap((s) => (Object.keys(s.states).length > 0 ? leaves(s) : [s.key]));
  return leaves(machine.root).filter((s) => s !== machine.config.initial) as Values;
}

/** Every key of a record whose keys are a union type: the list is complete by construction. */
const keysOf = <K extends string>(r: Record<K, true>) => Object.keys(r) as [K, ...K[]];

const charts: Chart[] = [incidentMachine, referralMachine, s136Machine, resourceMachine];
const system = new Set<string>([...SYSTEM_EVENT_TYPES, ...REFERRAL_SYSTEM_EVENT_TYPES]);

export const INCIDENT_STATES = statesOf(incidentMachine);
export const REFERRAL_STATES = statesOf(referralMachine);
export const DETENTION_STATES = statesOf(s136Machine);
export const RESOURCE_STATES = statesOf(resourceMachine);
/** Every event type a machine handles (the timeline shows the stored ones). */
export const EVENT_TYPES = [...new Set(charts.flatMap((m) => m.root.events))].sort() as Values;
/** The event types a person may send (allowedEvents lists them): the machines' own system events left out. */
export const COMMAND_EVENT_TYPES = EVENT_TYPES.filter((t) => !system.has(t)) as Values;
export const REFERRAL_STATUSES = keysOf<ReferralStatus>({
  pending: true,
  accepted: true,
  declined: true,
  noResponse: true,
  resolved: true,
  withdrawn: true,
});
/** Who records events: a user's role, the system (clocks, mail) or a partner agency (response link). */
export const ACTOR_ROLES = [...ROLES, 'system', 'partner'] as const satisfies readonly ActorRole[];
export const SEVERITIES = keysOf<Flag['severity']>({ info: true, warning: true, critical: true });
/** A detention as lists and reports count it (src/domain/projection.ts detentionStatus). */
export const DETENTION_STATUSES = ['considering', 'notDetained', 'running', 'lapsed', 'ended', 'closed'] as const;
export type DetentionStatus = (typeof DETENTION_STATUSES)[number];
export { POWERS };

export const incidentState = z.enum(INCIDENT_STATES);
export const referralState = z.enum(REFERRAL_STATES);
export const detentionState = z.enum(DETENTION_STATES);
export const eventType = z.enum(EVENT_TYPES);
export const commandEventType = z.enum(COMMAND_EVENT_TYPES);
export const referralStatus = z.enum(REFERRAL_STATUSES);
export const severity = z.enum(SEVERITIES);
export const detentionStatus = z.enum(DETENTION_STATUSES);
export const power = z.enum(POWERS);
/** Stored as text with each event: shown as recorded. */
export const actorRole = z.enum(ACTOR_ROLES as readonly string[] as Values);

/** An instant the API returns: ISO-8601 in UTC, as stored. */
export const instantOut = z.iso.datetime().openapi({ example: '2026-11-23T21:10:00.000Z' });
/** A calendar date the API returns (YYYY-MM-DD). */
export const dateOut = z.iso.date().openapi({ example: '2026-11-23' });
