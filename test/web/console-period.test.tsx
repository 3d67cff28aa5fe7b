/**
 * The MH lead's period picker (src/web/console/screens/period.tsx): custom dates are typed as a
 * British control room writes them, day/month/year, and shown back the same way — not in a browser
 * date field, which follows the PC's locale (headless Chromium showed "mm/dd/yyyy"). The period is
 * the force's local days, [from 00:00, the day after `to` 00:00).
 */
import { describe, expect, it } from 'vitest';
import { PeriodFields, readPeriod } from '../../src/web/console/screens/period.js';
import { financialYear } from '../../src/reports/period.js';

const periods = { years: [financialYear(2025), financialYear(2024)], selected: financialYear(2025) };
const TZ = 'Europe/London';

describe('the period picker', () => {
  it('reads custom dates typed day/month/year as the local days they name (BST and GMT)', () => {
    const p = readPeriod({ period: 'custom', from: '01/05/2026', to: '31/05/2026' }, periods, TZ, false);
    expect(p).toMatchObject({ choice: 'custom', from: '2026-05-01', to: '2026-05-31' });
    expect(p.fromIso).toBe('2026-04-30T23:00:00.000Z');
    expect(p.toIso).toBe('2026-05-31T23:00:00.000Z');
    expect(p.label).toBe('01/05/2026 to 31/05/2026');
    // The links a screen builds carry ISO dates: they read the same.
    expect(readPeriod({ period: 'custom', from: '2026-01-05', to: '2026-01-06' }, periods, TZ, false)).toMatchObject({
      from: '2026-01-05',
      fromIso: '2026-01-05T00:00:00.000Z',
    });
  });

  it('falls back to the selected financial year for dates that are not real or in the wrong order', () => {
    for (const [from, to] of [
      ['31/02/2026', '01/03/2026'],
      ['05/06/2026', '01/06/2026'],
      ['2026-5-1', ''],
    ] as const) {
      const p = readPeriod({ period: 'custom', from, to }, periods, TZ, false);
      expect(p.choice, `${from} – ${to}`).toBe('2025/26');
    }
  });

  it('shows the custom dates back as text fields, day/month/year', () => {
    const picked = readPeriod({ period: 'custom', from: '01/05/2026', to: '31/05/2026' }, periods, TZ, false);
    const html = String(<PeriodFields picked={picked} periods={periods} allowAll={false} />);
    expect(html).toMatch(/<input id="f-from" name="from" type="text"[^>]*value="01\/05\/2026"/);
    expect(html).toMatch(/<input id="f-to" name="to" type="text"[^>]*value="31\/05\/2026"/);
    expect(html).not.toContain('type="date"');
  });
});
