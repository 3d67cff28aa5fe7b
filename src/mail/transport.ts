/**
 * SMTP settings from the environment. Without SMTP_URL mail is off: alerts still appear in the API,
 * and nothing is queued for email.
 */
import nodemailer, { type Transporter } from 'nodemailer';

export interface MailSettings {
  url: string;
  from: string;
  /** Only for local test servers without a valid certificate (STACK-NOTES trap 9). */
  ignoreTLS: boolean;
}

export function mailSettingsFromEnv(env: NodeJS.ProcessEnv): MailSettings | null {
  if (!env.SMTP_URL) return null;
  return { url: env.SMTP_URL, from: env.MAIL_FROM ?? 'mh-triage@localhost', ignoreTLS: env.SMTP_IGNORE_TLS === '1' };
}

/** smtp://user:pass@host:port (STARTTLS when offered) or smtps://… (TLS from the start). */
export function createTransport(s: MailSettings): Transporter {
  const u = new URL(s.url);
  if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') throw new Error(`SMTP_URL must start with smtp:// or smtps://, not ${u.protocol}//`);
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
