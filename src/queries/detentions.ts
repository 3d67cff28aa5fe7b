/**
 * Read models of MHA s.136/s.135 detentions: the list (filtered, by newest or by the clock that
 * runs out first) from the projection table, and one detention as its machine knows it, with its
 * clock, places of safety, handover, assessment, ADR completeness, R45 audit and legal timeline.
 */
import { and, asc, count, desc, eq, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { detentions, incidents } from '../../db/schema.js';
import {
  adrMissing,
  detentionAllowedEvents,
  type DetentionContext,
  type DetentionSnapshot,
  type Power,
} from '../../machines/detention/index.js';
import { incidentStore } from '../commands/incident-store.js';
import { childStateName, restoreAggregate } from '../domain/incident-aggregate.js';
import { detentionStatus } from '../domain/projection.js';
import { DETENTION_FLAG_RULES, type DetentionFlagRule } from '../domain/rule-titles.js';
import type { DetentionStatus } from '../domain/vocabulary.js';
import { latestFindings } from './detention-findings.js';
import type { After } from './incidents.js';
import { detentionTimeline, type TimelineEntry } from './timeline.js';

const RUNNING_STATUSES = ['running', 'lapsed'];

/** Seconds left on a running clock (never negative), or null when no clock runs. */
function timeLeft(status: string, expiresAt: string | null, now: number): number | null {
  if (!expiresAt || !RUNNING_STATUSES.includes(status)) return null;
  return Math.max(0, Math.floor((Date.parse(expiresAt) - now) / 1000));
}

const minutesBetween = (a: string | null, b: string | null) =>
  a && b ? Math.round((Date.parse(b) - Date.parse(a)) / 60_000) : null;

export interface DetentionFilter {
  status?: DetentionStatus | undefined;
  /** 'true': considering, running or lapsed; 'false': the others. */
  open?: 'true' | 'false' | undefined;
  state?: string | undefined;
  power?: Power | undefined;
  /** Current (or first) place of safety: a type or a configured site code. */
  placeOfSafety?: string | undefined;
  firstPlaceOfSafety?: string | undefined;
  incidentId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  outcome?: string | undefined;
  /** A rule whose alert the detention carries (R23: the detention lapsed). */
  flag?: DetentionFlagRule | undefined;
  /** 'true': the MH lead has recorded a finding; 'false': not yet. */
  reviewed?: 'true' | 'false' | undefined;
  order: 'newest' | 'expiry';
  limit: number;
}

/** The alerts table keys a detention's flags `<incident>:detention:<id>:<flag key>`. */
const alertPrefix = sql`${detentions.incidentId} || ':detention:' || ${detentions.id} || ':'`;

/** The detention carries an alert of `rule`; R23 means the detention lapsed (a warning is not a breach). */
function hasFlag(rule: DetentionFlagRule): SQL {
  if (rule === 'R23') return sql`(${detentions.lapsedAt} IS NOT NULL OR ${detentions.outcome} = 'lapsed')`;
  return sql`EXISTS (SELECT 1 FROM alerts a WHERE a.incident_id = ${detentions.incidentId} AND a.rule = ${rule}
    AND substr(a.id, 1, length(${alertPrefix})) = ${alertPrefix})`;
}

const isFlagRule = (r: string): r is DetentionFlagRule => (DETENTION_FLAG_RULES as readonly string[]).includes(r);

const isReviewed = sql`EXISTS (SELECT 1 FROM detention_reviews r WHERE r.detention_id = ${detentions.id})`;

/** The flag rules (as the list filters them) each detention of a page carries. */
function flaggedRules(db: Db, rows: Array<{ id: string; incidentId: string; lapsed: boolean }>) {
  const out = new Map<string, Set<DetentionFlagRule>>(
    rows.map((r) => [r.id, new Set<DetentionFlagRule>(r.lapsed ? ['R23'] : [])]),
  );
  if (rows.length === 0) return out;
  const incidentsOf = [...new Set(rows.map((r) => r.incidentId))];
  const alerts = db.$client
    .prepare(
      `SELECT id, incident_id AS incidentId, rule FROM alerts
       WHERE incident_id IN (${incidentsOf.map(() => '?').join(',')}) AND rule <> 'R23'`,
    )
    .all(...incidentsOf) as Array<{ id: string; incidentId: string; rule: string }>;
  for (const r of rows) {
    const prefix = `${r.incidentId}:detention:${r.id}:`;
    for (const a of alerts)
      if (a.incidentId === r.incidentId && a.id.startsWith(prefix) && isFlagRule(a.rule)) out.get(r.id)!.add(a.rule);
  }
  return out;
}

export function listDetentions(db: Db, now: Date, q: DetentionFilter, after: After | null) {
  const where: SQL[] = [];
  if (q.status) where.push(eq(detentions.status, q.status));
  if (q.open === 'true') where.push(inArray(detentions.status, ['considering', ...RUNNING_STATUSES]));
  if (q.open === 'false') where.push(inArray(detentions.status, ['notDetained', 'ended', 'closed']));
  if (q.state) where.push(eq(detentions.state, q.state));
  if (q.power) where.push(eq(detentions.power, q.power));
  if (q.placeOfSafety)
    where.push(or(eq(detentions.currentPosType, q.placeOfSafety), eq(detentions.currentPosSite, q.placeOfSafety))!);
  if (q.firstPlaceOfSafety)
    where.push(
      or(eq(detentions.firstPosType, q.firstPlaceOfSafety), eq(detentions.firstPosSite, q.firstPlaceOfSafety))!,
    );
  if (q.incidentId) where.push(eq(detentions.incidentId, q.incidentId));
  if (q.from) where.push(gte(detentions.startedAt, new Date(q.from).toISOString()));
  if (q.to) where.push(lt(detentions.startedAt, new Date(q.to).toISOString()));
  if (q.outcome) where.push(eq(detentions.outcome, q.outcome));
  if (q.flag) where.push(hasFlag(q.flag));
  // Reviewed or not: counted over the other filters, so the list can say "n reviewed, m not".
  const beforeReview = where.length ? and(...where) : undefined;
  if (q.reviewed === 'true') where.push(isReviewed);
  if (q.reviewed === 'false') where.push(sql`NOT ${isReviewed}`);
  const filter = where.length ? and(...where) : undefined;
  const page: SQL[] = [...where];
  if (after) {
    const [startedAt, id] = after;
    page.push(
      or(lt(detentions.startedAt, startedAt), and(eq(detentions.startedAt, startedAt), lt(detentions.id, id)))!,
    );
  }
  const order =
    q.order === 'expiry'
      ? [sql`${detentions.expiresAt} IS NULL`, asc(detentions.expiresAt), asc(detentions.id)]
      : [desc(detentions.startedAt), desc(detentions.id)];
  const rows = db
    .select({ d: detentions, reference: incidents.reference })
    .from(detentions)
    .innerJoin(incidents, eq(incidents.id, detentions.incidentId))
    .where(page.length ? and(...page) : undefined)
    .orderBy(...order)
    .limit(q.limit + 1)
    .all();
  const total = db.select({ n: count() }).from(detentions).where(filter).all()[0]?.n ?? 0;
  const reviewedCount =
    db
      .select({ n: count() })
      .from(detentions)
      .where(beforeReview ? and(beforeReview, isReviewed) : isReviewed)
      .all()[0]?.n ?? 0;
  const considered = db.select({ n: count() }).from(detentions).where(beforeReview).all()[0]?.n ?? 0;
  const pageRows = rows.slice(0, q.limit);
  const flags = flaggedRules(
    db,
    pageRows.map(({ d }) => ({
      id: d.id,
      incidentId: d.incidentId,
      lapsed: d.lapsedAt !== null || d.outcome === 'lapsed',
    })),
  );
  const findings = latestFindings(
    db,
    pageRows.map(({ d }) => d.id),
  );
  const items = pageRows.map(({ d, reference }) => {
    const left = timeLeft(d.status, d.expiresAt, now.getTime());
    const finding = findings.get(d.id);
    return {
      id: d.id,
      incidentId: d.incidentId,
      incidentReference: reference,
      // The projection stores the machine's codes as text: read back as the codes they are.
      power: d.power as Power,
      state: d.state,
      status: d.status as DetentionStatus,
      startedAt: d.startedAt,
      detainedAt: d.detainedAt,
      clockStart: d.clockStart,
      clockBasis: d.clockBasis,
      expiresAt: d.expiresAt,
      extensionHours: d.extensionMinutes / 60,
      timeLeftSeconds: left,
      expired: d.expiresAt !== null && RUNNING_STATUSES.includes(d.status) && now.toISOString() >= d.expiresAt,
      firstPlaceOfSafety: d.firstPosType ? { type: d.firstPosType, site: d.firstPosSite } : null,
      currentPlaceOfSafety: d.currentPosType ? { type: d.currentPosType, site: d.currentPosSite } : null,
      transfers: d.transfers,
      policeStationUsed: d.policeStationUsed,
      conveyanceMethod: d.conveyanceMethod,
      outcome: d.outcome,
      endedAt: d.endedAt,
      closedAt: d.closedAt,
      adrMissing: d.adrMissing ? d.adrMissing.split(',') : [],
      flaggedRules: [...flags.get(d.id)!].sort(),
      review: finding ? { conclusion: finding.conclusion, recordedAt: finding.recordedAt } : null,
    };
  });
  const last = rows.length > q.limit ? rows[q.limit - 1]?.d : undefined;
  const next: After | null = last && q.order === 'newest' ? [last.startedAt, last.id] : null;
  return { items, total, next, reviewed: { reviewed: reviewedCount, notReviewed: considered - reviewedCount } };
}

/** One detention with everything a reviewer checks; null when there is none. */
export function detentionDetail(db: Db, now: Date, id: string) {
  const store = incidentStore(db);
  const incidentId = store.detentionIncident(id);
  const row = incidentId ? store.load(incidentId) : null;
  if (!incidentId || !row) return null;
  const agg = restoreAggregate(row.snapshot);
  const snap = agg.children.detention[id] as DetentionSnapshot;
  const d = snap.context as DetentionContext;
  const state = childStateName(snap);
  const status = detentionStatus(state, d) as DetentionStatus;
  const entries = detentionTimeline(db, incidentId, id);
  const first = d.stays[0] ?? null;
  const current = d.stays[d.stays.length - 1] ?? null;
  const missing = state === 'considering' || state === 'consulted' || state === 'notDetained' ? [] : adrMissing(d);
  const review = latestFindings(db, [id]).get(id);
  return {
    id,
    incidentId,
    incidentReference: agg.incident.context.reference,
    version: agg.personVersion,
    power: d.power,
    state,
    status,
    allowedEvents: state === 'closed' || agg.incident.context.closedAt ? [] : detentionAllowedEvents(snap),
    startedAt: d.consideredAt ?? d.detainedAt!,
    detainedAt: d.detainedAt,
    clockStart: d.clockStart,
    clockBasis: d.clockBasis,
    expiresAt: d.expiresAt,
    extensionHours: d.extensions.reduce((n, x) => n + x.minutes, 0) / 60,
    timeLeftSeconds: timeLeft(status, d.expiresAt, now.getTime()),
    expired: d.expiresAt !== null && RUNNING_STATUSES.includes(status) && now.toISOString() >= d.expiresAt,
    firstPlaceOfSafety: first ? { type: first.place.type, site: first.place.site } : null,
    currentPlaceOfSafety: current ? { type: current.place.type, site: current.place.site } : null,
    transfers: Math.max(0, d.stays.length - 1),
    policeStationUsed: d.stays.some((s) => s.place.type === 'policeStation'),
    conveyanceMethod: d.conveyance?.method ?? d.adr.conveyanceMethod,
    outcome: d.outcome?.code ?? null,
    endedAt: d.outcome?.at ?? null,
    closedAt: d.closedAt,
    adrMissing: missing,
    flaggedRules: [
      ...new Set<DetentionFlagRule>([
        ...(d.lapsedAt || d.outcome?.code === 'lapsed' ? (['R23'] as const) : []),
        ...d.flags.map((f) => f.rule).filter((r): r is DetentionFlagRule => r !== 'R23' && isFlagRule(r)),
      ]),
    ].sort(),
    review: review ? { conclusion: review.conclusion, recordedAt: review.recordedAt } : null,
    limits: {
      handoverMinutes: d.policy.handoverMinutes,
      healthcareCheckMinutes: d.policy.healthcareCheckMinutes,
      assessmentStartFlagHours: d.policy.assessmentStartFlagHours,
    },
    officer: d.officer,
    locationType: d.locationType,
    warrant: d.warrant as Record<string, unknown> | null,
    consultations: d.consultations.map(({ at, practicable, profession }) => ({ at, practicable, profession })),
    person: d.person,
    clock: {
      start: d.clockStart,
      basis: d.clockBasis,
      baseExpiresAt: d.baseExpiresAt,
      extensions: d.extensions.map((x) => ({
        at: x.at,
        hours: x.minutes / 60,
        authoriser: x.authoriser,
        ground: x.ground,
        superintendent: x.superintendent,
      })),
      expiresAt: d.expiresAt,
      lapsedAt: d.lapsedAt,
      timeLeftSeconds: timeLeft(status, d.expiresAt, now.getTime()),
    },
    conveyance: d.conveyance as Record<string, unknown> | null,
    stays: d.stays.map((s) => ({
      place: { type: s.place.type, site: s.place.site, label: s.place.label },
      arrivedAt: s.arrivedAt,
      policeInAttendance: s.policeInAttendance,
      handoverRuleApplies: s.handoverRuleApplies,
      nhsAcceptedAt: s.acceptedAt,
      acceptedBy: s.acceptedBy,
      policeDepartedAt: s.departedAt,
      minutesToAcceptance: minutesBetween(s.arrivedAt, s.acceptedAt),
      minutesToDeparture: minutesBetween(s.arrivedAt, s.departedAt),
      extendedStay: s.extendedStay,
      lastHealthcareCheckAt: s.lastCheckAt,
    })),
    assessment: {
      startedAt: d.assessmentStartedAt,
      doctorExaminedAt: d.outcome?.doctorExaminedAt ?? null,
      amhpInterviewedAt: d.outcome?.amhpInterviewedAt ?? null,
      endedAt: d.outcome?.assessmentEndedAt ?? null,
    },
    outcomeDetail: d.outcome as Record<string, unknown> | null,
    adr: {
      complete: missing.length === 0 && state !== 'considering' && state !== 'consulted' && state !== 'notDetained',
      missing,
    },
    flags: d.flags.map(({ key, rule, severity, message, raisedAt }) => ({
      key,
      rule,
      severity,
      message,
      raisedAt,
    })),
    audit: auditTrail(entries),
    timeline: entries,
  };
}

/** R45: the authorisations, police-station uses, extensions and overrides of a detention, from its (append-only)
 * events. */
export interface AuditEntry {
  seq: number;
  kind: 'detention' | 'policeStationUse' | 'extension' | 'policeRelease' | 'adrAmendment';
  occurredAt: string;
  recordedAt: string;
  recordedBy: { id: string; name: string; role: string };
  people: Array<{ capacity: string; name: string; rank: string | null; at: string | null }>;
  detail: Record<string, unknown>;
}

export function auditTrail(entries: TimelineEntry[]): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (const e of entries) {
    const base = { seq: e.seq, occurredAt: e.occurredAt, recordedAt: e.recordedAt, recordedBy: e.actor };
    const d = e.data;
    if (e.type === 'S136_DETAINED' || e.type === 'S135_WARRANT_EXECUTED') {
      out.push({
        ...base,
        kind: 'detention' as const,
        people: [
          {
            capacity: 'detaining officer',
            name: d.officer.name,
            rank: d.officer.rank ?? d.officer.role,
            at: e.occurredAt,
          },
        ],
        detail: {
          power: d.power ?? 's136',
          mode: d.mode,
          ...(d.warrant ? { warrantReference: d.warrant.reference } : {}),
        },
      });
    }
    const place = d.placeOfSafety;
    if (place?.type === 'policeStation' && place.policeStation) {
      const ps = place.policeStation;
      out.push({
        ...base,
        kind: 'policeStationUse' as const,
        people: [
          { capacity: 'decision-maker', name: ps.decisionMaker.name, rank: ps.decisionMaker.rank, at: e.occurredAt },
          ...(ps.authorisation
            ? [
                {
                  capacity: 'authorising officer',
                  name: ps.authorisation.name,
                  rank: ps.authorisation.rank,
                  at: ps.authorisation.at,
                },
              ]
            : []),
        ],
        detail: { site: place.site, via: e.type, noOtherPlaceReason: ps.noOtherPlaceReason, reasonCode: ps.reasonCode },
      });
    }
    if (e.type === 'S136_EXTENSION_AUTHORISED') {
      out.push({
        ...base,
        kind: 'extension' as const,
        people: [
          { capacity: 'registered medical practitioner', name: d.authoriser.name, rank: null, at: e.occurredAt },
          ...(d.superintendentApproval
            ? [
                {
                  capacity: 'approving superintendent',
                  name: d.superintendentApproval.name,
                  rank: d.superintendentApproval.rank,
                  at: d.superintendentApproval.at,
                },
              ]
            : []),
        ],
        detail: { hours: d.hours, ground: d.ground, gmcNumber: d.authoriser.gmcNumber },
      });
    }
    if (e.type === 'S136_RELEASED_BY_POLICE') {
      out.push({
        ...base,
        kind: 'policeRelease' as const,
        people: [
          { capacity: 'reviewing supervisor', name: d.supervisor.name, rank: d.supervisor.rank, at: e.occurredAt },
        ],
        detail: { reason: d.reason },
      });
    }
    if (e.type === 'S136_ADR_RECORDED') {
      const { detentionId: _d, ...fields } = d;
      out.push({ ...base, kind: 'adrAmendment' as const, people: [], detail: fields });
    }
  }
  return out;
}
