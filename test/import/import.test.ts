/**
 * Bulk import of historic command-and-control extracts: good rows become closed historic
 * incidents (one INCIDENT_IMPORTED event each, checked by the same machines), bad rows are
 * reported by line number and nothing of them is written, and a second import changes nothing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rebuildProjections } from '../../src/commands/rebuild.js';
import { importCsvText } from '../../src/import/import-incidents.js';
import { REASON } from '../support/flows.js';
import { createHarness, type Harness } from '../support/harness.js';
import { csvLine, IMPORT_HEADER } from '../support/import-csv.js';

let h: Harness;
beforeEach(() => {
  h = createHarness({ start: '2026-11-23T12:00:00Z' });
});
afterEach(() => h.close());

const good = (ref: string, over: Record<string, string> = {}) =>
  csvLine({
    incident_ref: ref,
    received_at: '2025-06-01T21:10:00+01:00',
    closed_at: '2025-06-02T01:30:00+01:00',
    channel: '999',
    category: 'mhCrisisInPublic',
    grade: 'G1',
    district: 'Thanet',
    location_class: 'urban',
    mh_flag_at_call: 'Y',
    mh_flag_at_close: 'Y',
    closure_code: 'resolved',
    call_answered_at: '2025-06-01T20:10:20Z',
    call_ended_at: '2025-06-01T20:16:00Z',
    resources:
      'KT12|2|response|dispatched@2025-06-01T20:12:00Z|arrived@2025-06-01T20:24:00Z|' +
      'conveying@2025-06-01T21:00:00Z|atHBPoS@2025-06-01T21:30:00Z|cleared@2025-06-01T23:30:00Z;' +
      'KT14|1|response|dispatched@2025-06-01T20:15:00Z|cleared@2025-06-01T20:25:00Z',
    ...over,
  });

/** Lines: 1 header, 2 good, 3 bad time, 4 good, 5 overlapping statuses (R39), 6 unknown category, 7 good (flag blank),
 * 8 missing flag (R40), 9 arrived before dispatch (R38), 10 wrong field count. */
function extract() {
  return `${[
    IMPORT_HEADER,
    good('KENT-H-1'),
    good('KENT-H-2', { received_at: '01/06/2025 21:10' }),
    good('KENT-H-3', {
      district: 'Dover',
      category: 'concernForWelfare',
      rcrp_decision: 'handover',
      resources: '',
      referral_agency: 'kmptSpoa',
      referral_made_at: '2025-06-01T20:20:00Z',
      referral_answer: 'accepted',
      referral_answered_at: '2025-06-01T20:50:00Z',
      person_ref: 'KP-77',
    }),
    good('KENT-H-4', {
      resources:
        'KT12|2|response|dispatched@2025-06-01T20:12:00Z|arrived@2025-06-01T20:24:00Z|' +
        'conveying@2025-06-01T20:20:00Z|cleared@2025-06-01T23:30:00Z',
    }),
    good('KENT-H-5', { category: 'parking' }),
    good('KENT-H-6', { mh_flag_at_close: '' }),
    good('KENT-H-7', { mh_flag_at_call: '' }),
    good('KENT-H-8', {
      resources:
        'KT12|2|response|dispatched@2025-06-01T20:12:00Z|arrived@2025-06-01T20:02:00Z|cleared@2025-06-01T23:30:00Z',
    }),
    'KENT-H-9,2025-06-01T20:00:00Z,too,few',
  ].join('\n')}\n`;
}

const snapshot = (hh: Harness) =>
  Object.fromEntries(
    [
      'incident_events',
      'incidents',
      'resource_assignments',
      'resource_segments',
      'incident_ledger',
      'demand_rollup',
      'referral_rollup',
      'demand_rollup_month',
      'referral_rollup_month',
    ].map((t) => [t, hh.db.$client.prepare(`SELECT * FROM ${t} ORDER BY 1, 2, 3`).all()]),
  );

describe('import of historic command-and-control extracts', () => {
  it(
    'imports the good rows, reports each bad row by line number (with the rule), and a second import changes ' +
      'nothing',
    async () => {
      const r = await importCsvText(h.deps, extract(), { source: 'kent-2025.csv' });
      expect(r).toMatchObject({ rows: 9, imported: 3, alreadyPresent: 0, errorCount: 6 });
      expect(
        r.errors.map((e) => [e.line, e.ref, e.rule ?? null]).sort((a, b) => (a[0] as number) - (b[0] as number)),
      ).toEqual([
        [3, 'KENT-H-2', null],
        [5, 'KENT-H-4', 'R39'],
        [6, 'KENT-H-5', null],
        [8, 'KENT-H-7', 'R40'],
        [9, 'KENT-H-8', 'R38'],
        [10, 'KENT-H-9', null],
      ]);
      const byLine = Object.fromEntries(r.errors.map((e) => [e.line, e.message]));
      expect(byLine[3]).toMatch(/received_at: '01\/06\/2025 21:10' is not an ISO-8601 time/);
      expect(byLine[6]).toMatch(/category: 'parking'/);
      expect(byLine[10]).toMatch(new RegExp(`4 fields but the header has ${IMPORT_HEADER.split(',').length}`));
      expect(h.count('incident_events')).toBe(3);
      // The historic referral and the person reference feed the referral and repeat-demand figures; the reference
      // itself
      // is not stored.
      expect(
        h.db.$client.prepare('SELECT agency, accepted, answer_seconds AS secs FROM referral_ledger').all(),
      ).toEqual([{ agency: 'kmptSpoa', accepted: 1, secs: 1800 }]);
      expect(h.count('person_contacts')).toBe(1);
      expect(JSON.stringify(h.db.$client.prepare('SELECT * FROM incident_events').all())).not.toContain('KP-77');
      const stored = snapshot(h);
      const again = await importCsvText(h.deps, extract(), { source: 'kent-2025.csv' });
      expect(again).toMatchObject({ rows: 9, imported: 0, alreadyPresent: 3, errorCount: 6 });
      expect(snapshot(h)).toEqual(stored);
    },
  );

  it(
    'a row whose incident_ref is already stored with different values is refused by line, naming the columns; ' +
      'nothing is overwritten',
    async () => {
      await importCsvText(h.deps, extract(), { source: 'kent-2025.csv' });
      const events = () => h.db.$client.prepare('SELECT * FROM incident_events ORDER BY incident_id').all();
      const before = { events: events(), tables: snapshot(h) };
      // Lines: 2 as stored, 3 KENT-H-1 corrected (district and close time), 4 new, 5 the same new incident with another
      // grade, 6 line 4 again.
      const corrected = [
        IMPORT_HEADER,
        good('KENT-H-6', { mh_flag_at_close: '' }),
        good('KENT-H-1', { district: 'Dover', closed_at: '2025-06-02T02:00:00+01:00' }),
        good('KENT-H-10'),
        good('KENT-H-10', { grade: 'G2' }),
        good('KENT-H-10'),
      ].join('\n');
      const r = await importCsvText(h.deps, corrected, { source: 'kent-2025-corrected.csv' });
      expect(r).toMatchObject({ rows: 5, imported: 1, alreadyPresent: 2, errorCount: 2 });
      expect(r.errors).toEqual([
        {
          line: 3,
          ref: 'KENT-H-1',
          message:
            'already imported (from kent-2025.csv) with a different district, closed_at; imported history is not ' +
            'overwritten',
        },
        {
          line: 5,
          ref: 'KENT-H-10',
          message: 'already on line 4 of this file with a different grade; imported history is not overwritten',
        },
      ]);
      // The stored history is as it was, plus the one new incident.
      const after = events() as Array<{ payload: string }>;
      expect(after).toHaveLength(before.events.length + 1);
      for (const e of before.events) expect(after).toContainEqual(e);
      // Across batches (one row per transaction) the earlier row is already stored, and is named as such.
      const split = await importCsvText(
        h.deps,
        [IMPORT_HEADER, good('KENT-H-20'), good('KENT-H-20', { person_ref: 'KP-78' })].join('\n'),
        { source: 'split.csv', batchSize: 1 },
      );
      expect(split.errors).toEqual([
        {
          line: 3,
          ref: 'KENT-H-20',
          message: 'already imported (from split.csv) with a different person_ref; imported history is not overwritten',
        },
      ]);
    },
  );

  it(
    'several referrals in one row (the referrals column): each with its agency, times and answer, in the referral ' +
      'figures; bad ones refused by line',
    async () => {
      const r = await importCsvText(
        h.deps,
        [
          IMPORT_HEADER,
          good('KENT-R-1', {
            referrals:
              'kmptSpoa|2025-06-01T20:20:00Z|declined|2025-06-01T20:35:00Z; ' +
              'kentAmhp|2025-06-01T20:40:00Z|accepted|2025-06-01T21:40:00Z;nhs111MhOption|2025-06-01T20:45:00Z',
          }),
          good('KENT-R-2', { referrals: 'kmptSpoa|2025-06-01T20:20:00Z|accepted' }),
          good('KENT-R-3', {
            referrals: 'kmptSpoa|2025-06-01T20:20:00Z',
            referral_agency: 'kentAmhp',
            referral_made_at: '2025-06-01T20:20:00Z',
          }),
          good('KENT-R-4', { referrals: 'kmptSpoa|2025-06-01T20:20:00Z;nobody|2025-06-01T20:30:00Z' }),
        ].join('\n'),
      );
      expect(r).toMatchObject({ rows: 4, imported: 1, errorCount: 3 });
      expect(r.errors.map((e) => [e.line, e.message])).toEqual([
        [
          3,
          'referrals[1]: expected AGENCY|made_at or AGENCY|made_at|answer|answered_at, got ' +
            "'kmptSpoa|2025-06-01T20:20:00Z|accepted'",
        ],
        [4, 'give referrals either in the referral_* columns or in referrals, not both'],
        [5, expect.stringMatching(/^referrals\[2\] agency: 'nobody' is not one of/)],
      ]);
      const ledger = h.db.$client
        .prepare('SELECT agency, accepted, declined, answer_seconds AS secs FROM referral_ledger ORDER BY agency')
        .all();
      expect(ledger).toEqual([
        { agency: 'kentAmhp', accepted: 1, declined: 0, secs: 3600 },
        { agency: 'kmptSpoa', accepted: 0, declined: 1, secs: 900 },
        { agency: 'nhs111MhOption', accepted: 0, declined: 0, secs: 0 },
      ]);
      const id = h.db.$client.prepare(`SELECT id FROM incidents WHERE reference = 'KENT-R-1'`).pluck().get() as string;
      const v = (await h.request('GET', `/api/incidents/${id}`, { headers: REASON })).body;
      expect(v.referrals.map((x: any) => [x.agency, x.status])).toEqual([
        ['kmptSpoa', 'declined'],
        ['kentAmhp', 'accepted'],
        ['nhs111MhOption', 'pending'],
      ]);
    },
  );

  it('an imported incident is a closed historic incident with its time ledger; rebuilds byte for byte', async () => {
    await importCsvText(h.deps, `${IMPORT_HEADER}\n${good('KENT-H-1')}\n`);
    const id = h.db.$client.prepare(`SELECT id FROM incidents WHERE reference = 'KENT-H-1'`).pluck().get() as string;
    const v = (await h.request('GET', `/api/incidents/${id}`, { headers: REASON })).body;
    expect(v).toMatchObject({
      state: 'closed',
      imported: true,
      version: 1,
      allowedEvents: [],
      receivedAt: '2025-06-01T20:10:00.000Z',
      closedAt: '2025-06-02T00:30:00.000Z',
      mhFlagAtClose: true,
      grade: { code: 'G1' },
    });
    expect(v.timeline.map((e: { type: string }) => e.type)).toEqual(['INCIDENT_IMPORTED']);
    expect(v.resources.map((r: any) => [r.callSign, r.status, r.officerHours])).toEqual([
      ['KT12', 'cleared', Math.round((198 / 60) * 2 * 100) / 100],
      ['KT14', 'cleared', Math.round((10 / 60) * 100) / 100],
    ]);
    expect(v.resources[0].segments.map((s: any) => s.activity)).toEqual([
      'travel',
      'scene',
      'conveyance',
      'waitingHBPoS',
    ]);
    const ledger = h.db.$client
      .prepare(
        'SELECT officer_seconds AS os, os_waiting_hbpos AS hbpos, calls_handled AS calls, imported FROM ' +
          'incident_ledger WHERE incident_id = ?',
      )
      .get(id);
    expect(ledger).toEqual({ os: 198 * 60 * 2 + 10 * 60, hbpos: 120 * 60 * 2, calls: 1, imported: 1 });
    const stored = snapshot(h);
    rebuildProjections(h.db);
    expect(snapshot(h)).toEqual(stored);
    // Closed history: nothing more can be recorded on it.
    const more = await h.event(id, { type: 'NEW_INFORMATION', summary: 'late note', source: 'officer' });
    expect(more.status).toBe(422);
  });

  it('a header the importer does not understand stops the import before anything is written', async () => {
    await expect(importCsvText(h.deps, 'ref,when\nA,2025-01-01T00:00:00Z\n')).rejects.toThrow(
      /unknown column 'ref'[\s\S]*missing required column 'incident_ref'/,
    );
    expect(h.count('incident_events')).toBe(0);
  });

  it('npm run import: reports bad lines, writes them to <file>.errors.csv, exits 3; a second run adds nothing', () => {
    const file = join(h.dir, 'extract.csv');
    writeFileSync(file, extract());
    const env = { ...process.env, DATABASE_PATH: h.dbPath, PERSON_KEY_SECRET: 'import-test-secret-0123456789abcdef' };
    const run = () =>
      spawnSync('npx', ['tsx', 'src/cli/import.ts', file], {
        env,
        encoding: 'utf8',
        cwd: join(import.meta.dirname, '../..'),
      });
    const first = run();
    expect(first.status, first.stderr).toBe(3);
    expect(first.stdout).toMatch(/9 rows; 3 imported, 0 already present, 6 refused/);
    expect(first.stdout).toMatch(/line 5 \(KENT-H-4\): \[R39\]/);
    expect(existsSync(`${file}.errors.csv`)).toBe(true);
    expect(readFileSync(`${file}.errors.csv`, 'utf8').split('\n')[0]).toBe('line,incident_ref,rule,message');
    const second = run();
    expect(second.stdout).toMatch(/3 already present/);
    expect(h.count('incident_events')).toBe(3);
    void execFileSync;
  });
});
