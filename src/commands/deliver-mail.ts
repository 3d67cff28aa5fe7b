/**
 * The outbox worker as the server runs it: deliver due emails, and when a referral email has been
 * accepted by the mail server, record REFERRAL_SENT (system actor, Message-ID) through the command
 * path in the same transaction that marks the outbox row sent. The referral's acknowledgement and
 * answer clocks run from that moment, not from when the email was queued.
 */
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
    if (row.kind !== 'referral' || !row.incidentId || !row.correlation) return nothing;
    const stored = incidentStore(deps.db).load(row.incidentId);
    if (!stored) return nothing;
    const before = restoreAggregate(stored.snapshot);
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
