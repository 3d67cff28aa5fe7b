/**
 * `npm run rebuild` tells the operator how it is going: a line on stderr at most once a second with
 * events replayed, rate and time left, then a summary. The clock is the test's, so every line is
 * exact; the rebuild itself reports each incident it replays, ending at the totals.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { rebuildReporter } from '../../src/cli/rebuild-progress.js';
import { type RebuildProgress, rebuildProjections } from '../../src/commands/rebuild.js';
import { createIncident } from '../support/flows.js';
import { createHarness, type Harness } from '../support/harness.js';

const at = (incidents: number, events: number, totals = { incidentsTotal: 100, eventsTotal: 10_000 }) => ({
  incidents,
  events,
  ...totals,
});

describe('rebuild progress', () => {
  it('writes a line at most once per second: events of total, percent, incidents, rate and time left', () => {
    let t = 5_000; // any origin
    const lines: string[] = [];
    const r = rebuildReporter({ now: () => t, write: (l) => lines.push(l) });
    t += 400;
    r.progress(at(10, 1_000));
    t += 599; // 999 ms since start: still quiet
    r.progress(at(24, 2_400));
    t += 1;
    r.progress(at(25, 2_500));
    t += 500;
    r.progress(at(30, 3_000));
    t += 500;
    r.progress(at(50, 5_000));
    expect(lines).toEqual([
      'rebuild: 2,500 of 10,000 events replayed (25%), 25 of 100 incidents; 2,500 events/s; about 3 s left\n',
      'rebuild: 5,000 of 10,000 events replayed (50%), 50 of 100 incidents; 2,500 events/s; about 2 s left\n',
    ]);
    t += 2_000;
    expect(r.summary({ incidents: 100, events: 10_000 }, '/data/triage.sqlite')).toBe(
      'rebuilt 100 incidents from 10000 events in 4000 ms (2,500 events/s) (/data/triage.sqlite)\n',
    );
  });

  it('says minutes when much is left, and "under a second" near the end', () => {
    let t = 0;
    const lines: string[] = [];
    const r = rebuildReporter({ now: () => t, write: (l) => lines.push(l), everyMs: 2_000 });
    const totals = { incidentsTotal: 50_000, eventsTotal: 1_000_000 };
    t = 2_000;
    r.progress(at(400, 20_000, totals));
    t = 4_000;
    r.progress(at(49_990, 999_995, totals));
    expect(lines).toEqual([
      'rebuild: 20,000 of 1,000,000 events replayed (2%), 400 of 50,000 incidents; 10,000 events/s; ' +
        'about 1 min 38 s left\n',
      'rebuild: 999,995 of 1,000,000 events replayed (99%), 49,990 of 50,000 incidents; 249,999 events/s; ' +
        'under a second left\n',
    ]);
  });
});

describe('rebuildProjections reports as it goes', () => {
  let h: Harness;
  afterEach(() => h.close());

  it('once per incident replayed, counting up to the totals of the event log', async () => {
    h = createHarness();
    for (let i = 0; i < 3; i++) await createIncident(h);
    const seen: RebuildProgress[] = [];
    const r = rebuildProjections(h.db, (p) => seen.push(p));
    const events = h.count('incident_events');
    expect(r).toEqual({ incidents: 3, events });
    expect(seen.map((p) => p.incidents)).toEqual([1, 2, 3]);
    expect(seen.every((p) => p.incidentsTotal === 3 && p.eventsTotal === events)).toBe(true);
    expect(seen.at(-1)!.events).toBe(events);
  });

  it('the CLI announces the rebuild on stderr and ends with the summary on stdout', async () => {
    h = createHarness();
    await createIncident(h);
    await createIncident(h);
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/rebuild.ts'], {
      env: { ...process.env, DATABASE_PATH: h.dbPath },
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain(`rebuild: replaying the event log of ${h.dbPath}`);
    const [summary, ...more] = run.stdout.split(` (${h.dbPath})\n`);
    expect(more).toEqual(['']); // one line, naming the database
    expect(summary).toMatch(/^rebuilt 2 incidents from 2 events in \d+ ms \([\d,]+ events\/s\)$/);
  });
});
