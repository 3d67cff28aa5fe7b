/**
 * The place-of-safety handover audit (R35, issue 14): every stay at a place of safety that began in
 * [from, to) — arrival, NHS acceptance, police departure, an agreed extended stay — and whether the
 * handover breached the expectation (the detention machine raised its R35 alert for that stay: NHS
 * acceptance or police departure later than the force's handover minutes after arrival, with no
 * agreed extended stay, where the expectation applies). Breaches by site, with median times.
 *
 * Stays are read from each detention's stored state (a detention can have several: a transfer makes
 * a new one), found through the detentions projection; the state is plain JSON, read without
 * restoring the machines.
 */
import type { Db } from '../../db/client.js';
import type { DetentionContext, Power, Stay } from '../../machines/detention/index.js';
import { CLOCK_RULES } from '../../machines/detention/index.js';
import { labelOf, PLACE_TYPE_LABEL } from '../domain/detention-labels.js';
import { median } from '../reports/handovers.js';

export interface PlaceOfSafetyQuery {
  from: string;
  to: string;
  /** A configured site code or a place type. */
  site: string | null;
  /** Only breaches (true), only the others (false), or all (null). */
  breach: boolean | null;
}

export interface PlaceOfSafetyHandover {
  detentionId: string;
  incidentId: string;
  incidentReference: string | null;
  power: Power;
  /** 1 for the first place of safety, 2 after the first transfer … */
  stay: number;
  site: string | null;
  placeType: string;
  placeLabel: string;
  arrivedAt: string;
  policeInAttendance: boolean;
  handoverRuleApplies: boolean;
  nhsAcceptedAt: string | null;
  acceptedBy: string | null;
  policeDepartedAt: string | null;
  minutesToAcceptance: number | null;
  minutesToDeparture: number | null;
  extendedStay: { reason: string; nhsContact: string; at: string } | null;
  /**
   * waiting: police there, no NHS acceptance · accepted: police not yet left · completed ·
   * notApplicable: no handover by police here (a police station, or police did not bring the person).
   */
  status: 'waiting' | 'accepted' | 'completed' | 'notApplicable';
  breach: boolean;
  /** The alerts' words when it breached (late acceptance, late departure). */
  breachReason: string | null;
}

export interface SiteSummary {
  site: string;
  label: string;
  /** Whether the force's handover expectation applies at this site (not at EDs unless configured). */
  expectationApplies: boolean;
  handovers: number;
  completed: number;
  breaches: number;
  medianMinutesToAcceptance: number | null;
  medianMinutesToDeparture: number | null;
}

const minutesBetween = (a: string, b: string | null) =>
  b === null ? null : Math.round((Date.parse(b) - Date.parse(a)) / 60_000);

function status(s: Stay): PlaceOfSafetyHandover['status'] {
  if (!s.policeInAttendance || s.place.type === 'policeStation') return 'notApplicable';
  if (!s.acceptedAt) return 'waiting';
  return s.departedAt ? 'completed' : 'accepted';
}

/** Every stay that began in the period (oldest first), with its breach judged by the detention's own R35 alert. */
export function placeOfSafetyHandovers(db: Db, q: PlaceOfSafetyQuery): PlaceOfSafetyHandover[] {
  const rows = db.$client
    .prepare(
      `SELECT d.id, d.incident_id AS incidentId, i.reference, i.snapshot
       FROM detentions d JOIN incidents i ON i.id = d.incident_id
       WHERE d.first_arrived_at IS NOT NULL AND d.first_arrived_at < @to
         AND (d.ended_at IS NULL OR d.ended_at >= @from OR d.last_event_at >= @from)
       ORDER BY d.first_arrived_at, d.id`,
    )
    .all({ from: q.from, to: q.to }) as Array<{
    id: string;
    incidentId: string;
    reference: string | null;
    snapshot: string;
  }>;
  const out: PlaceOfSafetyHandover[] = [];
  for (const r of rows) {
    const snap = JSON.parse(r.snapshot) as { children: { detention?: Record<string, { context: DetentionContext }> } };
    const c = snap.children.detention?.[r.id]?.context;
    if (!c) continue;
    c.stays.forEach((s, i) => {
      if (s.arrivedAt < q.from || s.arrivedAt >= q.to) return;
      if (q.site && s.place.site !== q.site && s.place.type !== q.site) return;
      const flags = c.flags.filter(
        (f) =>
          f.key === `${CLOCK_RULES.handover}:handover:${s.seq}` ||
          f.key === `${CLOCK_RULES.handover}:departure:${s.seq}`,
      );
      const breach = flags.length > 0;
      if (q.breach !== null && q.breach !== breach) return;
      out.push({
        detentionId: r.id,
        incidentId: r.incidentId,
        incidentReference: r.reference,
        power: c.power,
        stay: i + 1,
        site: s.place.site,
        placeType: s.place.type,
        placeLabel: s.place.site ? s.place.label : labelOf(PLACE_TYPE_LABEL, s.place.type),
        arrivedAt: s.arrivedAt,
        policeInAttendance: s.policeInAttendance,
        handoverRuleApplies: s.handoverRuleApplies,
        nhsAcceptedAt: s.acceptedAt,
        acceptedBy: s.acceptedBy,
        policeDepartedAt: s.departedAt,
        minutesToAcceptance: minutesBetween(s.arrivedAt, s.acceptedAt),
        minutesToDeparture: minutesBetween(s.arrivedAt, s.departedAt),
        extendedStay: s.extendedStay,
        status: status(s),
        breach,
        breachReason: breach ? flags.map((f) => f.message).join('; ') : null,
      });
    });
  }
  return out.sort(
    (a, b) => a.arrivedAt.localeCompare(b.arrivedAt) || a.detentionId.localeCompare(b.detentionId) || a.stay - b.stay,
  );
}

/** Handovers, breaches and median times per site (or place type where no site is configured), most breaches first. */
export function handoversBySite(items: readonly PlaceOfSafetyHandover[]): SiteSummary[] {
  const by = new Map<string, { label: string; rows: PlaceOfSafetyHandover[] }>();
  for (const h of items) {
    if (h.status === 'notApplicable') continue;
    const key = h.site ?? h.placeType;
    const g = by.get(key) ?? { label: h.placeLabel, rows: [] };
    g.rows.push(h);
    by.set(key, g);
  }
  return [...by.entries()]
    .map(([site, g]) => ({
      site,
      label: g.label,
      expectationApplies: g.rows.some((h) => h.handoverRuleApplies),
      handovers: g.rows.length,
      completed: g.rows.filter((h) => h.status === 'completed').length,
      breaches: g.rows.filter((h) => h.breach).length,
      medianMinutesToAcceptance: median(
        g.rows.flatMap((h) => (h.minutesToAcceptance === null ? [] : [h.minutesToAcceptance])),
      ),
      medianMinutesToDeparture: median(
        g.rows.flatMap((h) => (h.minutesToDeparture === null ? [] : [h.minutesToDeparture])),
      ),
    }))
    .sort((a, b) => b.breaches - a.breaches || a.label.localeCompare(b.label));
}

/** The sort key of a stay: when it began, then the detention and the stay's number. */
const keyOf = (h: PlaceOfSafetyHandover): [string, string, string] => [
  h.arrivedAt,
  h.detentionId,
  String(h.stay).padStart(4, '0'),
];
const after = (a: readonly string[], b: readonly string[]) => a.join('\u0000') > b.join('\u0000');

/** One page of `all` (in its order) after `from` (a previous page's `next`), and where the page after starts. */
export function pageOfHandovers(
  all: readonly PlaceOfSafetyHandover[],
  from: readonly [string, string, string] | null,
  limit: number,
) {
  const found = from ? all.findIndex((h) => after(keyOf(h), from)) : 0;
  const start = found < 0 ? all.length : found;
  const items = all.slice(start, start + limit);
  const last = start + limit < all.length ? items[items.length - 1] : undefined;
  return { items, start, next: last ? keyOf(last) : null };
}

/**
 * The period's figures: handovers by police (every site), how many the force's expectation applies
 * to (breaches are counted among those), and the median times over all handovers.
 */
export function handoverSummary(all: readonly PlaceOfSafetyHandover[]) {
  const counted = all.filter((h) => h.status !== 'notApplicable');
  const minutes = (k: 'minutesToAcceptance' | 'minutesToDeparture') =>
    median(counted.flatMap((h) => (h[k] === null ? [] : [h[k]])));
  return {
    handovers: counted.length,
    subjectToExpectation: counted.filter((h) => h.handoverRuleApplies).length,
    completed: counted.filter((h) => h.status === 'completed').length,
    breaches: counted.filter((h) => h.breach).length,
    medianMinutesToAcceptance: minutes('minutesToAcceptance'),
    medianMinutesToDeparture: minutes('minutesToDeparture'),
  };
}
