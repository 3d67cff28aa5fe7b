/**
 * What every console page shows of the alerts: how many on open incidents nobody has acknowledged
 * yet, and the critical ones among them (an s.136 clock expired, a child at a police station …) for
 * the banner that stays on every screen until someone acknowledges them.
 */
import type { Db } from '../../db/client.js';
import { listAlerts, unacknowledgedCounts } from './alerts.js';

export interface CriticalAlert {
  id: string;
  incidentId: string;
  reference: string | null;
  rule: string;
  message: string;
  raisedAt: string;
}

export interface AlertSummary {
  /** Unacknowledged alerts on open incidents, any severity. */
  waiting: number;
  /** The unacknowledged critical ones, newest first (at most 5 listed). */
  critical: CriticalAlert[];
  criticalCount: number;
}

export function alertSummary(db: Db): AlertSummary {
  const counts = unacknowledgedCounts(db);
  const critical =
    counts.critical === 0
      ? []
      : listAlerts(db, { incidentStatus: 'open', severity: 'critical', acknowledged: false, limit: 5 }).map((a) => ({
          id: a.id,
          incidentId: a.incidentId,
          reference: a.incidentReference,
          rule: a.rule,
          message: a.message,
          raisedAt: a.raisedAt,
        }));
  return { waiting: counts.total, critical, criticalCount: counts.critical };
}
