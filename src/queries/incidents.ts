/**
 * Read models of incidents: the filtered, keyset-paginated list (newest first) from the projection
 * table, and one incident as the machines know it, with its full timeline.
 */
import { and, count, desc, eq, gte, lt, or, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { incidents } from '../../db/schema.js';
import type { Channel, RcrpDecision } from '../../machines/incident/index.js';
import { incidentStore } from '../commands/incident-store.js';
import { restoreAggregate } from '../domain/incident-aggregate.js';
import { incidentView, type IncidentView } from '../domain/incident-view.js';
import { incidentTimeline, type TimelineEntry } from './timeline.js';

export interface IncidentFilter {
  state?: string | undefined;
  status?: 'open' | 'closed' | undefined;
  grade?: string | undefined;
  category?: string | undefined;
  /** receivedAt ≥ from and < to (any ISO offset). */
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
}

/** A position in a list: the sort value and id of the last row already seen. */
export type After = [sortValue: string, id: string];

export function listIncidents(db: Db, q: IncidentFilter, after: After | null) {
  const where: SQL[] = [];
  if (q.state) where.push(eq(incidents.state, q.state));
  if (q.status) where.push(eq(incidents.status, q.status));
  if (q.grade) where.push(eq(incidents.grade, q.grade));
  if (q.category) where.push(eq(incidents.category, q.category));
  if (q.from) where.push(gte(incidents.receivedAt, new Date(q.from).toISOString()));
  if (q.to) where.push(lt(incidents.receivedAt, new Date(q.to).toISOString()));
  const filter = where.length ? and(...where) : undefined;
  const page: SQL[] = [...where];
  if (after) {
    const [receivedAt, id] = after;
    page.push(
      or(lt(incidents.receivedAt, receivedAt), and(eq(incidents.receivedAt, receivedAt), lt(incidents.id, id)))!,
    );
  }
  const rows = db
    .select({
      id: incidents.id,
      reference: incidents.reference,
      version: incidents.personVersion,
      seq: incidents.version,
      state: incidents.state,
      status: incidents.status,
      channel: incidents.channel,
      category: incidents.category,
      grade: incidents.grade,
      rcrpDecision: incidents.rcrpDecision,
      district: incidents.district,
      receivedAt: incidents.receivedAt,
      closedAt: incidents.closedAt,
      mhFlagAtCall: incidents.mhFlagAtCall,
      mhFlagAtClose: incidents.mhFlagAtClose,
      repeatContact: incidents.repeatContact,
      updatedAt: incidents.updatedAt,
    })
    .from(incidents)
    .where(page.length ? and(...page) : undefined)
    .orderBy(desc(incidents.receivedAt), desc(incidents.id))
    .limit(q.limit + 1)
    .all();
  const total = db.select({ n: count() }).from(incidents).where(filter).all()[0]?.n ?? 0;
  // The projection stores the machines' codes as text: read back as the codes they are.
  const items = rows.slice(0, q.limit).map((r) => ({
    ...r,
    status: r.status as 'open' | 'closed',
    channel: r.channel as Channel,
    rcrpDecision: r.rcrpDecision as RcrpDecision | null,
  }));
  const last = items[items.length - 1];
  const next: After | null = rows.length > q.limit && last ? [last.receivedAt, last.id] : null;
  return { items, total, next };
}

/** One incident: its view (state, allowed events, children) and its timeline; null when there is none. */
export function incidentDetail(db: Db, id: string): (IncidentView & { timeline: TimelineEntry[] }) | null {
  const row = incidentStore(db).load(id);
  if (!row) return null;
  return { ...incidentView(restoreAggregate(row.snapshot)), timeline: incidentTimeline(db, id) };
}
