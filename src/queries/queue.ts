/**
 * The control room's queue: every open incident with what a handler triages by — grade, time since
 * the call against the grade's attendance target, state, flags (a child, a repeat contact, a pending
 * referral and its answer deadline, a running s.136 clock, alerts) — most urgent first, with counts.
 *
 * One query over the projection tables (no event replay: it is reloaded on every change, on every
 * open console). The attendance target is the incident machine's own `attendanceClock`, given the
 * grade policy the configuration stamps into a grade (`gradePolicy`), so the queue and the machine
 * never disagree about when police are due.
 */
import type { Db } from '../../db/client.js';
import { attendanceClock, type IncidentContext } from '../../machines/incident/index.js';
import { gradePolicy } from '../commands/machine-events.js';
import type { ForceConfig } from '../config/schema.js';
import { prepared } from '../reports/sql.js';

export interface QueueFilter {
  district?: string | undefined;
  grade?: string | undefined;
  state?: string | undefined;
  /** Also the open incidents received before the queue's window (QUEUE_WINDOW_HOURS). */
  all?: boolean | undefined;
}

/**
 * The queue is the shift's work: open incidents received in the last two days, and any older one
 * with a clock still running (a detention, a referral deadline). The rest are counted, and one
 * click away (`all`), never silently dropped.
 */
export const QUEUE_WINDOW_HOURS = 48;

export interface QueueRow {
  id: string;
  reference: string | null;
  version: number;
  state: string;
  category: string;
  district: string | null;
  grade: string | null;
  rcrpDecision: string | null;
  receivedAt: string;
  /** When police are due by the grade's attendance target; null with no target (or no grade). */
  dueAt: string | null;
  attended: boolean;
  child: boolean;
  repeatContact: boolean;
  pendingReferrals: number;
  /** The soonest answer (or acknowledgement) deadline of a pending referral. */
  referralDueAt: string | null;
  /** The expiry of a running s.136/s.135 clock on this incident. */
  detentionExpiresAt: string | null;
  alerts: number;
  criticalAlerts: number;
  /** Position in the urgency order: grade band (config order; ungraded after the first grade). */
  band: number;
}

export interface Queue {
  rows: QueueRow[];
  /** Open incidents left out by the window (shown with `all`). */
  older: number;
  /** Over every open incident in the window, before filters. */
  counts: {
    open: number;
    byGrade: Record<string, number>;
    ungraded: number;
    overdue: number;
    pendingReferrals: number;
    runningDetentions: number;
  };
}

interface Row {
  id: string;
  reference: string | null;
  version: number;
  state: string;
  category: string;
  district: string | null;
  grade: string | null;
  rcrpDecision: string | null;
  locationClass: 'urban' | 'rural' | null;
  receivedAt: string;
  firstDispatchedAt: string | null;
  ageBand: string | null;
  repeatContact: number;
  firstArrivedAt: string | null;
  pendingReferrals: number;
  referralDueAt: string | null;
  detentionExpiresAt: string | null;
  alerts: number;
  criticalAlerts: number;
}

// `+d.status`, `+x.status`: look deadlines and detentions up by incident, not by status (by status, each row
// read every pending deadline of every open incident: quadratic in open incidents; test/bench/console.ts).
const SQL = `
SELECT i.id, i.reference, i.version, i.state, i.category, i.district, i.grade, i.rcrp_decision AS rcrpDecision,
       i.location_class AS locationClass, i.received_at AS receivedAt, i.first_dispatched_at AS firstDispatchedAt,
       i.age_band AS ageBand, i.repeat_contact AS repeatContact,
       (SELECT min(r.arrived_at) FROM resource_assignments r WHERE r.incident_id = i.id) AS firstArrivedAt,
       (SELECT count(*) FROM referrals f WHERE f.incident_id = i.id AND f.status IN ('pending', 'noResponse'))
         AS pendingReferrals,
       (SELECT min(d.due_at) FROM deadlines d WHERE d.incident_id = i.id AND +d.status = 'pending'
          AND d.key LIKE 'referral:%' AND (d.key LIKE '%:answer' OR d.key LIKE '%:ack')) AS referralDueAt,
       (SELECT min(x.expires_at) FROM detentions x WHERE x.incident_id = i.id AND +x.status IN ('running', 'lapsed'))
         AS detentionExpiresAt,
       (SELECT count(*) FROM alerts a WHERE a.incident_id = i.id) AS alerts,
       (SELECT count(*) FROM alerts a WHERE a.incident_id = i.id AND a.severity = 'critical') AS criticalAlerts
FROM incidents i WHERE i.status = 'open'`;

const CHILD_BANDS = new Set(['under10', '10to17']);

/** `now`: the server's clock, for what is already overdue. */
export function loadQueue(db: Db, config: ForceConfig, filter: QueueFilter, now: Date): Queue {
  const gradeRank = new Map(config.grades.map((g, i) => [g.code, i === 0 ? 0 : i + 1]));
  const policies = new Map(config.grades.map((g) => [g.code, gradePolicy(config, g.code)]));
  const cutoff = new Date(now.getTime() - QUEUE_WINDOW_HOURS * 3_600_000).toISOString();
  const every = (prepared(db, SQL).all() as Row[]).map((r): QueueRow => {
    const policy = r.grade ? policies.get(r.grade) : undefined;
    // The machine's clock, given the parts of the incident it reads.
    const clock = policy
      ? attendanceClock({
          grade: { policy },
          arrivalGrade: null,
          firstArrivedAt: r.firstArrivedAt,
          locationClass: r.locationClass,
          receivedAt: r.receivedAt,
          firstDispatchedAt: r.firstDispatchedAt,
        } as unknown as IncidentContext)
      : null;
    return {
      id: r.id,
      reference: r.reference,
      version: r.version,
      state: r.state,
      category: r.category,
      district: r.district,
      grade: r.grade,
      rcrpDecision: r.rcrpDecision,
      receivedAt: r.receivedAt,
      dueAt: clock && !r.firstArrivedAt ? clock.dueAt : null,
      attended: r.firstArrivedAt !== null,
      child: r.ageBand !== null && CHILD_BANDS.has(r.ageBand),
      repeatContact: r.repeatContact === 1,
      pendingReferrals: r.pendingReferrals,
      referralDueAt: r.referralDueAt,
      detentionExpiresAt: r.detentionExpiresAt,
      alerts: r.alerts,
      criticalAlerts: r.criticalAlerts,
      band: r.grade ? (gradeRank.get(r.grade) ?? 99) : 1,
    };
  });
  const inWindow = (r: QueueRow) =>
    filter.all || r.receivedAt >= cutoff || r.detentionExpiresAt !== null || r.referralDueAt !== null;
  const all = every.filter(inWindow);
  // Most urgent first: grade band, then the nearest attendance due time, then the longest waiting.
  all.sort(
    (a, b) =>
      a.band - b.band ||
      (a.dueAt ?? '\uffff').localeCompare(b.dueAt ?? '\uffff') ||
      a.receivedAt.localeCompare(b.receivedAt) ||
      a.id.localeCompare(b.id),
  );
  const at = now.toISOString();
  const byGrade: Record<string, number> = Object.fromEntries(config.grades.map((g) => [g.code, 0]));
  let ungraded = 0;
  for (const r of all) {
    if (r.grade) byGrade[r.grade] = (byGrade[r.grade] ?? 0) + 1;
    else ungraded++;
  }
  const rows = all.filter(
    (r) =>
      (!filter.district || r.district === filter.district) &&
      (!filter.grade || (filter.grade === 'none' ? r.grade === null : r.grade === filter.grade)) &&
      (!filter.state || r.state === filter.state),
  );
  return {
    rows,
    older: every.length - all.length,
    counts: {
      open: all.length,
      byGrade,
      ungraded,
      overdue: all.filter((r) => r.dueAt !== null && r.dueAt <= at).length,
      pendingReferrals: all.filter((r) => r.pendingReferrals > 0).length,
      runningDetentions: all.filter((r) => r.detentionExpiresAt !== null).length,
    },
  };
}
