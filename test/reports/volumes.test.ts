/** The all-incident monthly totals behind "share of all incidents": who may record them, and validation. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.js';
import { createIncident } from '../support/flows.js';
import { browserRequest, signInWithToken } from '../support/sessions.js';

let h: Harness;
beforeEach(() => {
  h = createHarness({ start: '2026-03-15T12:00:00Z' });
});
afterEach(() => h.close());

describe('incident volumes', () => {
  it('an MH lead records monthly totals; the share of all incidents is then known for that month only', async () => {
    for (let i = 0; i < 6; i++) await createIncident(h, { receivedAt: `2026-02-0${i + 1}T10:00:00Z` });
    const put = await h.request('PUT', '/api/reports/incident-volumes', {
      token: h.tokens.mh_lead,
      body: { source: 'C&C monthly count', items: [{ month: '2026-02', allIncidents: 120 }] },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const r = await h.request('GET', '/api/reports/demand?from=2026-01-01&to=2026-02-28&groupBy=month', {
      token: h.tokens.mh_lead,
    });
    const s = r.body.sections.find((x: { id: string }) => x.id === 'mhIncidents');
    expect(s.rows.find((x: { group: string }) => x.group === '2026-02').cells.shareOfAllIncidents).toBe(0.05);
    expect(r.body.dataQuality.find((n: { id: string }) => n.id === 'monthsWithoutVolume').value).toBe(0);
    // Replacing a month's total keeps one row.
    await h.request('PUT', '/api/reports/incident-volumes', {
      token: h.tokens.admin,
      body: { source: 'corrected', items: [{ month: '2026-02', allIncidents: 60 }] },
    });
    expect(h.db.$client.prepare('SELECT all_incidents AS n, source FROM incident_volumes').all()).toEqual([
      { n: 60, source: 'corrected' },
    ]);
  });

  it('other roles are refused (403, audited) and bad items are 400 with nothing written', async () => {
    const body = { source: 'x', items: [{ month: '2026-02', allIncidents: 10 }] };
    expect(
      (await h.request('PUT', '/api/reports/incident-volumes', { token: h.tokens.pcc_analyst, body })).status,
    ).toBe(403);
    expect(h.db.$client.prepare(`SELECT outcome FROM access_audit`).pluck().all()).toEqual(['refused']);
    for (const items of [
      [{ month: '2026-13', allIncidents: 1 }],
      [{ month: '2026-02', allIncidents: -1 }],
      [{ month: '2026-02', district: 'Atlantis', allIncidents: 1 }],
      [],
    ]) {
      const r = await h.request('PUT', '/api/reports/incident-volumes', {
        token: h.tokens.mh_lead,
        body: { source: 'x', items },
      });
      expect(r.status, JSON.stringify(items)).toBe(400);
    }
    expect(h.count('incident_volumes')).toBe(0);
  });
});

describe('the /reports page', () => {
  it(
    'R43 needs a signed-in session (no token field), carries no figures, defaults to the last complete ' +
      'financial year with data',
    async () => {
      // Today is 15 March 2026: 2025/26 is not over, so the default is 2024/25 (the last complete year with data).
      await createIncident(h, { receivedAt: '2024-06-01T10:00:00Z' });
      await createIncident(h, { receivedAt: '2026-02-10T10:00:00Z' });
      expect((await browserRequest(h, 'GET', '/reports')).headers.get('location')).toBe('/sign-in?next=%2Freports');
      const page = async () => {
        // A fresh sign-in each time: the clock moves on further than a session lasts.
        const { cookie } = await signInWithToken(h, h.tokens.pcc_analyst);
        const res = await browserRequest(h, 'GET', '/reports', { cookie });
        return { status: res.status, body: await res.text() };
      };
      const r = await page();
      expect(r.status).toBe(200);
      expect(r.body).not.toContain('type="password"');
      expect(r.body).toContain('id="from" type="date" value="2024-04-01"');
      expect(r.body).toContain('id="to" type="date" value="2025-03-31"');
      // The picker offers each financial year with data, the default selected, and custom dates.
      expect(r.body).toContain('<option value="2024/25" data-from="2024-04-01" data-to="2025-03-31" selected>');
      expect(r.body).toContain('<option value="2025/26" data-from="2025-04-01" data-to="2026-03-31">');
      expect(r.body).toContain('<option value="custom">Custom dates</option>');
      // One more incident entered today does not move the default period.
      await createIncident(h, { receivedAt: '2026-03-15T11:00:00Z' });
      const again = await page();
      expect(again.body).toContain('id="from" type="date" value="2024-04-01"');
      expect(again.body).toContain('id="to" type="date" value="2025-03-31"');
      // Once 2025/26 has ended, it becomes the default.
      h.clock.set('2026-04-02T09:00:00Z');
      expect((await page()).body).toContain('value="2025-04-01"');
      // The pack comes from the API, fetched by the page's script (a served file) with the session.
      expect(r.body).toContain('<script src="/assets/reports-page.js" defer></script>');
      const script = await (await browserRequest(h, 'GET', '/assets/reports-page.js')).text();
      expect(script).toContain('/api/reports/evidence-pack');
      expect(r.body).not.toMatch(/mht_|DEMO-/);
    },
  );
});
