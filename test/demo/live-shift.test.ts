/**
 * The live shift the demo records for the console (src/demo/live-shift.ts): about forty incidents
 * open now in every state a control room sees, three running s.136 detentions with different times
 * left (one past its T−6 h warning), pending referrals, a repeat contact and a child, and alerts not
 * yet dealt with — all recorded through the command path, and what the queue and the board show.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordLiveShift } from '../../src/demo/live-shift.js';
import { buildIncidentInputs } from '../../src/domain/incident-inputs.js';
import { INCIDENT_STATES } from '../../src/domain/vocabulary.js';
import { alertSummary } from '../../src/queries/alert-summary.js';
import { loadBoard } from '../../src/queries/board.js';
import { loadQueue } from '../../src/queries/queue.js';
import { createHarness, type Harness } from '../support/harness.js';

let h: Harness;

beforeAll(async () => {
  h = createHarness({ start: '2026-11-23T21:30:00Z' });
  const users = h.db.$client.prepare('SELECT id, role FROM users').all() as Array<{ id: string; role: string }>;
  const actor = (role: 'call_handler' | 'dispatcher') => ({ id: users.find((u) => u.role === role)!.id, role });
  await recordLiveShift(h.deps, buildIncidentInputs(h.config), {
    now: h.clock.now(),
    localDate: '20261123',
    callHandler: actor('call_handler'),
    dispatcher: actor('dispatcher'),
  });
});
afterAll(async () => {
  await h?.close();
});

describe('the live shift', () => {
  it('about forty incidents open now, in every open state, all in the queue', () => {
    const q = loadQueue(h.db, h.config, {}, h.clock.now());
    expect(q.counts.open).toBeGreaterThanOrEqual(38);
    expect(q.counts.open).toBeLessThanOrEqual(45);
    expect(q.older).toBe(0);
    const states = new Set(q.rows.map((r) => r.state));
    for (const s of INCIDENT_STATES.filter((x) => x !== 'closed')) expect(states, s).toContain(s);
    expect(q.rows.some((r) => r.child)).toBe(true);
    expect(q.rows.some((r) => r.repeatContact)).toBe(true);
    expect(q.counts.pendingReferrals).toBeGreaterThanOrEqual(4);
    expect(q.counts.ungraded).toBeGreaterThanOrEqual(5);
    // Every event was recorded at or before now, by a signed-up user.
    const late = h.db.$client.prepare('SELECT count(*) FROM incident_events WHERE recorded_at > ?').pluck();
    expect(late.get(h.clock.now().toISOString())).toBe(0);
  });

  it('three s.136 detentions on the board with different times left, one past its T−6 h warning', () => {
    const b = loadBoard(h.db);
    expect(b.running).toHaveLength(3);
    const hoursLeft = b.running.map((d) => (Date.parse(d.expiresAt!) - h.clock.now().getTime()) / 3_600_000);
    expect(hoursLeft[0]).toBeGreaterThan(2);
    expect(hoursLeft[0]).toBeLessThan(6);
    expect(hoursLeft[1]).toBeGreaterThan(6);
    expect(hoursLeft[2]).toBeGreaterThan(20);
    expect(b.running[2]!.handoverDueAt).not.toBeNull(); // just arrived: the handover hour runs
  });

  it('alerts are waiting: unresourced emergencies, the s.136 warning, referrals not answered', () => {
    const rules = h.db.$client.prepare('SELECT DISTINCT rule FROM alerts').pluck().all() as string[];
    expect(rules).toEqual(expect.arrayContaining(['R6', 'R13', 'R15', 'R23']));
    expect(alertSummary(h.db).waiting).toBeGreaterThanOrEqual(10);
  });
});
