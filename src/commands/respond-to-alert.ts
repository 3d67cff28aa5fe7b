/**
 * A person answers an alert: acknowledges it (who, when, a note) or escalates it (to whom, at what
 * level, a note). Each answer is one row of the append-only `alert_actions`, written through the
 * command path (Idempotency-Key, the unit of work, the live feed after commit) but not as an incident
 * event: acknowledging is about the alert, not the incident's record, so no one's form goes stale
 * because a supervisor saw an alert (db/schema.ts says more). An alert is acknowledged once; the
 * second attempt is refused naming who acknowledged it and when.
 */
import type { Db } from '../../db/client.js';
import { rowWriter } from '../../db/rows.js';
import { alertActions } from '../../db/schema.js';
import { getOrInsert } from '../lib/maps.js';
import { announce } from './announce.js';
import type { CommandDeps, CommandMeta, CommandResult } from './deps.js';
import { conflict, notFound, type Conflict, type NotFound } from './refusal.js';
import { inTransaction } from './run-command.js';

/** What was recorded, as the API answers it. */
export interface AlertAction {
  alertId: string;
  incidentId: string;
  action: 'acknowledged' | 'escalated';
  by: { id: string; role: string };
  at: string;
  note: string | null;
  to: string | null;
  level: number | null;
}

interface AlertRow {
  id: string;
  incidentId: string;
  rule: string;
  severity: string;
}

function statements(db: Db) {
  const s = db.$client;
  return {
    alert: s.prepare<[string], AlertRow>(
      'SELECT id, incident_id AS incidentId, rule, severity FROM alerts WHERE id = ?',
    ),
    acknowledged: s.prepare<[string], { actorName: string; at: string }>(
      `SELECT COALESCE(u.name, x.actor_id) AS actorName, x.at
       FROM alert_actions x LEFT JOIN users u ON u.id = x.actor_id WHERE x.alert_id = ? AND x.kind = 'acknowledged'`,
    ),
    insert: rowWriter(s, alertActions),
  };
}
const prepared = new WeakMap<Db, ReturnType<typeof statements>>();

/** `refuse`: why this action cannot be recorded on this alert now (beyond the alert existing), or null. */
function record<R>(
  deps: CommandDeps,
  meta: CommandMeta,
  alertId: string,
  action: AlertAction['action'],
  fields: Pick<AlertAction, 'note' | 'to' | 'level'>,
  refuse: (st: ReturnType<typeof statements>) => R | null,
) {
  return inTransaction(deps, meta, (): CommandResult<AlertAction, NotFound | R> => {
    const st = getOrInsert(prepared, deps.db, () => statements(deps.db));
    const alert = st.alert.get(alertId);
    if (!alert)
      return { ok: false, refusal: notFound('ALERT_NOT_FOUND', 'Unknown alert', `no alert with id ${alertId}`) };
    const refusal = refuse(st);
    if (refusal) return { ok: false, refusal };
    const at = deps.clock.now().toISOString();
    st.insert({
      alertId,
      incidentId: alert.incidentId,
      kind: action,
      actorId: meta.actor.id,
      actorRole: meta.actor.role,
      at,
      note: fields.note,
      escalatedTo: fields.to,
      level: fields.level,
    });
    announce(deps, {
      kind: 'alert',
      incidentId: alert.incidentId,
      alertId,
      rule: alert.rule,
      severity: alert.severity,
      action,
      actorRole: meta.actor.role,
    });
    const body: AlertAction = {
      alertId,
      incidentId: alert.incidentId,
      action,
      by: { id: meta.actor.id, role: meta.actor.role },
      at,
      ...fields,
    };
    return { ok: true, status: 201, body, etag: null, replayed: false };
  });
}

export const acknowledgeAlert = (deps: CommandDeps, meta: CommandMeta, alertId: string, note: string | null) =>
  record(deps, meta, alertId, 'acknowledged', { note, to: null, level: null }, (st): Conflict | null => {
    const earlier = st.acknowledged.get(alertId);
    return earlier
      ? conflict(
          'ALERT_ALREADY_ACKNOWLEDGED',
          'Alert already acknowledged',
          `alert ${alertId} was acknowledged at ${earlier.at} by ${earlier.actorName}; escalate it if it needs more`,
        )
      : null;
  });

export const escalateAlert = (
  deps: CommandDeps,
  meta: CommandMeta,
  alertId: string,
  e: { to: string; level: number | null; note: string | null },
) => record<NotFound>(deps, meta, alertId, 'escalated', e, () => null);
