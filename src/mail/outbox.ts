/**
 * Transactional outbox: an email is promised by inserting a row in the same transaction as the
 * event that causes it; the worker sends it later. The dedupe key makes a second promise of the
 * same email a no-op, and the Message-ID is fixed at enqueue time so a resend after a crash carries
 * the same Message-ID (receivers and tests can deduplicate on it).
 */
import { createHash } from 'node:crypto';
import type { Db } from '../../db/client.js';

export interface MailToSend {
  dedupeKey: string;
  kind: string;
  incidentId: string | null;
  recipient: string;
  subject: string;
  body: string;
  /** The HTML alternative of `body` (rendered from the same document), when the email has one. */
  html?: string | null;
  /** What the email is about inside its incident (e.g. a referral id), for what happens after sending. */
  correlation?: string | null;
}

export const messageIdFor = (dedupeKey: string, domain: string) =>
  `<${createHash('sha256').update(dedupeKey).digest('hex').slice(0, 32)}@${domain}>`;

const statements = new WeakMap<
  Db,
  { insert: import('better-sqlite3').Statement; settle: import('better-sqlite3').Statement }
>();

function prepared(db: Db) {
  let s = statements.get(db);
  if (!s) {
    s = {
      insert: db.$client.prepare(
        `INSERT INTO outbox (dedupe_key, kind, incident_id, recipient, subject, body, html, status, attempts,
        next_attempt_at, message_id, created_at, correlation)
         VALUES (@dedupeKey, @kind, @incidentId, @recipient, @subject, @body, @html, 'pending', 0, @now, @messageId,
         @now, @correlation)
         ON CONFLICT(dedupe_key) DO NOTHING`,
      ),
      settle: db.$client.prepare(
        `UPDATE outbox SET status = @status, sent_at = CASE WHEN @status = 'sent' THEN COALESCE(sent_at,
        @now) ELSE sent_at END, last_error = @note
         WHERE dedupe_key = @dedupeKey AND status IN ('pending', 'sending')`,
      ),
    };
    statements.set(db, s);
  }
  return s;
}

/** Queue an email; returns false when one with the same dedupe key was already queued. */
export function enqueueMail(db: Db, mail: MailToSend, now: string, messageDomain = 'mh-triage.invalid'): boolean {
  return (
    prepared(db).insert.run({
      ...mail,
      correlation: mail.correlation ?? null,
      html: mail.html ?? null,
      now,
      messageId: messageIdFor(mail.dedupeKey, messageDomain),
    }).changes === 1
  );
}

/**
 * Stop a queued email from being (re)sent: `cancelled` when it is no longer wanted (the referral
 * was answered by phone, withdrawn, or the incident closed before it went), `sent` when delivery is
 * proven another way (the partner answered through the link it carries, so a resend after a crash
 * mid-send must not happen). Rows already sent or failed are left as they are.
 */
export function settleMail(
  db: Db,
  dedupeKey: string,
  status: 'cancelled' | 'sent',
  now: string,
  note: string,
): boolean {
  return prepared(db).settle.run({ dedupeKey, status, now, note }).changes === 1;
}
