/**
 * R41: whether the subject of an incident was high-intensity at the time of the call: at least
 * `minIncidents` incidents about the same person within `windowDays` up to it. Computed, never stored.
 */
import type { Db } from '../../db/client.js';
import type { ForceConfig } from '../config/schema.js';
import { personNumber } from '../domain/demand-ledger.js';
import { prepared } from '../reports/sql.js';

export function highIntensityMarker(db: Db, config: ForceConfig, incidentId: string) {
  const hi = config.reporting.highIntensity;
  const row = prepared(db, 'SELECT person_key AS personKey, received_at AS receivedAt FROM incidents WHERE id = ?').get(
    incidentId,
  ) as { personKey: string | null; receivedAt: string } | undefined;
  if (!row) return null;
  const base = { incidentId, minIncidents: hi.minIncidents, windowDays: hi.windowDays, asOf: row.receivedAt };
  if (!row.personKey)
    return { ...base, highIntensity: null, incidentsInWindow: null, reason: 'the subject is not identified' };
  const from = new Date(Date.parse(row.receivedAt) - hi.windowDays * 86_400_000).toISOString();
  const n = prepared(
    db,
    'SELECT count(*) FROM person_contacts WHERE person = ? AND received_at >= ? AND received_at <= ?',
  )
    .pluck()
    .get(personNumber(row.personKey), from, row.receivedAt) as number;
  return { ...base, highIntensity: n >= hi.minIncidents, incidentsInWindow: n, reason: null };
}
