/**
 * The auditor's walkthrough in docs/access.md runs as pasted (test/docs/curl-replay.ts): the
 * administrator adds an officer through the API, the officer reads the queue, and what the auditor's
 * commands answer is what the page says they answer.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHarness } from '../support/harness.js';
import { replay, walkthroughBlock } from './curl-replay.js';

const access = readFileSync('docs/access.md', 'utf8');

describe('docs/access.md: how an auditor reads the access log', () => {
  it('replays as pasted: the officer’s read, the user’s record, a month as CSV; then a revoked token', async () => {
    const h = createHarness({ start: '2026-11-23T09:00:00Z' });
    try {
      const env: Record<string, string> = {};
      const steps = await replay(h, walkthroughBlock(access, 'audit'), env);
      const [created, issued, queue, byUser, byRecord, csv] = steps;
      expect(created!.status).toBe(201);
      expect(issued!.body.expiresAt).toBe('2027-02-21T09:00:00.000Z');
      expect(queue!.status).toBe(200);
      expect(byUser!.body.items).toEqual([
        expect.objectContaining({
          userName: 'PC 4521 Shah',
          role: 'officer',
          action: 'incidents.list',
          kind: 'consultation',
          outcome: 'shown',
          purpose: 'liveHandling',
        }),
      ]);
      expect(byRecord!.body.items.map((e: { userName: string; action: string }) => [e.userName, e.action])).toEqual([
        ['A Admin', 'user.create'],
        ['A Admin', 'user.tokenIssued'],
      ]);
      expect(csv!.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      const lines = (csv!.body as string).trim().split('\n');
      expect(lines[0]).toMatch(/^id,at,userId,userName,role,kind,action,/);
      expect(lines.some((l) => l.includes(',PC 4521 Shah,officer,consultation,incidents.list,'))).toBe(true);

      const revoked = await h.request('DELETE', `/api/users/${env.USER_ID}/tokens`, { token: env.ADMIN! });
      expect(revoked.body.revoked).toBe(1);
      expect((await h.request('GET', '/api/incidents', { token: env.OFFICER! })).status).toBe(401);
    } finally {
      await h.close();
    }
  });
});
