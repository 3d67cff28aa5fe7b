/**
 * The partner response link: a signed, expiring, single-purpose capability in the referral email
 * that lets the agency acknowledge, accept or decline without an account.
 *
 * Token = base64url(JSON payload) "." base64url(HMAC-SHA256(secret, payload)), payload
 * { v: 1, i: incidentId, r: referralId, p: 'referral-response', e: expiry (epoch seconds) }.
 * Checked in this order: shape, signature (constant time), purpose, expiry (injected clock). It
 * says nothing about whether the referral can still be answered: that is the referral machine's
 * state, checked through the command path, so an answered, withdrawn or closed referral refuses a
 * second answer whatever the token ("single use by state"). The secret comes from
 * REFERRAL_LINK_SECRET, or is generated once beside the database.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const LINK_PURPOSE = 'referral-response';

export type LinkCheck =
  | { ok: true; incidentId: string; referralId: string; expiresAt: string }
  | { ok: false; reason: 'malformed' | 'badSignature' | 'wrongPurpose' }
  | { ok: false; reason: 'expired'; incidentId: string; referralId: string; expiresAt: string };

interface Payload {
  v: number;
  i: string;
  r: string;
  p: string;
  e: number;
}

export class PartnerLinks {
  readonly #secret: Buffer;
  readonly baseUrl: string;

  constructor(secret: string | Buffer, baseUrl: string) {
    this.#secret = Buffer.isBuffer(secret) ? secret : Buffer.from(secret, 'utf8');
    if (this.#secret.length < 16) throw new Error('the referral link secret must be at least 16 bytes');
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  #mac(payload: string): Buffer {
    return createHmac('sha256', this.#secret).update(payload).digest();
  }

  token(incidentId: string, referralId: string, expiresAt: string): string {
    const payload: Payload = {
      v: 1,
      i: incidentId,
      r: referralId,
      p: LINK_PURPOSE,
      e: Math.floor(Date.parse(expiresAt) / 1000),
    };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.#mac(body).toString('base64url')}`;
  }

  url(token: string): string {
    return `${this.baseUrl}/partner/referrals/${token}`;
  }

  check(token: string, now: Date): LinkCheck {
    const m = /^([A-Za-z0-9_-]{10,600})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!m) return { ok: false, reason: 'malformed' };
    const [, body, sig] = m as unknown as [string, string, string];
    // Compared as canonical text, so a signature altered only in base64's unused low bits is refused too.
    const expected = Buffer.from(this.#mac(body).toString('base64url'));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return { ok: false, reason: 'badSignature' };
    let p: Payload;
    try {
      p = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Payload;
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (
      p.v !== 1 ||
      p.p !== LINK_PURPOSE ||
      typeof p.i !== 'string' ||
      typeof p.r !== 'string' ||
      !Number.isFinite(p.e)
    )
      return { ok: false, reason: 'wrongPurpose' };
    const expiresAt = new Date(p.e * 1000).toISOString();
    if (now.getTime() >= p.e * 1000)
      return { ok: false, reason: 'expired', incidentId: p.i, referralId: p.r, expiresAt };
    return { ok: true, incidentId: p.i, referralId: p.r, expiresAt };
  }
}
