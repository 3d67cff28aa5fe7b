/**
 * What each incident contributes to the demand evidence: a pure function of its aggregate, like
 * every projection. One `incident_ledger` row per incident, one `referral_ledger` row per referral
 * on an MH-related incident, one `person_contacts` row per MH-related incident about an identified
 * person. The report reads sums of these (demand_rollup / referral_rollup, kept equal to GROUP BY
 * over the ledgers); what each measure means is written next to the report queries
 * (src/reports/definitions.ts).
 */
import type {
  incidentLedger,
  personContacts,
  referralLedger,
  resourceAssignments,
  resourceSegments,
} from '../../db/schema.js';
import { attendanceOutcome } from '../../machines/incident/index.js';
import { referralStatus, type ReferralContext } from '../../machines/referral/index.js';
import type { Activity, ResourceContext } from '../../machines/resource/index.js';
import { childStateName, type AggregateState } from './incident-aggregate.js';
import { getOrInsert } from '../lib/maps.js';

export type IncidentLedgerRow = typeof incidentLedger.$inferInsert;
export type ReferralLedgerRow = typeof referralLedger.$inferInsert;
export type PersonContactRow = typeof personContacts.$inferInsert;
export type AssignmentRow = typeof resourceAssignments.$inferInsert;
export type SegmentRow = typeof resourceSegments.$inferInsert;

export const NONE = '(none)';
export const DEFAULT_TIME_ZONE = 'Europe/London';

/** Measure columns of the incident ledger (and demand_rollup), in schema order. */
export const INCIDENT_MEASURES = [
  'incidents',
  'mhFlagAtCall',
  'mhFlagAtClose',
  'closeFlagKnown',
  'flagsAgree',
  'flaggedAtCallOnly',
  'flaggedAtCloseOnly',
  'closed',
  'imported',
  'mhRelated',
  'rcrpScope',
  'decisionDeploy',
  'decisionJoint',
  'decisionHandover',
  'decisionAdvice',
  'decisionNone',
  'repeatAfterNoDeploy',
  'withPolice',
  'assignments',
  'assignmentsOpen',
  'officerSeconds',
  'osTravel',
  'osScene',
  'osConveyance',
  'osWaitingEd',
  'osWaitingHbpos',
  'osCustody',
  'osOther',
  'callsHandled',
  'callSeconds',
  'handedToPartner',
  'releasedIncidents',
  'releasedOfficerSeconds',
  'attendanceMeasured',
  'attendanceMet',
  'attendanceBreached',
] as const;
export type IncidentMeasure = (typeof INCIDENT_MEASURES)[number];

export const REFERRAL_MEASURES = [
  'referrals',
  'accepted',
  'declined',
  'noResponse',
  'pending',
  'answered',
  'answerSeconds',
  'answeredWithin1h',
  'answeredWithin4h',
  'answeredWithin24h',
  'resolved',
  'withdrawn',
  'escalated',
  'reached',
  'acknowledged',
  'ackSeconds',
  'ackWithin1h',
] as const;
export type ReferralMeasure = (typeof REFERRAL_MEASURES)[number];

export const SEGMENT_MEASURE: Record<Activity, IncidentMeasure> = {
  travel: 'osTravel',
  scene: 'osScene',
  conveyance: 'osConveyance',
  waitingED: 'osWaitingEd',
  waitingHBPoS: 'osWaitingHbpos',
  custody: 'osCustody',
  other: 'osOther',
};

// Offsets change on the hour in every zone we serve. One Intl lookup per UTC day when the offset
// is the same at both ends of the day (almost always), per hour otherwise; then arithmetic.
const offsetCache = new Map<string, number>();
const formatters = new Map<string, Intl.DateTimeFormat>();
function intlOffset(atMs: number, timeZone: string): number {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(atMs)).map((x) => [x.type, x.value]));
  return (
    (Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute)) - atMs) / 60_000
  );
}
function offsetMinutes(iso: string, timeZone: string): number {
  const dayKey = `${timeZone}|${iso.slice(0, 10)}`;
  let off = offsetCache.get(dayKey);
  if (off === undefined) {
    const start = Date.parse(`${iso.slice(0, 10)}T00:00:00Z`);
    const a = intlOffset(start, timeZone);
    off = a === intlOffset(start + 23 * 3_600_000, timeZone) ? a : Number.NaN;
    if (offsetCache.size > 100_000) offsetCache.clear();
    offsetCache.set(dayKey, off);
  }
  if (!Number.isNaN(off)) return off;
  const hourKey = `${timeZone}|${iso.slice(0, 13)}`;
  return getOrInsert(offsetCache, hourKey, () => intlOffset(Date.parse(`${iso.slice(0, 13)}:00:00Z`), timeZone));
}

/** The local calendar date (YYYY-MM-DD) of a UTC instant in `timeZone`. */
export function localDay(iso: string, timeZone: string = DEFAULT_TIME_ZONE): string {
  return new Date(Date.parse(iso) + offsetMinutes(iso, timeZone) * 60_000).toISOString().slice(0, 10);
}

/** The UTC instant at which local date `day` (YYYY-MM-DD) begins in `timeZone`. */
export function startOfLocalDay(day: string, timeZone: string = DEFAULT_TIME_ZONE): string {
  const guess = Date.parse(`${day}T00:00:00Z`);
  // The offset at local midnight: try the offset of the guess, then correct once (DST edges).
  let t = guess - offsetMinutes(new Date(guess).toISOString(), timeZone) * 60_000;
  t = guess - offsetMinutes(new Date(t).toISOString(), timeZone) * 60_000;
  return new Date(t).toISOString();
}

const secondsBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 1000);

/** The compact integer form of a pseudonymous person key (52 bits of the HMAC; never shown). */
export const personNumber = (personKey: string) => Number.parseInt(personKey.replace(/^pk_/, '').slice(0, 13), 16);

export interface LedgerProjection {
  assignments: AssignmentRow[];
  segments: SegmentRow[];
  incidentLedger: IncidentLedgerRow[];
  referralLedger: ReferralLedgerRow[];
  personContacts: PersonContactRow[];
}

export function projectLedger(s: AggregateState): LedgerProjection {
  const c = s.incident.context;
  const id = c.incidentId;
  const tz = c.policy.timeZone ?? DEFAULT_TIME_ZONE;
  const day = localDay(c.receivedAt, tz);
  const district = c.district ?? NONE;

  const assignments: AssignmentRow[] = [];
  const segments: SegmentRow[] = [];
  const bySegment = new Map<IncidentMeasure, number>();
  let officerSeconds = 0;
  let open = 0;
  for (const [aid, snap] of Object.entries(s.children.resource ?? {})) {
    const r = snap.context as ResourceContext;
    const os = r.clearedAt ? secondsBetween(r.dispatchedAt, r.clearedAt) * r.officers : null;
    if (os === null) open++;
    else officerSeconds += os;
    assignments.push({
      incidentId: id,
      id: aid,
      callSign: r.callSign,
      resourceType: r.resourceType,
      officers: r.officers,
      status: childStateName(snap),
      dispatchedAt: r.dispatchedAt,
      arrivedAt: r.arrivedAt,
      clearedAt: r.clearedAt,
      officerSeconds: os,
      imported: r.imported,
    });
    r.segments.forEach((seg, idx) => {
      const sos = secondsBetween(seg.startAt, seg.endAt) * r.officers;
      const m = SEGMENT_MEASURE[seg.activity];
      bySegment.set(m, (bySegment.get(m) ?? 0) + sos);
      segments.push({
        incidentId: id,
        assignmentId: aid,
        idx,
        activity: seg.activity,
        startAt: seg.startAt,
        endAt: seg.endAt,
        officerSeconds: sos,
      });
    });
  }

  // The R11 acceptance status (pending, accepted, declined, noResponse, resolved, withdrawn), not the machine state.
  const referrals = Object.entries(s.children.referral ?? {}).map(([rid, snap]) => {
    const r = snap.context as ReferralContext;
    return { rid, status: referralStatus(r), r };
  });
  const firstReferral = [...referrals].sort((a, b) =>
    a.r.madeAt < b.r.madeAt ? -1 : a.r.madeAt > b.r.madeAt ? 1 : a.rid < b.rid ? -1 : 1,
  )[0];
  const handed = referrals.some((x) => x.status === 'accepted');
  const released =
    officerSeconds > 0 &&
    c.firstDispatchedAt !== null &&
    referrals.some((x) => x.status === 'accepted' && x.r.madeAt >= c.firstDispatchedAt!);

  const closed = c.closedAt !== null;
  const closeKnown = c.mhFlagAtClose !== null && c.mhFlagAtClose !== undefined;
  const mh = (c.mhFlagAtClose ?? c.mhFlagAtCall) === true;
  const inMh = (x: boolean) => (mh && x ? 1 : 0);
  const decision = c.decision?.decision ?? null;
  const rcrp = c.policy.rcrpCategory;
  const calls = c.callHandling ?? [];
  const attendance = attendanceOutcome(c)?.status ?? null;

  const measures: Record<IncidentMeasure, number> = {
    incidents: 1,
    mhFlagAtCall: c.mhFlagAtCall ? 1 : 0,
    mhFlagAtClose: c.mhFlagAtClose === true ? 1 : 0,
    closeFlagKnown: closeKnown ? 1 : 0,
    flagsAgree: closeKnown && c.mhFlagAtClose === c.mhFlagAtCall ? 1 : 0,
    flaggedAtCallOnly: closeKnown && c.mhFlagAtCall && !c.mhFlagAtClose ? 1 : 0,
    flaggedAtCloseOnly: closeKnown && !c.mhFlagAtCall && c.mhFlagAtClose ? 1 : 0,
    closed: closed ? 1 : 0,
    imported: c.imported ? 1 : 0,
    mhRelated: mh ? 1 : 0,
    rcrpScope: inMh(rcrp),
    decisionDeploy: inMh(rcrp && decision === 'deploy'),
    decisionJoint: inMh(rcrp && decision === 'jointResponse'),
    decisionHandover: inMh(rcrp && decision === 'handover'),
    decisionAdvice: inMh(rcrp && decision === 'adviceOnly'),
    decisionNone: inMh(rcrp && decision === null),
    repeatAfterNoDeploy: inMh(c.repeatContactOf.length > 0),
    withPolice: inMh(assignments.length > 0),
    assignments: mh ? assignments.length : 0,
    assignmentsOpen: mh ? open : 0,
    officerSeconds: mh ? officerSeconds : 0,
    osTravel: 0,
    osScene: 0,
    osConveyance: 0,
    osWaitingEd: 0,
    osWaitingHbpos: 0,
    osCustody: 0,
    osOther: 0,
    callsHandled: mh ? calls.length : 0,
    callSeconds: mh ? calls.reduce((a, x) => a + secondsBetween(x.answeredAt, x.endedAt), 0) : 0,
    handedToPartner: inMh(handed),
    releasedIncidents: inMh(released),
    releasedOfficerSeconds: mh && released ? officerSeconds : 0,
    attendanceMeasured: inMh(attendance === 'met' || attendance === 'breached'),
    attendanceMet: inMh(attendance === 'met'),
    attendanceBreached: inMh(attendance === 'breached'),
  };
  if (mh) for (const [m, v] of bySegment) measures[m] = v;

  const incidentLedger: IncidentLedgerRow[] = [
    {
      incidentId: id,
      receivedAt: c.receivedAt,
      day,
      district,
      category: c.category,
      agency: firstReferral?.r.agency ?? NONE,
      ...measures,
    },
  ];

  const referralLedger: ReferralLedgerRow[] = mh
    ? referrals.map(({ rid, status, r }) => {
        // The partner's own answer (by link or to the control room), whatever an escalation later resolved.
        const answered = (r.answer === 'accepted' || r.answer === 'declined') && r.answeredAt !== null;
        const secs = answered ? secondsBetween(r.madeAt, r.answeredAt!) : 0;
        // Acknowledgement counts from when the referral reached the agency (sent, or made by a call).
        const reachedAt = r.sentAt ?? (r.acknowledgedAt !== null ? r.madeAt : null);
        const ackSecs =
          r.acknowledgedAt !== null && reachedAt !== null
            ? Math.max(0, secondsBetween(reachedAt, r.acknowledgedAt))
            : null;
        return {
          incidentId: id,
          referralId: rid,
          day,
          district,
          category: c.category,
          agency: r.agency,
          referrals: 1,
          accepted: status === 'accepted' ? 1 : 0,
          declined: status === 'declined' ? 1 : 0,
          noResponse: status === 'noResponse' ? 1 : 0,
          pending: status === 'pending' ? 1 : 0,
          answered: answered ? 1 : 0,
          answerSeconds: secs,
          answeredWithin1h: answered && secs <= 3600 ? 1 : 0,
          answeredWithin4h: answered && secs <= 4 * 3600 ? 1 : 0,
          answeredWithin24h: answered && secs <= 24 * 3600 ? 1 : 0,
          resolved: status === 'resolved' ? 1 : 0,
          withdrawn: status === 'withdrawn' ? 1 : 0,
          escalated: r.escalations.length > 0 ? 1 : 0,
          reached: reachedAt !== null ? 1 : 0,
          acknowledged: ackSecs !== null ? 1 : 0,
          ackSeconds: ackSecs ?? 0,
          ackWithin1h: ackSecs !== null && ackSecs <= 3600 ? 1 : 0,
        };
      })
    : [];

  const key = c.subject?.personKeys[0];
  // rank and prevS depend on the person's other contacts: the store keeps them (0 / null here).
  const personContacts: PersonContactRow[] =
    mh && key
      ? [
          {
            person: personNumber(key),
            receivedAt: c.receivedAt,
            incidentId: id,
            day,
            receivedS: Math.floor(Date.parse(c.receivedAt) / 1000),
            officerSeconds,
            rank: 0,
            prevS: null,
          },
        ]
      : [];

  return { assignments, segments, incidentLedger, referralLedger, personContacts };
}
