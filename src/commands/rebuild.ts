/**
 * Rebuild every projection from the event log (ARCHITECTURE principle 3). The projections are a
 * pure function of the events, so the result must equal what the command path stored.
 */
import type { Db } from '../../db/client.js';
import { alerts, deadlines, incidentPersonKeys, incidents, referrals } from '../../db/schema.js';
import { replay, type AggregateEvent } from '../domain/incident-aggregate.js';
import { project } from '../domain/projection.js';
import { incidentStore, rowToEvent, type EventRow } from './incident-store.js';

export function rebuildProjections(db: Db): { incidents: number; events: number } {
  const store = incidentStore(db);
  return db.transaction(
    (tx) => {
      for (const t of [incidentPersonKeys, referrals, deadlines, alerts, incidents]) tx.delete(t).run();
      const rows = db.$client
        .prepare(
          `SELECT incident_id AS incidentId, seq, type, payload, actor_id AS actorId, actor_role AS actorRole,
                  occurred_at AS occurredAt, recorded_at AS recordedAt
           FROM incident_events ORDER BY incident_id, seq`,
        )
        .iterate() as IterableIterator<EventRow>;
      let count = 0;
      let events = 0;
      let current: string | null = null;
      let batch: AggregateEvent[] = [];
      const flush = () => {
        if (batch.length === 0) return;
        store.writeProjection(null, project(replay(batch)));
        count++;
        batch = [];
      };
      for (const r of rows) {
        if (r.incidentId !== current) {
          flush();
          current = r.incidentId;
        }
        batch.push(rowToEvent(r));
        events++;
      }
      flush();
      return { incidents: count, events };
    },
    { behavior: 'immediate' },
  );
}
