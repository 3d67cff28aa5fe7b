/**
 * The partner response link refuses tampered, forged, expired, wrong-purpose and reused tokens
 * with a clear page, and writes nothing when it refuses.
 */
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PartnerLinks } from '../../src/referrals/partner-link.js';
import { createHarness, LINK_SECRET, type Harness } from '../support/harness.js';
import { decision, emailReferral, gradedIncident, steps, thrive } from '../support/flows.js';

let h: Harness;
let id: string;
let token: string;
beforeEach(async () => {
  h = createHarness({ mailEnabled: true });
  id = await gradedIncident(h, { reference: 'KENT-20261123-0777' });
  await steps(h, id, [decision('handover'), emailReferral('r1')]);
  const body = h.db.$client.prepare(`SELECT body FROM outbox WHERE correlation = 'r1'`).pluck().get() as string;
  token = /\/partner\/referrals\/([A-Za-z0-9_.-]+)/.exec(body)![1]!;
});
afterEach(() => h.close());

const url = (t: string) => `/partner/referrals/${t}`;
const form = (fields: Record<string, string>) => ({
  raw: new URLSearchParams(fields).toString(),
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  token: null,
});
const accept = { action: 'accept', respondent: 'J Smith, SPoA nurse' };
const writes = () => [h.count('incident_events'), h.count('outbox'), h.count('alerts')];

/** POST `fields` with token `t`: expect `status`, a page saying `says`, and nothing written. */
async function refused(t: string, status: number, says: string, fields: Record<string, string> = accept) {
  const before = writes();
  const r = await h.request('POST', url(t), form(fields));
  expect(r.status).toBe(status);
  expect(r.headers.get('content-type')).toContain('text/html');
  expect(String(r.body)).toContain(says);
  expect(r.headers.get('cache-control')).toBe('no-store');
  expect(writes()).toEqual(before);
  const g = await h.request('GET', url(t), { token: null });
  expect(writes()).toEqual(before);
  return { post: r, get: g };
}

function b64(json: object) {
  return Buffer.from(JSON.stringify(json)).toString('base64url');
}
function forge(payload: object, secret = LINK_SECRET) {
  const body = b64(payload);
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

describe('partner link tokens', () => {
  it('a tampered token (payload or signature changed) is refused with 403 and writes nothing', async () => {
    const [body, sig] = token.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString());
    // Point the same signature at another referral id: the signature no longer matches.
    const redirected = `${b64({ ...payload, r: 'r2' })}.${sig}`;
    const flipped = `${body}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`;
    // Same bytes after decoding (only base64's unused low bits differ), but not the token we issued.
    const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const lowBits = `${body}.${sig.slice(0, -1)}${ALPHABET[ALPHABET.indexOf(sig.at(-1)!) ^ 1]}`;
    expect(Buffer.from(lowBits.split('.')[1]!, 'base64url')).toEqual(Buffer.from(sig, 'base64url'));
    for (const t of [
      redirected,
      flipped,
      lowBits,
      `${body.slice(0, -1)}x.${sig}`,
      token.slice(0, 30),
      'not-a-token',
      `${token}x`,
    ]) {
      const { get } = await refused(t, 403, 'This link is not valid');
      expect(get.status).toBe(403);
    }
  });

  it('a token signed with another secret, or for another purpose, is refused', async () => {
    const payload = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    await refused(forge(payload, 'another-secret-of-sufficient-length-0000'), 403, 'This link is not valid');
    await refused(forge({ ...payload, p: 'password-reset' }), 403, 'This link is not valid');
    // Sanity: the same forging with the real secret and purpose is accepted, so the refusals above are about the
    // changes.
    expect((await h.request('POST', url(forge(payload)), form(accept))).status).toBe(200);
  });

  it('an expired token is refused with 410 and the callback route, and writes nothing', async () => {
    h.clock.advanceMinutes(72 * 60 - 1);
    expect((await h.request('GET', url(token), { token: null })).status).toBe(200);
    h.clock.advanceMinutes(1);
    const { post, get } = await refused(token, 410, 'This link has expired');
    expect(String(post.body)).toContain('01632 960000');
    expect(get.status).toBe(410);
  });

  it('a reused token is refused: the referral is answered once, whatever is sent the second time', async () => {
    expect((await h.request('POST', url(token), form(accept))).status).toBe(200);
    await refused(token, 409, 'already been answered');
    await refused(token, 409, 'already been answered', {
      action: 'decline',
      respondent: 'someone else',
      reason: 'changed our mind',
    });
    // A second acknowledgement after answering is refused too.
    await refused(token, 409, 'already been answered', { action: 'acknowledge', respondent: 'J Smith' });
    const got = (await h.request('GET', `/api/incidents/${id}`)).body;
    expect(got.referrals[0]).toMatchObject({ state: 'accepted', respondent: 'J Smith, SPoA nurse' });
    expect(got.timeline.filter((e: { type: string }) => e.type === 'REFERRAL_ANSWERED')).toHaveLength(1);
  });

  it('a link to a closed incident is refused', async () => {
    await steps(h, id, [
      thrive({ safetyNet: 'caller given crisis line' }),
      { type: 'INCIDENT_CLOSED', mhFlagAtClose: true, closureCode: 'adviceGiven' },
    ]);
    await refused(token, 410, 'This referral is closed');
  });

  it('an incomplete form or a decline without a reason is refused (R11) and writes nothing', async () => {
    await refused(token, 422, 'Please complete the form', { action: 'accept' });
    await refused(token, 422, 'Please complete the form', { action: 'teleport', respondent: 'x' });
    await refused(token, 422, 'declined referral needs the reason', { action: 'decline', respondent: 'J Smith' });
    const big = await h.request('POST', url(token), {
      raw: `action=accept&respondent=${'x'.repeat(20_000)}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      token: null,
    });
    expect(big.status).toBe(413);
  });

  it('links are signed by the secret alone: another signer with it verifies them; GET never writes', async () => {
    const again = new PartnerLinks(LINK_SECRET, 'https://mh.kent.police.example');
    expect(again.check(token, h.clock.now())).toMatchObject({ ok: true, incidentId: id, referralId: 'r1' });
    const before = writes();
    for (let k = 0; k < 3; k++) expect((await h.request('GET', url(token), { token: null })).status).toBe(200);
    expect(writes()).toEqual(before);
  });
});
