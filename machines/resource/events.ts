/**
 * The vocabulary of one police resource's assignment to an incident (the time ledger): activities,
 * the assignment, its events and its context. Officer-hours are never typed: they are derived from
 * these times (cleared − dispatched, and each segment's length) × the number of officers.
 */
import type { EventMeta, EventOf, Flag } from '../kit.js';

export const RESOURCE_MACHINE_VERSION = 'resource@1';

/** What officers were doing; every second of an assignment is in exactly one. */
export const ACTIVITIES = ['travel', 'scene', 'conveyance', 'waitingED', 'waitingHBPoS', 'custody', 'other'] as const;
export type Activity = (typeof ACTIVITIES)[number];

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
export type ResourceEventType = ResourceEvent['type'];
export type ResourceEventOf<T extends ResourceEventType> = EventOf<ResourceEvent, T>;

/** Events only the system raises (an assignment is created by the incident's dispatch or import). */
export const RESOURCE_SYSTEM_EVENT_TYPES: readonly ResourceEventType[] = ['RESOURCE_DISPATCHED', 'RESOURCE_IMPORTED'];

export interface ResourceContext extends ResourceSpec {
  dispatchedAt: string;
  arrivedAt: string | null;
  clearedAt: string | null;
  segments: Segment[];
  imported: boolean;
  flags: Flag[];
}

export type ResourceStatus = 'unassigned' | 'dispatched' | 'arrived' | 'cleared';
