/**
 * The outbox worker as the server runs it: deliver due emails, and when a referral email has been
 * accepted by the mail server, record REFERRAL_SENT (system actor, Message-ID) through the command
 * path in the same transaction that marks the outbox row sent. The referral's acknowledgement and
 * answer clocks run from that moment, not from when the email was queued.
 *
 * A referral email (or its withdrawal notice) that went is a disclosure to the partner agency (DPA
 * 2018 s.62): it is written to the access log in the same transaction, under the user who made the
 * referral, with the agency as its recipient. One that never went (cancelled) is not.
 */
import type { ReferralContext } from '../../machines/referral/index.js';
import { writeAccess } from '../access/access-log.js';
import { restoreAggregate, type AggregateEvent } from '../domain/incident-aggregate.js';
import { deliverDueMail, type OutboxRow, type WorkerOptions } from '../mail/outbox-worker.js';
import type { MailTransport } from '../mail/transport.js';
import type { CommandDeps, CommandResult } from './deps.js';
import { SYSTEM_ACTOR } from './deps.js';
import { incidentStore } from './incident-store.js';
import { commitEvent, inTransaction } from './run-command.js';

export function recordMailSent(deps: CommandDeps, row: OutboxRow, sentAt: string, markSent: () => void): CommandResult {
  return inTransaction(deps, { actor: SYSTEM_ACTOR, idempotencyKey: null, requestHash: '' }, () => {
    markSent();
    const nothing: CommandResult = { ok: true, status: 204, body: null, etag: null, replayed: false };
    const disclosure = REFERRAL_DISCLOSURES[row.kind];
    if (!disclosure || !row.incidentId || !row.correlation) return nothing;
    const stored = incidentStore(deps.db).load(row.incidentId);
    if (!stored) return nothing;
    const before = restoreAggregate(stored.snapshot);
    const referral = before.children.referral[row.correlation]?.context as ReferralContext | undefined;
    if (referral) logReferralDisclosure(deps, row.incidentId, referral, disclosure);
    if (row.kind !== 'referral') return nothing;
    const event = {
      type: 'REFERRAL_SENT',
      referralId: row.correlation,
      messageId: row.messageId,
      seq: before.version + 1,
      occurredAt: sentAt,
      recordedAt: deps.clock.now().toISOString(),
      actor: SYSTEM_ACTOR,
    } satisfies AggregateEvent;
    const r = commitEvent(deps, before, event, null);
    // Refused only when the referral no longer waits for its email (answered by phone meanwhile,
    // withdrawn, incident closed): the outbox row still records that it went.
    return r.ok ? { ok: true, status: 200, body: null, etag: `"${r.state.personVersion}"`, replayed: false } : nothing;
  });
}

/** The outbox kinds that disclose a referral to its agency, and the access log's action for each. */
const REFERRAL_DISCLOSURES: Partial<Record<string, string>> = {
  referral: 'referral.email',
  referralWithdrawn: 'referral.withdrawalEmail',
};

function logReferralDisclosure(deps: CommandDeps, incidentId: string, referral: ReferralContext, action: string) {
  const madeAs = deps.db.$client
    .prepare(
      `SELECT actor_role FROM incident_events WHERE incident_id = ? AND type = 'REFERRAL_MADE'
       AND json_extract(payload, '$.referralId') = ? ORDER BY seq LIMIT 1`,
    )
    .pluck()
    .get(incidentId, referral.referralId) as string | undefined;
  writeAccess(deps, {
    userId: referral.madeBy,
    role: madeAs ?? 'unknown',
    kind: 'disclosure',
    action,
    operation: 'referral.manage',
    outcome: 'succeeded',
    purpose: 'partnerReferral',
    recipient: `agency:${referral.agency}`,
    records: [
      { type: 'referral', id: `${incidentId}/${referral.referralId}` },
      { type: 'incident', id: incidentId },
    ],
  });
}

export function deliverOutbox(
  deps: CommandDeps,
  transport: MailTransport,
  opts: WorkerOptions,
): Promise<{ sent: number; failed: number }> {
  return deliverDueMail(deps.db, deps.clock, transport, {
    ...opts,
    onSent: (row, sentAt, markSent) => void recordMailSent(deps, row, sentAt, markSent),
  });
}
