/**
 * Reads and writes of one incident's stream and projections, with statements prepared once per
 * database. Used only inside a command's transaction (or by rebuild).
 */
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../db/client.js';
import { rowDeleter, rowSyncer, rowWriter } from '../../db/rows.js';
import {
  alerts,
  deadlines,
  detentions,
  incidentEvents,
  incidentLedger,
  incidentPersonKeys,
  incidents,
  personContacts,
  referralEscalations,
  referralLedger,
  referrals,
  resourceAssignments,
  resourceSegments,
} from '../../db/schema.js';
import type { PriorDetention } from '../../machines/detention/index.js';
import type { PriorContact } from '../../machines/subject.js';
import { MACHINE_VERSIONS, replay, serializeAggregate, type AggregateEvent } from '../domain/incident-aggregate.js';
import type { Projection, ProjectionRows } from '../domain/projection.js';
import type { Change } from './refusal.js';
import { RollupWriter } from './rollup.js';
import { getOrInsert } from '../lib/maps.js';

const ENVELOPE = new Set(['type', 'seq', 'occurredAt', 'recordedAt', 'actor']);

export interface EventRow {
  incidentId: string;
  seq: number;
  type: string;
  payload: string;
  actorId: string;
  actorRole: string;
  occurredAt: string;
  recordedAt: string;
}

export function eventToRow(incidentId: string, e: AggregateEvent): EventRow {
  const payload = Object.fromEntries(Object.entries(e).filter(([k]) => !ENVELOPE.has(k)));
  return {
    incidentId,
    seq: e.seq,
    type: e.type,
    payload: JSON.stringify(payload),
    actorId: e.actor.id,
    actorRole: e.actor.role,
    occurredAt: e.occurredAt,
    recordedAt: e.recordedAt,
  };
}

export function rowToEvent(r: EventRow): AggregateEvent {
  return {
    ...(JSON.parse(r.payload) as object),
    type: r.type,
    seq: r.seq,
    occurredAt: r.occurredAt,
    recordedAt: r.recordedAt,
    actor: { id: r.actorId, role: r.actorRole },
  } as AggregateEvent;
}

interface ChangeRow {
  seq: number;
  type: string;
  occurredAt: string;
  recordedAt: string;
  actorId: string;
  actorRole: string;
  actorName: string;
}

const CHILD_TABLES = {
  personKeys: incidentPersonKeys,
  referrals,
  referralEscalations,
  deadlines,
  alerts,
  detentions,
  assignments: resourceAssignments,
  segments: resourceSegments,
  incidentLedger,
  referralLedger,
  personContacts,
} as const;
type ChildTable = keyof typeof CHILD_TABLES;
export const PROJECTION_CHILD_TABLES = CHILD_TABLES;

/** One statement per child table, made by `make` (rows of every table are plain objects of its columns). */
const perChildTable = <V>(make: (table: SQLiteTable) => V) =>
  Object.fromEntries(Object.entries(CHILD_TABLES).map(([k, t]) => [k, make(t)])) as Record<ChildTable, V>;

export class IncidentStore {
  readonly #load;
  readonly #changes;
  readonly #events;
  readonly #priorContacts;
  readonly #insertEvent;
  readonly #upsertIncident;
  readonly #insertIncident;
  readonly #insertChild: Record<ChildTable, (row: object) => void>;
  readonly #deleteChild: Record<ChildTable, (incidentId: string) => void>;
  readonly #referenceExists;
  readonly #priorDetentions;
  readonly #detentionIncident;
  readonly #rollup: RollupWriter;

  constructor(db: Db) {
    const s = db.$client;
    this.#load = s.prepare('SELECT version, person_version AS personVersion, snapshot FROM incidents WHERE id = ?');
    this.#changes = s.prepare(
      `SELECT e.seq, e.type, e.occurred_at AS occurredAt, e.recorded_at AS recordedAt, e.actor_id AS actorId,
              e.actor_role AS actorRole, COALESCE(u.name, e.actor_id) AS actorName
       FROM incident_events e LEFT JOIN users u ON u.id = e.actor_id
       WHERE e.incident_id = ? AND (e.actor_role <> 'system' OR e.seq = 1) ORDER BY e.seq`,
    );
    this.#referenceExists = s.prepare('SELECT id FROM incidents WHERE reference = ?').pluck();
    this.#events = s.prepare(
      `SELECT incident_id AS incidentId, seq, type, payload, actor_id AS actorId, actor_role AS actorRole,
              occurred_at AS occurredAt, recorded_at AS recordedAt
       FROM incident_events WHERE incident_id = ? ORDER BY seq`,
    );
    this.#priorContacts = s.prepare(
      `SELECT DISTINCT i.id AS incidentId, i.no_deploy_at AS noDeployAt
       FROM incident_person_keys k JOIN incidents i ON i.id = k.incident_id
       WHERE k.person_key IN (SELECT value FROM json_each(?)) AND i.id <> ?
         AND i.no_deploy_at IS NOT NULL AND i.no_deploy_at >= ? AND i.no_deploy_at <= ?
       ORDER BY i.id`,
    );
    this.#priorDetentions = s.prepare(
      `SELECT DISTINCT d.id AS detentionId, d.incident_id AS incidentId, d.power, d.detained_at AS detainedAt,
              d.ended_at AS endedAt, d.expires_at AS expiresAt
       FROM incident_person_keys k JOIN detentions d ON d.incident_id = k.incident_id
       WHERE k.person_key IN (SELECT value FROM json_each(?)) AND d.incident_id <> ? AND d.detained_at IS NOT NULL
       ORDER BY d.detained_at, d.id`,
    );
    this.#detentionIncident = s.prepare('SELECT incident_id FROM detentions WHERE id = ?').pluck();
    this.#insertEvent = rowWriter(s, incidentEvents);
    // Only the columns that differ from the stored row are written (see rowSyncer): most commands
    // change version, snapshot and updatedAt, which no index covers.
    this.#upsertIncident = rowSyncer(s, incidents, ['id']);
    this.#insertIncident = rowWriter(s, incidents);
    this.#insertChild = perChildTable((t) => rowWriter(s, t));
    this.#deleteChild = perChildTable((t) => rowDeleter(s, t, 'incident_id'));
    this.#rollup = new RollupWriter(s);
  }

  /**
   * The incident's versions (the log's last seq, and the version people see) and snapshot; an incident
   * stored without one (imported history) is replayed from its events.
   */
  load(id: string): { version: number; personVersion: number; snapshot: string } | null {
    const row = this.#load.get(id) as { version: number; personVersion: number; snapshot: string | null } | undefined;
    if (!row) return null;
    return {
      version: row.version,
      personVersion: row.personVersion,
      snapshot: row.snapshot ?? serializeAggregate(replay(this.events(id))),
    };
  }

  /**
   * What people and partners recorded after the version `since` (a version people see, not a seq):
   * the events that make a form read at `since` stale. The system's own events are left out (as in
   * `advancesVersion`: the n-th of these rows is the event that made version n).
   */
  changesSince(id: string, since: number): Change[] {
    const rows = this.#changes.all(id) as ChangeRow[];
    return rows.slice(Math.max(0, since)).map((r) => ({
      seq: r.seq,
      type: r.type,
      occurredAt: r.occurredAt,
      recordedAt: r.recordedAt,
      actor: { id: r.actorId, name: r.actorName, role: r.actorRole },
    }));
  }

  incidentWithReference(reference: string): string | null {
    return (this.#referenceExists.get(reference) as string | undefined) ?? null;
  }

  events(id: string): AggregateEvent[] {
    return (this.#events.all(id) as EventRow[]).map(rowToEvent);
  }

  /** Earlier incidents about any of these person keys with a no-deploy decision in [from, to] (R15). */
  priorContacts(personKeys: string[], excludeIncidentId: string, from: string, to: string): PriorContact[] {
    if (personKeys.length === 0) return [];
    return this.#priorContacts.all(JSON.stringify(personKeys), excludeIncidentId, from, to) as PriorContact[];
  }

  /** Detentions of the same person (by any of their person keys) recorded on other incidents (R30). */
  priorDetentions(personKeys: string[], excludeIncidentId: string): PriorDetention[] {
    if (personKeys.length === 0) return [];
    return this.#priorDetentions.all(JSON.stringify(personKeys), excludeIncidentId) as PriorDetention[];
  }

  /** The incident a detention id belongs to (detention ids are unique across incidents). */
  detentionIncident(detentionId: string): string | null {
    return (this.#detentionIncident.get(detentionId) as string | undefined) ?? null;
  }

  append(incidentId: string, e: AggregateEvent, idempotencyKey: string | null): void {
    this.#insertEvent({ ...eventToRow(incidentId, e), machineVersion: MACHINE_VERSIONS, idempotencyKey });
  }

  /**
   * Write the projection, touching child tables only where they changed, and move the demand
   * rollups by the change in the ledger rows. With `rollup` (bulk import, rebuild) the rollup
   * change is only accumulated there, for the caller to flush once per batch.
   */
  writeProjection(before: ProjectionRows | null, after: Projection, rollup?: RollupWriter): void {
    // No state before: a new incident (or a rebuild into empty tables), so nothing to compare with.
    if (before) this.#upsertIncident(after.incident);
    else this.#insertIncident(after.incident);
    let ledgerChanged = false;
    let personsChanged = false;
    for (const t of Object.keys(CHILD_TABLES) as ChildTable[]) {
      const rows = after[t];
      if (before && JSON.stringify(before[t]) === JSON.stringify(rows)) continue;
      if (t === 'incidentLedger' || t === 'referralLedger') ledgerChanged = true;
      if (t === 'personContacts') personsChanged = true;
      if (before) this.#deleteChild[t](after.incident.id);
      for (const row of rows) this.#insertChild[t](row);
    }
    const derived = rollup ?? this.#rollup;
    if (ledgerChanged) derived.change(before, after);
    if (personsChanged) derived.personsChanged(before?.personContacts, after.personContacts);
    if (!rollup && (ledgerChanged || personsChanged)) this.#rollup.flush();
  }

  /** A rollup accumulator for a batch of writes on this database (flush it before committing). */
  rollupWriter(): RollupWriter {
    return this.#rollup;
  }
}

const stores = new WeakMap<Db, IncidentStore>();
export function incidentStore(db: Db): IncidentStore {
  return getOrInsert(stores, db, () => new IncidentStore(db));
}
