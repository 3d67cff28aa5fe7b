/**
 * Projections are a pure function of the aggregate: the rows reports read. The command path and
 * `rebuild` both call this, which is why a rebuild reproduces the stored rows byte for byte.
 */
import type {
  alerts,
  deadlines,
  detentions,
  incidentPersonKeys,
  incidents,
  referralEscalations,
  referrals,
} from '../../db/schema.js';
import { ageBandFor } from '../../machines/subject.js';
import {
  aggregateDeadlines,
  aggregateFlags,
  childStateName,
  serializeAggregate,
  stateName,
  type AggregateState,
} from './incident-aggregate.js';
import { referralStatus, type ReferralContext } from '../../machines/referral/index.js';
import {
  adrAgeBand,
  adrMissing,
  arrestedForOffence,
  currentStay,
  policeStationReason,
  usedPoliceStation,
  type DetentionContext,
} from '../../machines/detention/index.js';
import type { AnyMachineSnapshot } from 'xstate';
import { projectLedger, type LedgerProjection } from './demand-ledger.js';

export interface Projection extends LedgerProjection {
  incident: typeof incidents.$inferInsert;
  personKeys: Array<typeof incidentPersonKeys.$inferInsert>;
  referrals: Array<typeof referrals.$inferInsert>;
  referralEscalations: Array<typeof referralEscalations.$inferInsert>;
  deadlines: Array<typeof deadlines.$inferInsert>;
  alerts: Array<typeof alerts.$inferInsert>;
  detentions: Array<typeof detentions.$inferInsert>;
}

/** The child-table rows of a projection (everything but the incident row and its snapshot). */
export type ProjectionRows = Omit<Projection, 'incident'>;

export function project(s: AggregateState): Projection {
  const c = s.incident.context;
  const id = c.incidentId;
  const state = stateName(s);
  const subject = c.subject;
  return {
    incident: {
      id,
      reference: c.reference,
      version: s.version,
      personVersion: s.personVersion,
      state,
      status: state === 'closed' ? 'closed' : 'open',
      // Imported history is closed and read rarely: no cached snapshot (a third of its bytes); replayed on load.
      snapshot: c.imported ? null : serializeAggregate(s),
      channel: c.channel,
      category: c.category,
      grade: c.grade?.code ?? null,
      rcrpDecision: c.decision?.decision ?? null,
      district: c.district,
      locationClass: c.locationClass,
      receivedAt: c.receivedAt,
      firstDispatchedAt: c.firstDispatchedAt,
      noDeployAt: c.noDeployAt,
      closedAt: c.closedAt,
      mhFlagAtCall: c.mhFlagAtCall,
      mhFlagAtClose: c.mhFlagAtClose,
      personKey: subject?.personKeys[0] ?? null,
      ageBand: subject ? (subject.ageYears !== null ? ageBandFor(subject.ageYears) : subject.ageBand) : null,
      gender: subject?.gender ?? null,
      ethnicity: subject?.ethnicity ?? null,
      repeatContact: c.repeatContactOf.length > 0,
      thriveVersion: c.thrive?.version ?? 0,
      createdAt: c.createdAt,
      updatedAt: s.updatedAt,
    },
    ...projectRows(s),
  };
}

/**
 * The child rows alone: what a command compares against the state before it, which needs no
 * incident row (and so no serialisation of the whole aggregate).
 */
export function projectRows(s: AggregateState): ProjectionRows {
  const c = s.incident.context;
  const id = c.incidentId;
  const subject = c.subject;
  return {
    personKeys: (subject?.personKeys ?? []).map((personKey) => ({ personKey, incidentId: id })),
    referrals: Object.entries(s.children.referral).map(([rid, r]) => {
      const rc = r.context as ReferralContext;
      const lastInformed = rc.callerInformed[rc.callerInformed.length - 1] ?? null;
      return {
        id: rid,
        incidentId: id,
        agency: rc.agency,
        contactMethod: rc.contactMethod,
        status: referralStatus(rc),
        madeAt: rc.madeAt,
        answeredAt: rc.answeredAt,
        answer: rc.answer,
        state: childStateName(r),
        agencyLabel: rc.route.agencyLabel || null,
        agencyType: rc.route.agencyType,
        delivery: rc.route.delivery,
        recipient: rc.route.delivery === 'email' ? rc.route.email : null,
        namedContact: rc.namedContact,
        madeBy: rc.madeBy,
        sentAt: rc.sentAt,
        acknowledgedAt: rc.acknowledgedAt,
        answeredVia: rc.answeredVia,
        reason: rc.reason,
        noResponseAt: rc.noResponseAt,
        noResponseCause: rc.noResponseCause,
        escalationLevel: rc.escalations.length ? Math.max(...rc.escalations.map((e) => e.level)) : null,
        resolvedAt: rc.resolution?.at ?? null,
        resolution: rc.resolution?.outcome ?? null,
        withdrawnAt: rc.withdrawn?.at ?? null,
        callerInformedAt: lastInformed?.at ?? null,
        callerToldWhoWillAttend: lastInformed?.whoWillAttend ?? null,
      };
    }),
    referralEscalations: Object.entries(s.children.referral).flatMap(([rid, r]) =>
      (r.context as ReferralContext).escalations.map((e) => ({
        incidentId: id,
        referralId: rid,
        level: e.level,
        label: e.label,
        notify: e.notify,
        reason: e.reason,
        openedAt: e.openedAt,
        openedBy: e.openedBy,
        escalatedByName: e.escalatedBy?.name ?? null,
        escalatedByRank: e.escalatedBy?.rank ?? null,
        partnerContact: e.partnerContact,
        note: e.note,
        closedAt: e.closedAt,
        outcome: e.outcome,
        closedBy: e.closedBy,
      })),
    ),
    deadlines: aggregateDeadlines(s).map((d) => ({
      incidentId: id,
      key: d.key,
      rule: d.rule,
      kind: d.kind,
      dueAt: d.dueAt,
      status: d.fired ? 'fired' : 'pending',
    })),
    alerts: aggregateFlags(s).map((f) => ({
      id: `${id}:${f.key}`,
      incidentId: id,
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      notify: f.notify,
      raisedAt: f.raisedAt,
      eventSeq: f.seq,
    })),
    detentions: Object.entries(s.children.detention).map(([did, d]) =>
      detentionRow(id, subject?.personKeys[0] ?? null, did, d),
    ),
    ...projectLedger(s),
  };
}

/** considering | notDetained | running | lapsed | ended | closed: what a list of detentions filters on. */
export function detentionStatus(state: string, c: DetentionContext): string {
  if (state === 'considering' || state === 'consulted') return 'considering';
  if (state === 'notDetained' || state === 'closed' || state === 'ended') return state;
  return c.lapsedAt ? 'lapsed' : 'running';
}

function detentionRow(
  incidentId: string,
  personKey: string | null,
  id: string,
  snap: AnyMachineSnapshot,
): typeof detentions.$inferInsert {
  const c = snap.context as DetentionContext;
  const state = childStateName(snap);
  const first = c.stays[0] ?? null;
  const current = currentStay(c);
  return {
    id,
    incidentId,
    power: c.power,
    state,
    status: detentionStatus(state, c),
    personKey,
    startedAt: c.consideredAt ?? c.detainedAt!,
    detainedAt: c.detainedAt,
    clockStart: c.clockStart,
    clockBasis: c.clockBasis,
    baseExpiresAt: c.baseExpiresAt,
    expiresAt: c.expiresAt,
    extensionMinutes: c.extensions.reduce((n, x) => n + x.minutes, 0),
    firstPosType: first?.place.type ?? c.adr.firstPlaceOfSafety,
    firstPosSite: first?.place.site ?? null,
    currentPosType: current?.place.type ?? null,
    currentPosSite: current?.place.site ?? null,
    transfers: Math.max(0, c.stays.length - 1),
    policeStationUsed: usedPoliceStation(c),
    policeStationReason: policeStationReason(c),
    arrestedForOffence: arrestedForOffence(c),
    conveyanceMethod: c.conveyance?.method ?? c.adr.conveyanceMethod,
    ambulanceRequested:
      c.conveyance?.ambulanceRequested === true ? 'yes' : c.conveyance?.ambulanceRequested === false ? 'no' : null,
    policeVehicleReason: c.conveyance?.policeVehicleReason ?? null,
    ageBand: adrAgeBand(c.person),
    gender: c.person.gender,
    ethnicity: c.person.ethnicity,
    firstArrivedAt: first?.arrivedAt ?? null,
    firstAcceptedAt: first?.acceptedAt ?? null,
    firstDepartedAt: first?.departedAt ?? null,
    assessmentStartedAt: c.assessmentStartedAt,
    outcome: c.outcome?.code ?? null,
    endedAt: c.outcome?.at ?? null,
    lapsedAt: c.lapsedAt,
    closedAt: c.closedAt,
    adrMissing:
      state === 'considering' || state === 'consulted' || state === 'notDetained' ? '' : adrMissing(c).join(','),
    lastEventAt: c.lastAt,
  };
}
