/**
 * The timeline of an incident, or of one detention on it: its stored events in order, with who
 * recorded each. One query for both, prepared once per database; pseudonymous person keys are
 * left out of what is shown (they exist to link records, not to be read).
 */
import type { Db } from '../../db/client.js';
import { getOrInsert } from '../lib/maps.js';

export interface TimelineEntry {
  seq: number;
  type: string;
  occurredAt: string;
  recordedAt: string;
  actor: { id: string; name: string; role: string };
  // biome-ignore lint/suspicious/noExplicitAny: the payload of one of many stored event types, read field by field
  data: Record<string, any>;
}

interface EventRow {
  seq: number;
  type: string;
  occurredAt: string;
  recordedAt: string;
  actorId: string;
  actorRole: string;
  actorName: string;
  payload: string;
}

const SELECT = `SELECT e.seq, e.type, e.occurred_at AS occurredAt, e.recorded_at AS recordedAt, e.actor_id AS actorId,
            e.actor_role AS actorRole, COALESCE(u.name, e.actor_id) AS actorName, e.payload
     FROM incident_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.incident_id = ?`;

/** A detention's events: those naming it, and the clocks (deadlines) keyed to it. */
const OF_DETENTION = ` AND (json_extract(e.payload, '$.detentionId') = ?
       OR (e.type = 'DEADLINE_REACHED' AND substr(json_extract(e.payload, '$.deadlineKey'), 1, ?) = ?))`;

const entry = (e: EventRow): TimelineEntry => ({
  seq: e.seq,
  type: e.type,
  occurredAt: e.occurredAt,
  recordedAt: e.recordedAt,
  actor: { id: e.actorId, name: e.actorName, role: e.actorRole },
  data: JSON.parse(e.payload, (k, v: unknown) => (k === 'personKeys' ? undefined : v)) as Record<string, unknown>,
});

function statements(db: Db) {
  return {
    incident: db.$client.prepare<[string], EventRow>(`${SELECT} ORDER BY e.seq`),
    detention: db.$client.prepare<[string, string, number, string], EventRow>(
      `${SELECT}${OF_DETENTION} ORDER BY e.seq`,
    ),
  };
}
const prepared = new WeakMap<Db, ReturnType<typeof statements>>();

export function incidentTimeline(db: Db, incidentId: string): TimelineEntry[] {
  return getOrInsert(prepared, db, () => statements(db))
    .incident.all(incidentId)
    .map(entry);
}

export function detentionTimeline(db: Db, incidentId: string, detentionId: string): TimelineEntry[] {
  const prefix = `detention:${detentionId}:`;
  return getOrInsert(prepared, db, () => statements(db))
    .detention.all(incidentId, detentionId, prefix.length, prefix)
    .map(entry);
}
