/**
 * What every console page shows of the alerts: how many are waiting on open incidents, and the
 * critical ones (an s.136 clock expired, a child at a police station …) for the banner that stays
 * on screen until someone deals with them. One prepared statement per database.
 */
import type { Db } from '../../db/client.js';
import { prepared } from '../reports/sql.js';

export interface CriticalAlert {
  id: string;
  incidentId: string;
  reference: string | null;
  rule: string;
  message: string;
  raisedAt: string;
}

export interface AlertSummary {
  /** Alerts waiting on open incidents, any severity. */
  waiting: number;
  /** The critical ones, newest first (at most 5 listed). */
  critical: CriticalAlert[];
  criticalCount: number;
}

const WAITING = `FROM alerts a JOIN incidents i ON i.id = a.incident_id WHERE i.status = 'open'`;

export function alertSummary(db: Db): AlertSummary {
  const waiting = prepared(db, `SELECT count(*) ${WAITING}`).pluck().get() as number;
  const criticalCount = prepared(db, `SELECT count(*) ${WAITING} AND a.severity = 'critical'`).pluck().get() as number;
  const critical = prepared(
    db,
    `SELECT a.id, a.incident_id AS incidentId, i.reference, a.rule, a.message, a.raised_at AS raisedAt ${WAITING}
       AND a.severity = 'critical' ORDER BY a.raised_at DESC, a.id LIMIT 5`,
  ).all() as CriticalAlert[];
  return { waiting, critical, criticalCount };
}
