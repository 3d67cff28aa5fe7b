/**
 * A partner agency answers a referral through the response link (no account): acknowledge, accept
 * or decline. The answer is an ordinary event on the incident, through the one command path, with
 * the agency as actor (`agency:<code>`, role `partner`). Whether it may still answer is the
 * referral's state: once accepted or declined (or withdrawn, or the incident closed) a second use of
 * the link is refused and nothing is written.
 */
import type { ReferralContext } from '../../machines/referral/index.js';
import {
  childStateName,
  restoreAggregate,
  type AggregateEvent,
  type AggregateState,
} from '../domain/incident-aggregate.js';
import type { CommandDeps, CommandResult } from './deps.js';
import { incidentStore } from './incident-store.js';
import { commitEvent, inTransaction } from './run-command.js';

export type PartnerAction = 'acknowledge' | 'accept' | 'decline';

export interface PartnerReferral {
  incident: {
    id: string;
    reference: string | null;
    category: string;
    district: string | null;
    closed: boolean;
    version: number;
  };
  referralId: string;
  state: string;
  referral: ReferralContext;
}

export type PartnerRefusal = { status: 404 | 409 | 410 | 422; code: string; title: string; message: string };

/** Why the partner can no longer act on this referral (or on `action`), or null. */
export function partnerRefusal(p: PartnerReferral, action: PartnerAction | null): PartnerRefusal | null {
  const r = p.referral;
  if (p.incident.closed)
    return {
      status: 410,
      code: 'INCIDENT_CLOSED',
      title: 'This referral is closed',
      message: 'The police incident has been closed. No action is needed.',
    };
  if (r.withdrawn)
    return {
      status: 410,
      code: 'REFERRAL_WITHDRAWN',
      title: 'This referral was withdrawn',
      message: `The control room withdrew this referral (${r.withdrawn.reason}). No action is needed.`,
    };
  const answered = r.answer === 'accepted' || r.answer === 'declined' ? r.answer : r.resolution ? 'resolved' : null;
  if (answered && action !== null) {
    return {
      status: 409,
      code: 'ALREADY_ANSWERED',
      title: 'This referral has already been answered',
      message:
        `It was ${answered}${r.answeredAt ? ` at ${r.answeredAt}` : ''}. This link works once; nothing was ` +
        `changed. To change the answer, ring the control room.`,
    };
  }
  if (action === 'acknowledge' && !r.acknowledgedAt && p.state !== 'drafted' && p.state !== 'sent') {
    return {
      status: 409,
      code: 'ACKNOWLEDGEMENT_TOO_LATE',
      title: 'Please accept or decline',
      message:
        'No acknowledgement reached us in time, so this referral has been escalated. Please accept or decline it ' +
        'now, or ring the control room.',
    };
  }
  return null;
}

export function loadPartnerReferral(deps: CommandDeps, incidentId: string, referralId: string): PartnerReferral | null {
  const row = incidentStore(deps.db).load(incidentId);
  if (!row) return null;
  return partnerReferralOf(restoreAggregate(row.snapshot), referralId);
}

function partnerReferralOf(s: AggregateState, referralId: string): PartnerReferral | null {
  const snap = s.children.referral[referralId];
  if (!snap) return null;
  const c = s.incident.context;
  return {
    incident: {
      id: c.incidentId,
      reference: c.reference,
      category: c.category,
      district: c.district,
      closed: c.closedAt !== null,
      version: s.personVersion,
    },
    referralId,
    state: childStateName(snap),
    referral: snap.context as ReferralContext,
  };
}

export interface PartnerAnswer {
  incidentId: string;
  referralId: string;
  action: PartnerAction;
  respondent: string;
  reason: string | null;
  agencyReference: string | null;
}

export type PartnerResult =
  | { ok: true; referral: PartnerReferral; nothingToDo: boolean }
  | { ok: false; refusal: PartnerRefusal; referral: PartnerReferral | null };

export function recordPartnerAnswer(deps: CommandDeps, a: PartnerAnswer): PartnerResult {
  let outcome: PartnerResult | null = null;
  const meta = { actor: { id: 'partner-link', role: 'partner' as const }, idempotencyKey: null, requestHash: '' };
  // The transaction commits only when the answer was recorded; `outcome` says what to show the partner.
  inTransaction(deps, meta, (): CommandResult<null, PartnerRefusal> => {
    const row = incidentStore(deps.db).load(a.incidentId);
    const before = row ? restoreAggregate(row.snapshot) : null;
    const p = before ? partnerReferralOf(before, a.referralId) : null;
    const refuse = (refusal: PartnerRefusal): CommandResult<null, PartnerRefusal> => {
      outcome = { ok: false, refusal, referral: p };
      return { ok: false, refusal };
    };
    if (!before || !p)
      return refuse({
        status: 404,
        code: 'REFERRAL_NOT_FOUND',
        title: 'Referral not found',
        message: 'This referral does not exist. Ring the control room.',
      });
    const refusal = partnerRefusal(p, a.action);
    if (refusal) return refuse(refusal);
    if (a.action === 'acknowledge' && p.referral.acknowledgedAt) {
      outcome = { ok: true, referral: p, nothingToDo: true };
      return { ok: true, status: 200, body: null, etag: null, replayed: false };
    }
    const now = deps.clock.now().toISOString();
    const envelope = {
      seq: before.version + 1,
      occurredAt: now,
      recordedAt: now,
      actor: { id: `agency:${p.referral.agency}`, role: 'partner' as const },
    };
    const event: AggregateEvent =
      a.action === 'acknowledge'
        ? {
            type: 'REFERRAL_ACKNOWLEDGED',
            referralId: a.referralId,
            acknowledgedBy: a.respondent,
            agencyReference: a.agencyReference,
            ...envelope,
          }
        : {
            type: 'REFERRAL_ANSWERED',
            referralId: a.referralId,
            answer: a.action === 'accept' ? 'accepted' : 'declined',
            reason: a.reason,
            agencyReference: a.agencyReference,
            respondent: a.respondent,
            ...envelope,
          };
    const c = commitEvent(deps, before, event, null);
    if (!c.ok) return refuse({ status: 422, code: c.refusal.code, title: 'Not recorded', message: c.refusal.message });
    outcome = { ok: true, referral: partnerReferralOf(c.state, a.referralId)!, nothingToDo: false };
    return { ok: true, status: 200, body: null, etag: `"${c.state.personVersion}"`, replayed: false };
  });
  return outcome!;
}
