/**
 * `npm run bench` (second part; `BENCH_SUITE=reports` alone): bulk import and demand report over
 * 1,000,000 incidents (about a decade for a large force). A report, not a test.
 *
 *  1. Write a synthetic command-and-control extract of BENCH_INCIDENTS rows (default 1,000,000).
 *  2. Import it into a fresh database in a child process (synchronous=FULL, as the CLI does):
 *     incidents/s and the child's peak RSS (streaming: memory must not grow with the file).
 *     Then the raw floor of that import (import-floor.ts): the same stored rows written into an
 *     empty database with prepared INSERTs and nothing else, in the same run, as its baseline.
 *  3. In this process, on that database, median of BENCH_REPORT_RUNS: the demand report (every
 *     section, every grouping), against two hand-written SQL aggregates over the same data in
 *     the same run: (a) straight over the per-incident ledgers, (b) over the rollup tables.
 *
 * Writes bench-results/reports.json and prints a Markdown table.
 */
import Database from 'better-sqlite3';
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, closeDatabase } from '../../db/client.js';
import { loadForceConfig } from '../../src/config/load.js';
import { runDemandReport } from '../../src/reports/demand-report.js';
import { evidencePack } from '../../src/reports/evidence-pack.js';
import { evidencePackHtml } from '../../src/reports/pack-html.js';
import { writeExtract } from './extract.js';
import { measureImportFloor, measureSqlFloor } from './import-floor.js';
import { median } from './stats.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const N = Number(process.env.BENCH_INCIDENTS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_REPORT_RUNS ?? 5);
const TARGET_REPORT_MS = 500;
const TARGET_RATIO = 1.5;
const TARGET_IMPORT_RATE = 50_000;
const TARGET_IMPORT_RSS_MB = 300;

const log = (s: string) => process.stderr.write(`${s}\n`);
function time<T>(f: () => T): { ms: number; value: T } {
  const t = performance.now();
  const value = f();
  return { ms: performance.now() - t, value };
}
function timed<T>(f: () => T, runs = RUNS): { ms: number; value: T } {
  f(); // warm: statements prepared, pages cached
  const ms: number[] = [];
  let value!: T;
  for (let i = 0; i < runs; i++) {
    const r = time(f);
    ms.push(r.ms);
    value = r.value;
  }
  return { ms: median(ms), value };
}

interface ImportResult {
  type: 'done';
  rows: number;
  imported: number;
  errorCount: number;
  seconds: number;
  maxRssMb: number;
}

async function importInChild(dbPath: string, csv: string): Promise<ImportResult> {
  const child = fork(join(HERE, 'import-child.ts'), [dbPath, csv], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((res, rej) => {
    child.on('message', (m: ImportResult) => m.type === 'done' && res(m));
    child.on('exit', (code) => code !== 0 && rej(new Error(`import child exited ${code}`)));
  });
}

/** (a) What an analyst would write by hand straight over the per-incident ledgers. */
function handWrittenOverLedger(db: Database.Database, from: string, to: string) {
  const byMonth = db
    .prepare(
      `SELECT substr(day, 1, 7) AS month, count(*) AS incidents, sum(mh_related) AS mh, sum(mh_flag_at_call) AS atCall,
      sum(mh_flag_at_close) AS atClose,
              sum(flags_agree) AS agree, sum(close_flag_known) AS known, sum(with_police) AS withPolice,
              sum(officer_seconds) / 3600.0 AS officerHours,
              sum(os_travel) / 3600.0, sum(os_scene) / 3600.0, sum(os_conveyance) / 3600.0,
              sum(os_waiting_ed) / 3600.0, sum(os_waiting_hbpos) / 3600.0,
              sum(os_custody) / 3600.0, sum(os_other) / 3600.0, sum(call_seconds) / 3600.0, sum(rcrp_scope),
              sum(decision_deploy), sum(decision_joint),
              sum(decision_handover), sum(decision_advice), sum(decision_none),
              sum(released_officer_seconds) / 3600.0, sum(released_incidents)
       FROM incident_ledger WHERE day BETWEEN ? AND ? GROUP BY month ORDER BY month`,
    )
    .all(from, to);
  const byAgency = db
    .prepare(
      `SELECT agency, count(*) AS referrals, sum(accepted), sum(declined), sum(no_response), sum(pending),
      sum(answer_seconds) / 60.0 / nullif(sum(answered), 0)
       FROM referral_ledger WHERE day BETWEEN ? AND ? GROUP BY agency ORDER BY agency`,
    )
    .all(from, to);
  return { byMonth, byAgency, repeat: repeatDemandWindow(db, from, to) };
}

/**
 * (b) The same figures hand-written over the rollup tables and the person ranks the report reads
 * (the period is whole months, so the month rollups alone).
 */
function handWrittenOverRollup(db: Database.Database, from: string, to: string) {
  const byMonth = db
    .prepare(
      `SELECT month, sum(incidents), sum(mh_related), sum(mh_flag_at_call), sum(mh_flag_at_close), sum(flags_agree),
      sum(close_flag_known),
              sum(with_police), sum(officer_seconds) / 3600.0, sum(os_travel) / 3600.0, sum(os_scene) / 3600.0,
              sum(os_conveyance) / 3600.0, sum(os_waiting_ed) / 3600.0,
              sum(os_waiting_hbpos) / 3600.0, sum(os_custody) / 3600.0, sum(os_other) / 3600.0,
              sum(call_seconds) / 3600.0, sum(rcrp_scope), sum(decision_deploy),
              sum(decision_joint), sum(decision_handover), sum(decision_advice), sum(decision_none),
              sum(released_officer_seconds) / 3600.0, sum(released_incidents)
       FROM demand_rollup_month WHERE dim = 'all' AND month BETWEEN substr(?, 1, 7) AND substr(?, 1,
       7) GROUP BY month ORDER BY month`,
    )
    .all(from, to);
  const byAgency = db
    .prepare(
      `SELECT grp, sum(referrals), sum(accepted), sum(declined), sum(no_response), sum(pending),
      sum(answer_seconds) / 60.0 / nullif(sum(answered), 0)
       FROM referral_rollup_month WHERE dim = 'agency' AND month BETWEEN substr(?, 1, 7) AND substr(?, 1,
       7) GROUP BY grp ORDER BY grp`,
    )
    .all(from, to);
  const fromS = Date.parse(`${from}T00:00:00+01:00`) / 1000;
  const toS = Date.parse(`${to}T00:00:00+01:00`) / 1000 + 86_400;
  const period = db
    .prepare(
      'SELECT count(*), sum(officer_seconds), sum(prev_s IS NULL OR prev_s < ?) FROM person_contacts WHERE ' +
        'received_s >= ? AND received_s < ?',
    )
    .get(fromS, fromS, toS);
  // Candidates (a 5th or later contact in the period), their contacts in order, a sliding 90-day window.
  const cand = db
    .prepare('SELECT DISTINCT person FROM person_contacts WHERE rank >= 5 AND received_s >= ? AND received_s < ?')
    .pluck()
    .all(fromS, toS);
  const rows = db
    .prepare(
      'SELECT person, received_s FROM person_contacts WHERE person IN (SELECT value FROM json_each(?)) AND ' +
        'received_s >= ? AND received_s < ? ORDER BY person, rank',
    )
    .raw()
    .all(JSON.stringify(cand), fromS - 90 * 86400, toS) as Array<[number, number]>;
  const high = new Set<number>();
  let last: number | null = null;
  let times: number[] = [];
  for (const [p, at] of rows) {
    if (p !== last) [last, times] = [p, []];
    times.push(at);
    if (times.length >= 5 && at >= fromS && at - times[times.length - 5]! <= 90 * 86400) high.add(p);
  }
  const theirs = db
    .prepare(
      'SELECT count(*), sum(officer_seconds) FROM person_contacts WHERE person IN (SELECT value FROM json_each(?)) ' +
        'AND received_s >= ? AND received_s < ?',
    )
    .get(JSON.stringify([...high]), fromS, toS);
  return { byMonth, byAgency, repeat: { period, high: high.size, theirs } };
}

/** Repeat demand as one would write it by hand without the ranks: a window over every contact. */
function repeatDemandWindow(db: Database.Database, from: string, to: string) {
  return db
    .prepare(
      `WITH w AS (SELECT person, day, officer_seconds, received_at, lag(received_at,
      4) OVER (PARTITION BY person ORDER BY received_at, incident_id) AS earlier
                  FROM person_contacts WHERE day BETWEEN date(?, '-90 days') AND ?),
            hi AS (SELECT DISTINCT person FROM w WHERE day BETWEEN ? AND ? AND earlier IS NOT NULL
              AND julianday(received_at) - julianday(earlier) <= 90)
       SELECT count(*), count(DISTINCT w.person), (SELECT count(*) FROM hi),
       sum(hi.person IS NOT NULL) FROM w LEFT JOIN hi ON hi.person = w.person WHERE w.day BETWEEN ? AND ?`,
    )
    .get(from, to, from, to, from, to);
}

async function main() {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'mh-bench-reports-'));
  const csv = join(dir, 'extract.csv');
  const dbPath = join(dir, 'bench.sqlite');
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 1e9),
    node: process.version,
  };
  try {
    log(
      `bench reports: ${N.toLocaleString('en-GB')} incidents, ${machine.cpus} cores (${machine.cpuModel}), node ` +
        `${machine.node}`,
    );
    const gen = time(() => writeExtract(csv, N, { start: '2015-04-01T00:00:00Z', years: 10, seed: 7 }));
    await gen.value;
    log(`  extract written: ${(statSync(csv).size / 1e6).toFixed(0)} MB`);
    const imp = await importInChild(dbPath, csv);
    const importRate = imp.imported / imp.seconds;
    log(
      `  import: ${imp.imported} incidents in ${imp.seconds.toFixed(1)} s = ${Math.round(importRate)} incidents/s, ` +
        `peak RSS ${imp.maxRssMb} MB, ${imp.errorCount} refused`,
    );

    const floorSource = new Database(dbPath, { readonly: true });
    const floor = measureImportFloor(floorSource, join(dir, 'floor.sqlite'));
    floorSource.close();
    for (const f of ['floor.sqlite', 'floor.sqlite-wal', 'floor.sqlite-shm']) rmSync(join(dir, f), { force: true });
    const sqlFloor = measureSqlFloor(dbPath, join(dir, 'floor.sqlite'));
    for (const f of ['floor.sqlite', 'floor.sqlite-wal', 'floor.sqlite-shm']) rmSync(join(dir, f), { force: true });
    log(
      `  SQL floor: INSERT … SELECT of the same rows in ${sqlFloor.seconds.toFixed(1)} s = ` +
        `${Math.round(sqlFloor.incidentsPerSecond)} incidents/s`,
    );
    const importVsFloor = importRate / floor.incidentsPerSecond;
    log(
      `  raw floor: the same ${floor.rows} rows in ${floor.seconds.toFixed(1)} s = ` +
        `${Math.round(floor.incidentsPerSecond)} incidents/s (import ${(100 * importVsFloor).toFixed(0)}% of it)`,
    );
    log(`    ${floor.byTable.map((x) => `${x.table} ${x.usPerIncident.toFixed(1)} µs`).join(', ')} per incident`);

    const db = openDatabase(dbPath, { migrate: false });
    const config = loadForceConfig();
    const from = '2015-04-01';
    const to = '2025-03-31';
    const sqlite = db.$client;
    const counts = {
      incidents: sqlite.prepare('SELECT count(*) FROM incidents').pluck().get() as number,
      personContacts: sqlite.prepare('SELECT count(*) FROM person_contacts').pluck().get() as number,
      referrals: sqlite.prepare('SELECT count(*) FROM referral_ledger').pluck().get() as number,
    };
    const now = new Date();
    const report = (groupBy: 'month' | 'district' | 'category' | 'agency', suppress: boolean) => () =>
      runDemandReport({ db, config, params: { from, to, groupBy }, suppress, now });
    const results = {
      reportMonth: timed(report('month', false)),
      reportMonthPcc: timed(report('month', true)),
      reportDistrict: timed(report('district', true)),
      reportCategory: timed(report('category', true)),
      reportAgency: timed(report('agency', true)),
      reportOneYear: timed(() =>
        runDemandReport({
          db,
          config,
          params: { from: '2024-04-01', to: '2025-03-31', groupBy: 'month' },
          suppress: true,
          now,
        }),
      ),
      evidencePack: timed(
        () => evidencePackHtml(evidencePack({ db, config, params: { from, to }, suppress: true, now }), 'bench'),
        3,
      ),
      handLedger: timed(() => handWrittenOverLedger(sqlite, from, to), 3),
      handRollup: timed(() => handWrittenOverRollup(sqlite, from, to)),
      repeatWindow: timed(() => repeatDemandWindow(sqlite, from, to), 3),
    };
    closeDatabase(db);
    const reportMs = results.reportMonthPcc.ms;
    const ratioLedger = reportMs / results.handLedger.ms;
    const ratioRollup = reportMs / results.handRollup.ms;
    const yes = (b: boolean) => (b ? 'met' : 'MISSED');
    const f = (ms: number) => `${ms.toFixed(0)} ms`;
    const slowestGrouping = Math.max(results.reportDistrict.ms, results.reportCategory.ms, results.reportAgency.ms);
    const table = [
      '| what | result | target |',
      '|---|---:|---|',
      `| bulk import of ${N.toLocaleString('en-GB')} incidents (CSV → events → projections, synchronous=FULL) | ` +
        `${Math.round(importRate).toLocaleString('en-GB')} incidents/s (${imp.seconds.toFixed(0)} s) | ≥ ` +
        `${TARGET_IMPORT_RATE.toLocaleString('en-GB')}/s — ${yes(importRate >= TARGET_IMPORT_RATE)} |`,
      `| raw floor: the same stored rows (${(floor.rows / floor.incidents).toFixed(1)} per incident) written with ` +
        `prepared INSERTs alone, same batches, synchronous=FULL | ` +
        `${Math.round(floor.incidentsPerSecond).toLocaleString('en-GB')} incidents/s (${floor.seconds.toFixed(0)} ` +
        `s) | import at ${(100 * importVsFloor).toFixed(0)}% of it; the 50,000/s target is ` +
        `${(TARGET_IMPORT_RATE / floor.incidentsPerSecond).toFixed(1)}× this floor |`,
      `| SQL floor: the same rows copied inside SQLite (INSERT … SELECT per table per batch, no JavaScript per row; ` +
        `source reads included) | ${Math.round(sqlFloor.incidentsPerSecond).toLocaleString('en-GB')} incidents/s ` +
        `(${sqlFloor.seconds.toFixed(0)} s) | the 50,000/s target is ` +
        `${(TARGET_IMPORT_RATE / sqlFloor.incidentsPerSecond).toFixed(1)}× this floor |`,
      `| import peak memory (child process max RSS) | ${imp.maxRssMb} MB | < ${TARGET_IMPORT_RSS_MB} MB — ` +
        `${yes(imp.maxRssMb < TARGET_IMPORT_RSS_MB)} |`,
      `| demand report, decade, by month, PCC (suppressed) | ${f(reportMs)} | < ${TARGET_REPORT_MS} ms — ` +
        `${yes(reportMs < TARGET_REPORT_MS)} |`,
      `| demand report, by month, unsuppressed | ${f(results.reportMonth.ms)} | |`,
      `| demand report, by district / category / agency (PCC) | ${f(results.reportDistrict.ms)} / ` +
        `${f(results.reportCategory.ms)} / ${f(results.reportAgency.ms)} | < ${TARGET_REPORT_MS} ms — ` +
        `${yes(slowestGrouping < TARGET_REPORT_MS)} |`,
      `| demand report for one year (2024/25) of the same database, by month (PCC) | ${f(results.reportOneYear.ms)} ` +
        `| |`,
      `| evidence pack HTML (report + charts) | ${f(results.evidencePack.ms)} | |`,
      `| (a) hand-written SQL over the per-incident ledgers | ${f(results.handLedger.ms)} | report ≤ ` +
        `${TARGET_RATIO}× — ${ratioLedger.toFixed(2)}× ${yes(ratioLedger <= TARGET_RATIO)} |`,
      `| (b) hand-written SQL over the rollup tables | ${f(results.handRollup.ms)} | report ≤ ${TARGET_RATIO}× — ` +
        `${ratioRollup.toFixed(2)}× ${yes(ratioRollup <= TARGET_RATIO)} |`,
      `| of which (a)'s repeat demand as a window over every contact | ${f(results.repeatWindow.ms)} | |`,
    ].join('\n');
    process.stdout.write(
      `\n## Import and demand report over ${N.toLocaleString('en-GB')} incidents (\`npm run ` +
        `bench\`)\n\n${machine.cpus} cores (${machine.cpuModel}), Node ${machine.node}; ` +
        `${counts.incidents.toLocaleString('en-GB')} incidents, ${counts.referrals.toLocaleString('en-GB')} ` +
        `referrals, ${counts.personContacts.toLocaleString('en-GB')} person contacts over ten years; median of ` +
        `${RUNS} runs after a warm-up.\n\n${table}\n`,
    );
    mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
    writeFileSync(
      join(ROOT, 'bench-results', 'reports.json'),
      `${JSON.stringify(
        {
          generatedAt: new Date().toISOString(),
          command: 'npm run bench (BENCH_SUITE=reports)',
          machine,
          incidents: N,
          counts,
          import: { ...imp, incidentsPerSecond: importRate },
          importFloor: { ...floor, importShare: importVsFloor },
          sqlFloor,
          reportMs: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.ms])),
          ratios: { overLedger: ratioLedger, overRollup: ratioRollup },
          targets: {
            reportMs: TARGET_REPORT_MS,
            ratio: TARGET_RATIO,
            importPerSecond: TARGET_IMPORT_RATE,
            importRssMb: TARGET_IMPORT_RSS_MB,
          },
          markdown: table,
          elapsedSeconds: Math.round((Date.now() - started) / 1000),
        },
        null,
        2,
      )}\n`,
    );
    log(`wrote bench-results/reports.json (${Math.round((Date.now() - started) / 1000)} s)`);
  } finally {
    if (process.env.BENCH_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }
}

main().catch((e: Error) => {
  log(`bench reports failed: ${e.stack ?? e.message}`);
  process.exit(1);
});
