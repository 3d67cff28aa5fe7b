/** Alerts raised by rules (FLAG outcomes and missed deadlines), newest first, with their incident. */
import { and, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { alerts, incidents } from '../../db/schema.js';
import type { Flag } from '../../machines/kit.js';

export interface AlertFilter {
  rule?: string | undefined;
  severity?: Flag['severity'] | undefined;
  incidentId?: string | undefined;
  incidentStatus?: 'open' | 'closed' | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
}

export function listAlerts(db: Db, q: AlertFilter) {
  const where: SQL[] = [];
  if (q.rule) where.push(eq(alerts.rule, q.rule));
  if (q.severity) where.push(eq(alerts.severity, q.severity));
  if (q.incidentId) where.push(eq(alerts.incidentId, q.incidentId));
  if (q.incidentStatus) where.push(eq(incidents.status, q.incidentStatus));
  if (q.from) where.push(gte(alerts.raisedAt, new Date(q.from).toISOString()));
  if (q.to) where.push(lt(alerts.raisedAt, new Date(q.to).toISOString()));
  return db
    .select({
      id: alerts.id,
      incidentId: alerts.incidentId,
      incidentReference: incidents.reference,
      incidentStatus: incidents.status,
      rule: alerts.rule,
      severity: alerts.severity,
      message: alerts.message,
      notify: alerts.notify,
      raisedAt: alerts.raisedAt,
      eventSeq: alerts.eventSeq,
    })
    .from(alerts)
    .innerJoin(incidents, eq(incidents.id, alerts.incidentId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(alerts.raisedAt), desc(alerts.id))
    .limit(q.limit)
    .all()
    .map((a) => ({
      ...a,
      // Stored as text from the machines' flags: read back as the codes they are.
      incidentStatus: a.incidentStatus as 'open' | 'closed',
      severity: a.severity as Flag['severity'],
    }));
}
