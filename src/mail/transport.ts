/**
 * Mail transports from the environment:
 *  - SMTP_URL (production): smtp://user:pass@host:587 (STARTTLS when offered) or smtps://…:465.
 *  - MAIL_CAPTURE_DIR (development only, when SMTP_URL is unset): every message is written to that
 *    folder as an .eml file named by its Message-ID (a resend overwrites the same file), so a
 *    newcomer can open a referral email and click the partner link. Nothing leaves the machine.
 *  - neither: mail is off. Alerts still appear in the API; nothing is queued; email referrals are
 *    refused with a clear message (phone the agency instead).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer/index.js';

export interface SmtpSettings {
  url: string;
  from: string;
  /** Only for local test servers without a valid certificate (smtp-server's bundled test certificate has expired). */
  ignoreTLS: boolean;
}
export interface CaptureSettings {
  captureDir: string;
  from: string;
}
export type MailSettings = SmtpSettings | CaptureSettings;

/** What the outbox worker needs of a transport. */
export interface MailTransport {
  sendMail(message: Mail.Options): Promise<unknown>;
}

export function mailSettingsFromEnv(env: NodeJS.ProcessEnv): MailSettings | null {
  const from = env.MAIL_FROM ?? 'mh-triage@localhost';
  if (env.SMTP_URL) return { url: env.SMTP_URL, from, ignoreTLS: env.SMTP_IGNORE_TLS === '1' };
  if (env.MAIL_CAPTURE_DIR) return { captureDir: env.MAIL_CAPTURE_DIR, from };
  return null;
}

export const isCapture = (s: MailSettings): s is CaptureSettings => 'captureDir' in s;

export function createTransport(s: MailSettings): MailTransport {
  if (isCapture(s)) return captureTransport(s.captureDir);
  const u = new URL(s.url);
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:')
    throw new Error(`SMTP_URL must start with smtp:// or smtps://, not ${u.protocol}//`);
  const secure = u.protocol === 'smtps:';
  return nodemailer.createTransport({
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    ignoreTLS: s.ignoreTLS,
    ...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
}

/** Development capture: nodemailer builds the real MIME message; it is written to `dir` instead of sent. */
export function captureTransport(dir: string): MailTransport {
  const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async sendMail(message) {
      const info = (await builder.sendMail(message)) as { message: Buffer; messageId: string };
      mkdirSync(dir, { recursive: true });
      const name = (info.messageId || String(message.messageId)).replace(/[<>]/g, '').replace(/[^A-Za-z0-9@._-]/g, '_');
      const file = join(dir, `${name}.eml`);
      writeFileSync(`${file}.tmp`, info.message);
      renameSync(`${file}.tmp`, file);
      return info;
    },
  };
}
