/**
 * Handover audit (issue 4; R11–R13, R15, R45): for every referral made in [from, to), who was
 * asked, when, what they answered and how long it took (sent → acknowledged → answered), the
 * escalations (level, who, when, why, outcome), what the caller was told, and re-contacts about the
 * same person within the repeat-contact window after a no-deploy decision (R15's safety signal).
 *
 * A report query over the projections (`referrals`, `referral_escalations`, `incidents`,
 * `incident_person_keys`), all rebuilt from the event log. For a mental-health lead, not the public:
 * it names incidents and partner staff roles, so it is role-restricted (PCC outputs are aggregates).
 */
import { stringify } from 'csv-stringify/sync';
import type { Db } from '../../db/client.js';
import type { ForceConfig } from '../config/schema.js';
import { minutesBetween } from '../../machines/kit.js';
import type { PlaceOfSafetyHandover } from '../queries/place-of-safety-handovers.js';

export interface HandoverQuery {
  from: string;
  to: string;
  agency: string | null;
  /** Only referrals whose partner did not answer in the agreed time (true), only the others (false), or all. */
  breach?: boolean | null;
  windowHours: number;
  /** The agreed minutes to answer for an agency type (configuration), null for none; no deadline when absent. */
  answerMinutes?: (agencyType: string | null) => number | null;
  /** Now: a referral still unanswered after its answer time is a breach already. */
  now?: string;
}

/** The agreed answer time of each agency type, from the force configuration's referral response times. */
export function answerMinutesOf(config: ForceConfig) {
  const times = config.referrals.responseTimes;
  return (agencyType: string | null) =>
    ((agencyType && times.byAgencyType[agencyType as keyof typeof times.byAgencyType]) || times.default).answerMinutes;
}

/** Where a page of the audit starts: after (madeAt, incidentId, referralId) of the last row of the previous page. */
export interface HandoverPage {
  limit: number;
  after: readonly [string, string, string] | null;
}

export interface HandoverEscalation {
  level: number;
  label: string;
  reason: string;
  openedAt: string;
  openedBy: string;
  escalatedBy: string | null;
  partnerContact: string | null;
  closedAt: string | null;
  outcome: string | null;
}

export interface Handover {
  incidentId: string;
  incidentReference: string | null;
  category: string;
  district: string | null;
  rcrpDecision: string | null;
  noDeployAt: string | null;
  referralId: string;
  agency: string;
  agencyLabel: string | null;
  agencyType: string | null;
  contactMethod: string;
  delivery: string | null;
  recipient: string | null;
  namedContact: string | null;
  madeBy: string | null;
  madeAt: string;
  sentAt: string | null;
  acknowledgedAt: string | null;
  answeredAt: string | null;
  answer: string | null;
  answeredVia: string | null;
  reason: string | null;
  status: string;
  state: string | null;
  noResponseCause: string | null;
  minutesToSend: number | null;
  minutesToAcknowledge: number | null;
  minutesToAnswer: number | null;
  /**
   * The partner did not answer in the agreed time: a response clock ran out, no response was recorded,
   * or the answer (or, still unanswered, now) came later than the agency type's answer time.
   */
  breach: boolean;
  escalations: HandoverEscalation[];
  resolution: string | null;
  resolvedAt: string | null;
  withdrawnAt: string | null;
  callerInformedAt: string | null;
  callerToldWhoWillAttend: string | null;
  recontacts: Array<{ incidentId: string; reference: string | null; receivedAt: string }>;
}

export interface HandoverReport {
  from: string;
  to: string;
  agency: string | null;
  windowHours: number;
  summary: {
    referrals: number;
    byStatus: Record<string, number>;
    escalated: number;
    answeredViaLink: number;
    callerInformed: number;
    withRecontact: number;
    medianMinutesToAcknowledge: number | null;
    medianMinutesToAnswer: number | null;
  };
  /** Per agency over the whole period: referrals, answers, breaches and the median times. */
  byAgency: AgencySummary[];
  /** Referrals matching the filters (the page holds at most `limit` of them). */
  total: number;
  items: Handover[];
  /** Where the next page starts, or null on the last page (and when not paged). */
  next: [string, string, string] | null;
}

export interface AgencySummary {
  agency: string;
  label: string;
  referrals: number;
  answered: number;
  breaches: number;
  medianMinutesToAcknowledge: number | null;
  medianMinutesToAnswer: number | null;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const span = (from: string | null, to: string | null) => (from && to ? round1(minutesBetween(from, to)) : null);

/** The median, to one decimal; null for no values. */
export function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : round1((s[m - 1]! + s[m]!) / 2);
}

type HandoverRow = Omit<
  Handover,
  'escalations' | 'recontacts' | 'minutesToSend' | 'minutesToAcknowledge' | 'minutesToAnswer' | 'breach'
> & { escalated: number; recontacted: number };

/**
 * The audit for [from, to): the summary and the per-agency figures over every matching referral, and
 * the referrals themselves — one page of them (keyset by made, incident, referral) when `page` is
 * given, all of them (the CSV) when not. Escalations and re-contacts are read for the returned rows only.
 */
export function handoverReport(db: Db, q: HandoverQuery, page?: HandoverPage): HandoverReport {
  const s = db.$client;
  const windowSql = `'+${Math.round(q.windowHours * 60)} minutes'`;
  const rows = s
    .prepare(
      `SELECT r.incident_id AS incidentId, i.reference AS incidentReference, i.category, i.district,
      i.rcrp_decision AS rcrpDecision,
              i.no_deploy_at AS noDeployAt, r.id AS referralId, r.agency, r.agency_label AS agencyLabel,
              r.agency_type AS agencyType,
              r.contact_method AS contactMethod, r.delivery, r.recipient, r.named_contact AS namedContact,
              COALESCE(u.name, r.made_by) AS madeBy, r.made_at AS madeAt, r.sent_at AS sentAt,
              r.acknowledged_at AS acknowledgedAt,
              r.answered_at AS answeredAt, r.answer, r.answered_via AS answeredVia, r.reason, r.status, r.state,
              r.no_response_cause AS noResponseCause, r.resolution, r.resolved_at AS resolvedAt,
              r.withdrawn_at AS withdrawnAt,
              r.caller_informed_at AS callerInformedAt, r.caller_told_who_will_attend AS callerToldWhoWillAttend,
              EXISTS (SELECT 1 FROM referral_escalations e WHERE e.incident_id = r.incident_id AND e.referral_id = r.id)
                AS escalated,
              (i.no_deploy_at IS NOT NULL AND EXISTS (
                SELECT 1 FROM incident_person_keys k
                JOIN incident_person_keys k2 ON k2.person_key = k.person_key AND k2.incident_id <> k.incident_id
                JOIN incidents o ON o.id = k2.incident_id
                WHERE k.incident_id = r.incident_id AND o.received_at > i.no_deploy_at
                  AND o.received_at <= strftime('%Y-%m-%dT%H:%M:%fZ', i.no_deploy_at, ${windowSql}))) AS recontacted
       FROM referrals r JOIN incidents i ON i.id = r.incident_id LEFT JOIN users u ON u.id = r.made_by
       WHERE r.made_at >= @from AND r.made_at < @to AND (@agency IS NULL OR r.agency = @agency)
       ORDER BY r.made_at, r.incident_id, r.id`,
    )
    .all({ from: q.from, to: q.to, agency: q.agency }) as HandoverRow[];

  const escalations = s.prepare(
    `SELECT level, label, reason, opened_at AS openedAt, opened_by AS openedBy,
            CASE WHEN escalated_by_name IS NULL THEN NULL
              ELSE escalated_by_name || ' (' || escalated_by_rank || ')' END AS escalatedBy,
            partner_contact AS partnerContact, closed_at AS closedAt, outcome
     FROM referral_escalations WHERE incident_id = ? AND referral_id = ? ORDER BY level`,
  );
  // Later incidents about the same person (any shared pseudonymous key) within the window after the no-deploy decision
  // (R15).
  const recontacts = s.prepare(
    `SELECT DISTINCT o.id AS incidentId, o.reference, o.received_at AS receivedAt
     FROM incident_person_keys k
     JOIN incident_person_keys k2 ON k2.person_key = k.person_key AND k2.incident_id <> k.incident_id
     JOIN incidents o ON o.id = k2.incident_id
     WHERE k.incident_id = ? AND o.received_at > ? AND o.received_at <= ?
     ORDER BY o.received_at, o.id`,
  );
  const windowMs = q.windowHours * 3_600_000;

  const timed = rows
    .map(({ escalated, recontacted, ...r }) => {
      const reached = r.sentAt ?? (r.delivery === 'email' ? null : r.madeAt);
      const answered = r.answer === 'accepted' || r.answer === 'declined' ? r.answeredAt : null;
      const due = reached ? (q.answerMinutes?.(r.agencyType) ?? null) : null;
      const late =
        due !== null &&
        (answered
          ? minutesBetween(reached!, answered) > due
          : r.status === 'pending' && q.now !== undefined && minutesBetween(reached!, q.now) > due);
      return {
        row: {
          ...r,
          minutesToSend: r.delivery === 'email' ? span(r.madeAt, r.sentAt) : null,
          minutesToAcknowledge: span(reached, r.acknowledgedAt),
          minutesToAnswer: span(reached, answered),
          breach: r.noResponseCause !== null || late,
        },
        escalated: escalated === 1,
        recontacted: recontacted === 1,
      };
    })
    .filter((t) => q.breach === undefined || q.breach === null || t.row.breach === q.breach);

  let start = 0;
  if (page?.after) {
    const [m, inc, ref] = page.after;
    const after = (x: (typeof timed)[number]['row']) =>
      x.madeAt > m || (x.madeAt === m && (x.incidentId > inc || (x.incidentId === inc && x.referralId > ref)));
    start = timed.findIndex((t) => after(t.row));
    if (start < 0) start = timed.length;
  }
  const slice = page ? timed.slice(start, start + page.limit) : timed;
  const items: Handover[] = slice.map(({ row: r }) => ({
    ...r,
    escalations: escalations.all(r.incidentId, r.referralId) as HandoverEscalation[],
    recontacts: r.noDeployAt
      ? (recontacts.all(
          r.incidentId,
          r.noDeployAt,
          new Date(Date.parse(r.noDeployAt) + windowMs).toISOString(),
        ) as Handover['recontacts'])
      : [],
  }));
  const last = page && start + page.limit < timed.length ? slice[slice.length - 1]?.row : undefined;

  const all = timed.map((t) => t.row);
  const byStatus: Record<string, number> = {};
  for (const i of all) byStatus[i.status] = (byStatus[i.status] ?? 0) + 1;
  const minutes = (xs: typeof all, k: 'minutesToAcknowledge' | 'minutesToAnswer') =>
    median(xs.flatMap((i) => (i[k] === null ? [] : [i[k]])));
  return {
    from: q.from,
    to: q.to,
    agency: q.agency,
    windowHours: q.windowHours,
    summary: {
      referrals: all.length,
      byStatus,
      escalated: timed.filter((t) => t.escalated).length,
      answeredViaLink: all.filter((i) => i.answeredVia === 'partner').length,
      callerInformed: all.filter((i) => i.callerInformedAt !== null).length,
      withRecontact: timed.filter((t) => t.recontacted).length,
      medianMinutesToAcknowledge: minutes(all, 'minutesToAcknowledge'),
      medianMinutesToAnswer: minutes(all, 'minutesToAnswer'),
    },
    byAgency: byAgency(all, minutes),
    total: all.length,
    items,
    next: last ? [last.madeAt, last.incidentId, last.referralId] : null,
  };
}

function byAgency<T extends Omit<Handover, 'escalations' | 'recontacts'>>(
  all: T[],
  minutes: (xs: T[], k: 'minutesToAcknowledge' | 'minutesToAnswer') => number | null,
): AgencySummary[] {
  const groups = new Map<string, T[]>();
  for (const i of all) {
    const g = groups.get(i.agency);
    if (g) g.push(i);
    else groups.set(i.agency, [i]);
  }
  return [...groups.entries()]
    .map(([agency, xs]) => ({
      agency,
      label: xs[0]!.agencyLabel ?? agency,
      referrals: xs.length,
      answered: xs.filter((i) => i.minutesToAnswer !== null).length,
      breaches: xs.filter((i) => i.breach).length,
      medianMinutesToAcknowledge: minutes(xs, 'minutesToAcknowledge'),
      medianMinutesToAnswer: minutes(xs, 'minutesToAnswer'),
    }))
    .sort((a, b) => b.breaches - a.breaches || a.label.localeCompare(b.label));
}

export const HANDOVER_CSV_COLUMNS = [
  'incidentReference',
  'incidentId',
  'category',
  'district',
  'rcrpDecision',
  'referralId',
  'agency',
  'agencyLabel',
  'agencyType',
  'contactMethod',
  'delivery',
  'recipient',
  'namedContact',
  'madeBy',
  'madeAt',
  'sentAt',
  'acknowledgedAt',
  'answeredAt',
  'answer',
  'answeredVia',
  'reason',
  'status',
  'state',
  'noResponseCause',
  'minutesToSend',
  'minutesToAcknowledge',
  'minutesToAnswer',
  'breach',
  'escalationLevels',
  'escalations',
  'resolution',
  'resolvedAt',
  'withdrawnAt',
  'callerInformedAt',
  'callerToldWhoWillAttend',
  'noDeployAt',
  'recontactsWithinWindow',
  'recontactIncidents',
] as const;

/**
 * One row per referral; escalations flattened as "L1 opened … by … (reason) → outcome at …" joined
 * with " | ". Cells that a spreadsheet would read as formulas are escaped (csv-stringify escape_formulas).
 */
export function handoversCsv(r: HandoverReport): string {
  const rows = r.items.map((i) => ({
    ...i,
    escalationLevels: i.escalations.map((e) => e.level).join(';'),
    escalations: i.escalations
      .map(
        (e) =>
          `L${e.level} ${e.label}: opened ${e.openedAt} by ${e.escalatedBy ?? e.openedBy} ` +
          `(${e.reason})${e.partnerContact ? ` partner ${e.partnerContact}` : ''}` +
          (e.closedAt ? ` -> ${e.outcome} at ${e.closedAt}` : ' -> open'),
      )
      .join(' | '),
    recontactsWithinWindow: i.recontacts.length,
    recontactIncidents: i.recontacts.map((x) => x.reference ?? x.incidentId).join(';'),
  }));
  return stringify(rows, {
    header: true,
    columns: [...HANDOVER_CSV_COLUMNS],
    escape_formulas: true,
    cast: { boolean: (b) => (b ? 'true' : 'false') },
  });
}

export const PLACE_OF_SAFETY_CSV_COLUMNS = [
  'incidentReference',
  'incidentId',
  'detentionId',
  'power',
  'stay',
  'site',
  'placeType',
  'placeLabel',
  'arrivedAt',
  'policeInAttendance',
  'handoverRuleApplies',
  'nhsAcceptedAt',
  'acceptedBy',
  'policeDepartedAt',
  'minutesToAcceptance',
  'minutesToDeparture',
  'extendedStayReason',
  'extendedStayNhsContact',
  'status',
  'breach',
  'breachReason',
] as const;

/** One row per stay at a place of safety (R35), formulas escaped as in the referral CSV. */
export function placeOfSafetyCsv(items: readonly PlaceOfSafetyHandover[]): string {
  const rows = items.map((h) => ({
    ...h,
    extendedStayReason: h.extendedStay?.reason ?? '',
    extendedStayNhsContact: h.extendedStay?.nhsContact ?? '',
  }));
  return stringify(rows, {
    header: true,
    columns: [...PLACE_OF_SAFETY_CSV_COLUMNS],
    escape_formulas: true,
    cast: { boolean: (b) => (b ? 'true' : 'false') },
  });
}
