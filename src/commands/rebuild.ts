/**
 * Rebuild every projection from the event log (ARCHITECTURE principle 3). The projections are a
 * pure function of the events, so the result must equal what the command path stored.
 */
import type { Db } from '../../db/client.js';
import { demandRollup, demandRollupMonth, incidents, referralRollup, referralRollupMonth } from '../../db/schema.js';
import { replay } from '../domain/incident-aggregate.js';
import { project } from '../domain/projection.js';
import { incidentStore, PROJECTION_CHILD_TABLES } from './incident-store.js';

/** How far a rebuild has got: streams (incidents) and events replayed so far, of how many. */
export interface RebuildProgress {
  incidents: number;
  incidentsTotal: number;
  events: number;
  eventsTotal: number;
}

/** `onProgress` is called after each incident's stream is replayed (the caller decides how often to show it). */
export function rebuildProjections(
  db: Db,
  onProgress?: (p: RebuildProgress) => void,
): { incidents: number; events: number } {
  const store = incidentStore(db);
  return db.transaction(
    (tx) => {
      for (const t of [
        ...Object.values(PROJECTION_CHILD_TABLES),
        demandRollup,
        demandRollupMonth,
        referralRollup,
        referralRollupMonth,
        incidents,
      ])
        tx.delete(t).run();
      const rollup = store.rollupWriter();
      // One stream at a time. (Writing while an `iterate()` cursor over incident_events is still
      // open fails in better-sqlite3 with "This database connection is busy executing a query".)
      const ids = db.$client
        .prepare('SELECT DISTINCT incident_id FROM incident_events ORDER BY incident_id')
        .pluck()
        .all() as string[];
      const eventsTotal = onProgress
        ? (db.$client.prepare('SELECT count(*) FROM incident_events').pluck().get() as number)
        : 0;
      let events = 0;
      let done = 0;
      for (const id of ids) {
        const stream = store.events(id);
        store.writeProjection(null, project(replay(stream)), rollup);
        events += stream.length;
        if (++done % 2000 === 0) rollup.flush();
        onProgress?.({ incidents: done, incidentsTotal: ids.length, events, eventsTotal });
      }
      rollup.flush();
      return { incidents: ids.length, events };
    },
    { behavior: 'immediate' },
  );
}
