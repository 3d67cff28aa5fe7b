/**
 * The curl walkthroughs in docs/ run as pasted: each command's method, URL, headers and body are
 * replayed exactly against the app on a real database (test/docs/curl-replay.ts), and what the pages
 * say comes back is what comes back.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { deliverOutbox } from '../../src/commands/deliver-mail.js';
import { captureTransport } from '../../src/mail/transport.js';
import { createHarness, type Harness } from '../support/harness.js';
import { type CurlRequest, replay, type Step, walkthroughBlock } from './curl-replay.js';

const incidents = readFileSync('docs/incidents.md', 'utf8');
const referrals = readFileSync('docs/referrals.md', 'utf8');
const detentions = readFileSync('docs/detentions.md', 'utf8');

const bodyOf = (s: Step) => JSON.parse(s.request.body!) as Record<string, any>;
const eventSteps = (steps: Step[]) => steps.filter((s) => s.request.url.endsWith('/events'));

async function withHarness<T>(opts: Parameters<typeof createHarness>[0], run: (h: Harness) => Promise<T>) {
  const h = createHarness(opts);
  try {
    return await run(h);
  } finally {
    await h.close();
  }
}

describe('docs/incidents.md: a call, step by step', () => {
  it('replays as pasted, step by step, and ends closed; the first command again is an idempotent replay', () =>
    withHarness({ start: '2026-11-23T21:50:00Z' }, async (h) => {
      const env: Record<string, string> = {};
      const steps = await replay(h, walkthroughBlock(incidents, 'call'), env);
      const [created] = steps;
      expect(created!.status).toBe(201);
      expect(created!.headers.get('etag')).toBe('"1"');
      expect(created!.request.headers['Idempotency-Key']).toMatch(/^[0-9a-f-]{36}$/);
      expect(env.ID).toBe(created!.body.id);
      const events = eventSteps(steps);
      expect(events.map((s) => bodyOf(s).type)).toEqual([
        'THRIVE_RECORDED',
        'GRADE_SET',
        'RCRP_DECISION_RECORDED',
        'REFERRAL_MADE',
        'REFERRAL_ANSWERED',
        'INCIDENT_CLOSED',
      ]);
      expect(events.at(-1)!.body.state).toBe('closed');
      // "Sending the first command again answers the same incident with Idempotent-Replayed: true"
      const again = await replay(h, walkthroughBlock(incidents, 'call').split('\n# 2.')[0]!, {});
      expect(again[0]!.body.id).toBe(created!.body.id);
      expect(again[0]!.headers.get('idempotent-replayed')).toBe('true');
    }));

  it('the refusal shown is what the API answers for the decision of step 3 with a risk to life (R9)', () =>
    withHarness({ start: '2026-11-23T21:50:00Z' }, async (h) => {
      const shown = JSON.parse(/<!-- refusal-example -->\n```json\n([\s\S]*?)```/.exec(incidents)![1]!);
      const steps = await replay(h, walkthroughBlock(incidents, 'call'), {});
      const [create, thrive, grade, decision] = [steps[0]!, ...eventSteps(steps)];
      const other = await h.request('POST', '/api/incidents', {
        body: { ...JSON.parse(create.request.body!), reference: 'KENT-20261123-0999' },
      });
      await h.event(other.body.id, bodyOf(thrive!), { version: 1 });
      await h.event(other.body.id, bodyOf(grade!), { version: 2 });
      const refused = await h.event(other.body.id, { ...bodyOf(decision!), riskToLife: true }, { version: 3 });
      expect(refused.body).toEqual(shown);
    }));
});

describe('docs/detentions.md: a detention, step by step', () => {
  it('replays as pasted with its own If-Match values, ends closed, and its ADR record is as shown', () =>
    withHarness({ start: '2026-11-24T02:00:00Z' }, async (h) => {
      const steps = await replay(h, walkthroughBlock(detentions, 'detention'), {});
      const events = eventSteps(steps);
      expect(events.length).toBeGreaterThanOrEqual(16);
      const last = events.at(-1)!.body;
      expect(last.state).toBe('closed');
      expect(last.detentions[0]).toMatchObject({
        state: 'closed',
        clockStart: '2026-11-23T21:55:00.000Z',
        expiresAt: '2026-11-24T21:55:00.000Z',
      });
      const csv = steps.find((s) => s.request.url.endsWith('/returns/adr?year=2026-27&format=csv'))!.body as string;
      const shown = /<!-- adr-example:walkthrough -->\n```csv\n([\s\S]*?)```/.exec(detentions)![1]!;
      expect(csv.replaceAll(last.id, '<incident id>').replaceAll('\r\n', '\n')).toBe(shown);
    }));
  it("then the MH lead's review replays as pasted: the list, the rules passed, a finding, the coroner's record", () =>
    withHarness({ start: '2026-11-24T02:00:00Z' }, async (h) => {
      await replay(h, walkthroughBlock(detentions, 'detention'), {});
      h.clock.set('2026-12-02T10:00:00Z');
      const [list, review, finding, record] = await replay(h, walkthroughBlock(detentions, 'mh-lead-review'), {});
      expect(list!.body.reviewed).toEqual({ reviewed: 0, notReviewed: 1 });
      expect(list!.body.items.map((d: any) => [d.id, d.flaggedRules])).toEqual([['KENT-S136-0517', []]]);
      expect(review!.body.rules.every((r: any) => r.result === 'passed')).toBe(true);
      expect(review!.body.rules.map((r: any) => r.rule)).toEqual(
        expect.arrayContaining(['R16', 'R17', 'R18', 'R19', 'R21', 'R23', 'R35', 'R36', 'R37', 'R42']),
      );
      expect(finding!.status).toBe(201);
      expect(finding!.body).toMatchObject({ conclusion: 'lawfulAndTimely', reviewedBy: { name: 'An MH Lead' } });
      expect(record!.body).toMatchObject({ purpose: 'courtOrCoroner', justification: 'inquest' });
      expect(record!.body.findings).toHaveLength(1);
    }));
});

describe('docs/referrals.md: a referral by email, step by step', () => {
  it('replays as pasted with mail captured and the partner declining through the link; ends resolved', () =>
    withHarness({ start: '2026-11-23T21:10:30Z', mailEnabled: true }, async (h) => {
      // Each step is sent half a minute after it happened, as it would be by a person.
      const moveClock = (r: CurlRequest) => {
        const at = r.body ? (JSON.parse(r.body).occurredAt ?? JSON.parse(r.body).receivedAt) : undefined;
        if (at && Date.parse(at) + 30_000 > h.clock.now().getTime())
          h.clock.set(new Date(Date.parse(at) + 30_000).toISOString());
      };
      // After REFERRAL_MADE: the worker sends the email; the partner follows its link and declines.
      const partnerDeclines = async (s: Step) => {
        if (!s.request.body || JSON.parse(s.request.body).type !== 'REFERRAL_MADE') return;
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
        const view = (await h.request('GET', `/api/incidents/${s.body.id}`)).body;
        // REFERRAL_SENT is the system's own event: only the partner's answer moves the version people see.
        expect(view.version, 'the If-Match the page uses next').toBe(6);
        expect(view.seq).toBe(7);
      };
      const steps = await replay(
        h,
        walkthroughBlock(referrals, 'referral'),
        {},
        {
          before: moveClock,
          after: partnerDeclines,
        },
      );
      expect(eventSteps(steps).map((s) => bodyOf(s).type)).toEqual([
        'THRIVE_RECORDED',
        'GRADE_SET',
        'RCRP_DECISION_RECORDED',
        'REFERRAL_MADE',
        'REFERRAL_CALLER_INFORMED',
        'THRIVE_RECORDED',
        'REFERRAL_ESCALATED',
        'REFERRAL_RESOLVED',
      ]);
      const view = steps.at(-1)!.body;
      expect(view.referrals[0]).toMatchObject({
        state: 'resolved',
        status: 'accepted',
        answeredVia: 'partner',
        reason: 'no capacity tonight',
      });
      expect(view.referrals[0].escalations).toMatchObject([
        { level: 1, escalatedBy: { name: 'Sgt A Patel', rank: 'sergeant' }, outcome: 'partnerWillRespond' },
      ]);

      // The handover audit of that month, by the MH lead, as JSON and as CSV.
      const audit = await replay(h, walkthroughBlock(referrals, 'handover-audit'), {});
      expect(audit[0]!.body.summary).toMatchObject({ referrals: 1 });
      expect(audit[1]!.body as string).toContain('KENT-20261123-0433');
    }));
});
