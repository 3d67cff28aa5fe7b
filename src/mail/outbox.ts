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
}

export const messageIdFor = (dedupeKey: string, domain: string) =>
  `<${createHash('sha256').update(dedupeKey).digest('hex').slice(0, 32)}@${domain}>`;

const statements = new WeakMap<Db, { insert: import('better-sqlite3').Statement }>();

/** Queue an email; returns false when one with the same dedupe key was already queued. */
export function enqueueMail(db: Db, mail: MailToSend, now: string, messageDomain = 'mh-triage.invalid'): boolean {
  let s = statements.get(db);
  if (!s) {
    s = {
      insert: db.$client.prepare(
        `INSERT INTO outbox (dedupe_key, kind, incident_id, recipient, subject, body, status, attempts, next_attempt_at, message_id, created_at)
         VALUES (@dedupeKey, @kind, @incidentId, @recipient, @subject, @body, 'pending', 0, @now, @messageId, @now)
         ON CONFLICT(dedupe_key) DO NOTHING`,
      ),
    };
    statements.set(db, s);
  }
  return s.insert.run({ ...mail, now, messageId: messageIdFor(mail.dedupeKey, messageDomain) }).changes === 1;
}
