/**
 * Sends queued emails. Each row is leased ('sending', with a lease expiry) in its own transaction
 * before the SMTP conversation, then marked 'sent' with the time; a failure schedules a retry with
 * exponential backoff. If the process dies after the SMTP server accepted a message but before
 * 'sent' was written, the lease expires and the message is sent again with the same Message-ID:
 * delivery is at-least-once, and the fixed Message-ID lets the receiver discard the duplicate.
 */
import type { Db } from '../../db/client.js';
import type { Clock } from '../clock.js';
import type { MailTransport } from './transport.js';

export interface OutboxRow {
  id: number;
  kind: string;
  incidentId: string | null;
  correlation: string | null;
  recipient: string;
  subject: string;
  body: string;
  html: string | null;
  attempts: number;
  messageId: string;
}

export interface WorkerOptions {
  from: string;
  batch?: number;
  maxAttempts?: number;
  leaseSeconds?: number;
  baseBackoffSeconds?: number;
  /**
   * Called once the mail server accepted a message, with `markSent` (which records it): lets the
   * caller record what the sending means (e.g. a referral is now "sent") in the same transaction.
   * Without it, the row is simply marked sent.
   */
  onSent?: (row: OutboxRow, sentAt: string, markSent: () => void) => void;
}

export const backoffSeconds = (attempts: number, base: number) => Math.min(base * 2 ** Math.max(0, attempts - 1), 3600);

export async function deliverDueMail(
  db: Db,
  clock: Clock,
  transport: MailTransport,
  opts: WorkerOptions,
): Promise<{ sent: number; failed: number }> {
  const batch = opts.batch ?? 20;
  const maxAttempts = opts.maxAttempts ?? 12;
  const lease = opts.leaseSeconds ?? 120;
  const base = opts.baseBackoffSeconds ?? 30;
  const s = db.$client;
  const later = (seconds: number) => new Date(clock.now().getTime() + seconds * 1000).toISOString();

  const claim = s.transaction((): OutboxRow[] => {
    const rows = s
      .prepare(
        `SELECT id, kind, incident_id AS incidentId, correlation, recipient, subject, body, html, attempts,
        message_id AS messageId FROM outbox
         WHERE status IN ('pending', 'sending') AND next_attempt_at <= ? ORDER BY id LIMIT ?`,
      )
      .all(clock.now().toISOString(), batch) as OutboxRow[];
    const lock = s.prepare(
      `UPDATE outbox SET status = 'sending', attempts = attempts + 1, next_attempt_at = ? WHERE id = ?`,
    );
    for (const r of rows) lock.run(later(lease), r.id);
    return rows.map((r) => ({ ...r, attempts: r.attempts + 1 }));
  });

  let sent = 0;
  let failed = 0;
  for (const row of claim.immediate()) {
    try {
      await transport.sendMail({
        from: opts.from,
        to: row.recipient,
        subject: row.subject,
        text: row.body,
        ...(row.html ? { html: row.html } : {}),
        messageId: row.messageId,
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
    } catch (e) {
      const giveUp = row.attempts >= maxAttempts;
      s.prepare(`UPDATE outbox SET status = ?, next_attempt_at = ?, last_error = ? WHERE id = ?`).run(
        giveUp ? 'failed' : 'pending',
        later(backoffSeconds(row.attempts, base)),
        String((e as Error).message ?? e).slice(0, 500),
        row.id,
      );
      failed++;
      continue;
    }
    const sentAt = clock.now().toISOString();
    const markSent = () => {
      s.prepare(`UPDATE outbox SET status = 'sent', sent_at = ?, last_error = NULL WHERE id = ?`).run(sentAt, row.id);
    };
    if (!opts.onSent) markSent();
    else {
      try {
        opts.onSent(row, sentAt, markSent);
      } catch {
        // The message went: never let a follow-up failure turn it into a retry (a second email).
        markSent();
      }
    }
    sent++;
  }
  return { sent, failed };
}
