/**
 * Projections are a pure function of the aggregate: the rows reports read. The command path and
 * `rebuild` both call this, which is why a rebuild reproduces the stored rows byte for byte.
 */
import type { alerts, deadlines, incidentPersonKeys, incidents, referrals } from '../../db/schema.js';
import { ageBandFor } from '../../machines/subject.js';
import {
  aggregateDeadlines,
  aggregateFlags,
  childStateName,
  serializeAggregate,
  stateName,
  type AggregateState,
} from './incident-aggregate.js';
import type { ReferralContext } from '../../machines/referral.machine.js';
import { projectLedger, type LedgerProjection } from './demand-ledger.js';

export interface Projection extends LedgerProjection {
  incident: typeof incidents.$inferInsert;
  personKeys: Array<typeof incidentPersonKeys.$inferInsert>;
  referrals: Array<typeof referrals.$inferInsert>;
  deadlines: Array<typeof deadlines.$inferInsert>;
  alerts: Array<typeof alerts.$inferInsert>;
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
      state,
      status: state === 'closed' ? 'closed' : 'open',
      snapshot: serializeAggregate(s),
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
      return {
        id: rid,
        incidentId: id,
        agency: rc.agency,
        contactMethod: rc.contactMethod,
        status: childStateName(r),
        madeAt: rc.madeAt,
        answeredAt: rc.answeredAt,
        answer: rc.answer,
      };
    }),
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
    ...projectLedger(s),
  };
}
