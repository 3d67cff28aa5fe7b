/** The README stays true: its diagrams come from the machines and its curl walkthrough works. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagramSections, replaceDiagrams } from '../../src/docs/readme-diagrams.js';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { deliverOutbox } from '../../src/commands/deliver-mail.js';
import { captureTransport } from '../../src/mail/transport.js';
import { replaceDefinitions } from '../../src/docs/readme-definitions.js';
import { createHarness } from '../support/harness.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('shows the start and test commands near the top', () => {
    const top = readme.split('\n').slice(0, 40).join('\n');
    expect(top).toMatch(/^npm start\b/m);
    expect(top).toMatch(/^npm test\b/m);
  });

  it('carries state diagrams identical to the ones generated from the machines (run npm run docs:diagrams)', () => {
    expect(replaceDiagrams(readme, diagramSections())).toBe(readme);
  });

  it('explains every report figure with the definition the report itself carries (run npm run docs:diagrams)', () => {
    expect(readme).toContain('<!-- definitions -->');
    expect(replaceDefinitions(readme)).toBe(readme);
  });

  it('the curl walkthrough, replayed against a real database, is accepted step by step and ends closed', async () => {
    const h = createHarness({ start: '2026-11-23T21:50:00Z' });
    try {
      const section = readme.slice(readme.indexOf('## A call, step by step'), readme.indexOf('A refused step answers'));
      const bodies = [...section.matchAll(/-d '(\{[\s\S]*?\})'/g)].map(
        (m) => JSON.parse(m[1]!) as Record<string, unknown>,
      );
      expect(bodies.length).toBeGreaterThanOrEqual(7);
      const created = await h.request('POST', '/api/incidents', { body: bodies[0] });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      let version = 1;
      let last: any = created.body;
      for (const b of bodies.slice(1)) {
        const r = await h.event(created.body.id, b, { version });
        expect(r.status, `${String(b.type)}: ${JSON.stringify(r.body)}`).toBe(200);
        version = r.body.version;
        last = r.body;
      }
      expect(last.state).toBe('closed');
      // The refusal example in the README is what the API really says for R9.
      const example = JSON.parse(
        /```json\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('A refused step answers')))![1]!,
      );
      const h2 = await h.request('POST', '/api/incidents', { body: { ...bodies[0], reference: 'other' } });
      const id = h2.body.id as string;
      await h.event(id, bodies[1]!, { version: 1 });
      await h.event(id, bodies[2]!, { version: 2 });
      const refused = await h.event(id, { ...bodies[3], riskToLife: true }, { version: 3 });
      expect(refused.body).toEqual(example);
    } finally {
      await h.close();
    }
  });

  it('the s.136 walkthrough replays with its own If-Match values, ends closed, its ADR record as shown', async () => {
    const h = createHarness({ start: '2026-11-24T02:00:00Z' });
    try {
      const section = readme.slice(
        readme.indexOf('### A detention, step by step'),
        readme.indexOf('### Reading detentions'),
      );
      const bodies = [...section.matchAll(/-d '(\{[\s\S]*?\})'/g)].map(
        (m) => JSON.parse(m[1]!) as Record<string, unknown>,
      );
      const ifMatch = [...section.matchAll(/If-Match: "(\d+)"/g)].map((m) => Number(m[1]));
      expect(bodies.length).toBeGreaterThanOrEqual(15);
      expect(ifMatch).toHaveLength(bodies.length - 1);
      const created = await h.request('POST', '/api/incidents', { body: bodies[0] });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      let last: any = created.body;
      for (const [i, b] of bodies.slice(1).entries()) {
        const r = await h.event(created.body.id, b, { version: ifMatch[i]! });
        expect(r.status, `${String(b.type)}: ${JSON.stringify(r.body)}`).toBe(200);
        last = r.body;
      }
      expect(last.state).toBe('closed');
      expect(last.detentions[0]).toMatchObject({
        state: 'closed',
        clockStart: '2026-11-23T21:55:00.000Z',
        expiresAt: '2026-11-24T21:55:00.000Z',
      });
      const csv = (await h.request('GET', '/api/returns/adr?year=2026-27&format=csv')).body as string;
      const shown = /<!-- adr-example:walkthrough -->\n```csv\n([\s\S]*?)```/.exec(readme)![1]!;
      expect(csv.replaceAll(created.body.id, '<incident id>').replaceAll('\r\n', '\n')).toBe(shown);
    } finally {
      await h.close();
    }
  });

  it(
    'the referral walkthrough, replayed with mail captured and the partner declining through the link, ends with ' +
      'the referral resolved',
    async () => {
      const h = createHarness({ start: '2026-11-23T21:10:30Z', mailEnabled: true });
      try {
        const bodiesOf = (from: string, to: string) =>
          [...readme.slice(readme.indexOf(from), readme.indexOf(to)).matchAll(/-d '(\{[\s\S]*?\})'/g)].map(
            (m) => JSON.parse(m[1]!) as Record<string, unknown>,
          );
        // up to the handover decision
        const call = bodiesOf('## A call, step by step', 'A refused step answers').slice(0, 4);
        const referral = bodiesOf('### A referral by email, step by step', '### Email (SMTP)');
        expect(referral.map((b) => b.type)).toEqual([
          'REFERRAL_MADE',
          'REFERRAL_CALLER_INFORMED',
          'THRIVE_RECORDED',
          'REFERRAL_ESCALATED',
          'REFERRAL_RESOLVED',
        ]);
        const at = (b: Record<string, unknown>) => String(b.occurredAt ?? b.receivedAt);
        const moveTo = (iso: string) => {
          if (Date.parse(iso) + 30_000 > h.clock.now().getTime())
            h.clock.set(new Date(Date.parse(iso) + 30_000).toISOString());
        };
        const created = await h.request('POST', '/api/incidents', { body: call[0] });
        const id = created.body.id as string;
        let last: any = created.body;
        for (const b of [...call.slice(1), ...referral]) {
          moveTo(at(b));
          const r = await h.event(id, b, { version: last.version });
          expect(r.status, `${String(b.type)}: ${JSON.stringify(r.body)}`).toBe(200);
          last = r.body;
          if (b.type === 'REFERRAL_MADE') {
            // The worker sends it; the partner opens the link in the email and declines.
            const dir = join(h.dir, 'mail');
            expect(await deliverOutbox(h.deps, captureTransport(dir), { from: 'mh-triage@kent.police.test' })).toEqual({
              sent: 1,
              failed: 0,
            });
            const mail = await simpleParser(readFileSync(join(dir, readdirSync(dir)[0]!)));
            const link = /http:\/\/localhost:3000\/partner\/referrals\/\S+/.exec(mail.text ?? '')![0];
            h.clock.set('2026-11-23T21:30:00Z');
            const declined = await h.request('POST', link, {
              raw: 'action=decline&respondent=SPoA+nurse&reason=no+capacity+tonight',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              token: null,
            });
            expect(declined.status).toBe(200);
            last = (await h.request('GET', `/api/incidents/${id}`)).body;
            expect(last.version).toBe(7); // the If-Match the README uses next
          }
        }
        expect(last.referrals[0]).toMatchObject({
          state: 'resolved',
          status: 'accepted',
          answeredVia: 'partner',
          reason: 'no capacity tonight',
        });
        expect(last.referrals[0].escalations).toMatchObject([
          { level: 1, escalatedBy: { name: 'Sgt A Patel', rank: 'sergeant' }, outcome: 'partnerWillRespond' },
        ]);
      } finally {
        await h.close();
      }
    },
  );
});
