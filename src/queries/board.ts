/**
 * The s.136 board: every running s.136/s.135 detention, soonest expiry first, with its place of
 * safety, extension, the handover clock at the place of safety (the detention's own deadline rows,
 * computed by its machine) and the alerts raised on it; and the ones still being considered (no
 * clock yet). From the projection tables, so it can reload on every change.
 */
import type { Db } from '../../db/client.js';
import { prepared } from '../reports/sql.js';

export interface BoardRow {
  id: string;
  incidentId: string;
  reference: string | null;
  power: string;
  state: string;
  status: string;
  detainedAt: string | null;
  clockStart: string | null;
  expiresAt: string | null;
  extensionMinutes: number;
  placeType: string | null;
  placeSite: string | null;
  arrivedAt: string | null;
  acceptedAt: string | null;
  departedAt: string | null;
  assessmentStartedAt: string | null;
  /** The handover clock (police to be released by the NHS), while it runs. */
  handoverDueAt: string | null;
  /** The next healthcare check at a police station, while it runs. */
  checkDueAt: string | null;
  alerts: number;
}

const SQL = `
SELECT d.id, d.incident_id AS incidentId, i.reference, d.power, d.state, d.status, d.detained_at AS detainedAt,
       d.clock_start AS clockStart, d.expires_at AS expiresAt, d.extension_minutes AS extensionMinutes,
       d.current_pos_type AS placeType, d.current_pos_site AS placeSite, d.first_arrived_at AS arrivedAt,
       d.first_accepted_at AS acceptedAt, d.first_departed_at AS departedAt,
       d.assessment_started_at AS assessmentStartedAt,
       (SELECT min(x.due_at) FROM deadlines x WHERE x.incident_id = d.incident_id AND x.status = 'pending'
          AND x.kind = 'handover' AND x.key LIKE 'detention:' || d.id || ':%') AS handoverDueAt,
       (SELECT min(x.due_at) FROM deadlines x WHERE x.incident_id = d.incident_id AND x.status = 'pending'
          AND x.kind = 'healthcareCheck' AND x.key LIKE 'detention:' || d.id || ':%') AS checkDueAt,
       (SELECT count(*) FROM alerts a WHERE a.incident_id = d.incident_id AND a.id LIKE a.incident_id || ':detention:'
          || d.id || ':%') AS alerts
FROM detentions d JOIN incidents i ON i.id = d.incident_id
WHERE d.status IN (?, ?, ?)
ORDER BY d.expires_at IS NULL, d.expires_at, d.detained_at, d.id`;

export function loadBoard(db: Db): { running: BoardRow[]; considering: BoardRow[] } {
  const rows = prepared(db, SQL).all('running', 'lapsed', 'considering') as BoardRow[];
  return {
    running: rows.filter((r) => r.status !== 'considering'),
    considering: rows.filter((r) => r.status === 'considering'),
  };
}
