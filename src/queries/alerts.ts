/**
 * Alerts raised by rules (FLAG outcomes and missed deadlines), newest first, with their incident and
 * what people did about them (acknowledgement, escalations: the append-only alert_actions); and the
 * counts of unacknowledged alerts on open incidents that every screen shows.
 */
import { and, desc, eq, gte, inArray, isNotNull, isNull, lt, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/client.js';
import { alertActions, alerts, incidents, users } from '../../db/schema.js';
import type { Flag } from '../../machines/kit.js';
import { getOrInsert } from '../lib/maps.js';

export interface AlertFilter {
  rule?: string | undefined;
  severity?: Flag['severity'] | undefined;
  incidentId?: string | undefined;
  incidentStatus?: 'open' | 'closed' | undefined;
  /** true: only acknowledged alerts; false: only those nobody has acknowledged yet. */
  acknowledged?: boolean | undefined;
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
}

/** Who did something about an alert. */
export interface AlertActor {
  id: string;
  name: string;
  role: string;
}

export interface AlertAcknowledgement {
  by: AlertActor;
  at: string;
  note: string | null;
}

export interface AlertEscalation {
  by: AlertActor;
  at: string;
  to: string;
  level: number | null;
  note: string | null;
}

const ack = alias(alertActions, 'ack');
const ackUser = alias(users, 'ack_user');

export function listAlerts(db: Db, q: AlertFilter) {
  const where: SQL[] = [];
  if (q.rule) where.push(eq(alerts.rule, q.rule));
  if (q.severity) where.push(eq(alerts.severity, q.severity));
  if (q.incidentId) where.push(eq(alerts.incidentId, q.incidentId));
  if (q.incidentStatus) where.push(eq(incidents.status, q.incidentStatus));
  if (q.acknowledged !== undefined) where.push(q.acknowledged ? isNotNull(ack.id) : isNull(ack.id));
  if (q.from) where.push(gte(alerts.raisedAt, new Date(q.from).toISOString()));
  if (q.to) where.push(lt(alerts.raisedAt, new Date(q.to).toISOString()));
  return selectAlerts(db, where, q.limit);
}

function selectAlerts(db: Db, where: SQL[], limit: number) {
  const rows = db
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
      ackAt: ack.at,
      ackNote: ack.note,
      ackActorId: ack.actorId,
      ackActorRole: ack.actorRole,
      ackActorName: ackUser.name,
    })
    .from(alerts)
    .innerJoin(incidents, eq(incidents.id, alerts.incidentId))
    .leftJoin(ack, and(eq(ack.alertId, alerts.id), eq(ack.kind, 'acknowledged')))
    .leftJoin(ackUser, eq(ackUser.id, ack.actorId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(alerts.raisedAt), desc(alerts.id))
    .limit(limit)
    .all();
  const escalations = escalationsOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map(({ ackAt, ackNote, ackActorId, ackActorRole, ackActorName, ...a }) => ({
    ...a,
    // Stored as text from the machines' flags: read back as the codes they are.
    incidentStatus: a.incidentStatus as 'open' | 'closed',
    severity: a.severity as Flag['severity'],
    acknowledgement:
      ackAt && ackActorId && ackActorRole
        ? { by: { id: ackActorId, name: ackActorName ?? ackActorId, role: ackActorRole }, at: ackAt, note: ackNote }
        : null,
    escalations: escalations.get(a.id) ?? [],
  }));
}

export type AlertView = ReturnType<typeof listAlerts>[number];

/** One alert as the list shows it, or null. */
export function alertById(db: Db, id: string): AlertView | null {
  return selectAlerts(db, [eq(alerts.id, id)], 1)[0] ?? null;
}

function escalationsOf(db: Db, alertIds: string[]): Map<string, AlertEscalation[]> {
  const out = new Map<string, AlertEscalation[]>();
  if (alertIds.length === 0) return out;
  const rows = db
    .select({
      alertId: alertActions.alertId,
      at: alertActions.at,
      note: alertActions.note,
      to: alertActions.escalatedTo,
      level: alertActions.level,
      actorId: alertActions.actorId,
      actorRole: alertActions.actorRole,
      actorName: users.name,
    })
    .from(alertActions)
    .leftJoin(users, eq(users.id, alertActions.actorId))
    .where(and(inArray(alertActions.alertId, alertIds), eq(alertActions.kind, 'escalated')))
    .orderBy(alertActions.id)
    .all();
  for (const r of rows) {
    const list = getOrInsert(out, r.alertId, () => []);
    list.push({
      by: { id: r.actorId, name: r.actorName ?? r.actorId, role: r.actorRole },
      at: r.at,
      to: r.to ?? '',
      level: r.level,
      note: r.note,
    });
  }
  return out;
}

/** Unacknowledged alerts on open incidents, by severity: the badge every screen shows. */
export interface UnacknowledgedCounts {
  critical: number;
  warning: number;
  info: number;
  total: number;
}

const COUNT_UNACKNOWLEDGED = `
  SELECT a.severity AS severity, count(*) AS n
  FROM alerts a JOIN incidents i ON i.id = a.incident_id
  WHERE i.status = 'open'
    AND NOT EXISTS (SELECT 1 FROM alert_actions x WHERE x.alert_id = a.id AND x.kind = 'acknowledged')
  GROUP BY a.severity`;
const prepared = new WeakMap<Db, Statement<[], { severity: string; n: number }>>();

export function unacknowledgedCounts(db: Db): UnacknowledgedCounts {
  const stmt = getOrInsert(prepared, db, () =>
    db.$client.prepare<[], { severity: string; n: number }>(COUNT_UNACKNOWLEDGED),
  );
  const counts: UnacknowledgedCounts = { critical: 0, warning: 0, info: 0, total: 0 };
  for (const r of stmt.all()) {
    if (r.severity === 'critical' || r.severity === 'warning' || r.severity === 'info') counts[r.severity] = r.n;
    counts.total += r.n;
  }
  return counts;
}
