/**
 * npm run demo [-- --seed 42 --from 2025-04-01 --days 365 --scale 1 --years 2]
 * Fills DATABASE_PATH (default ./data/triage.sqlite) with a year of demo demand through the real
 * command path — and, with --years 2 (the default), the year before it too (seed + 1), so the
 * evidence pack has a previous year to compare with — prints a calibration table for the main year
 * and tokens to open the evidence pack. Run it once on a fresh database; a second run finds the
 * demo data and stops. Then a live shift "now" for the console (src/demo/live-shift.ts) and tokens
 * to sign in to it as a call handler, a dispatcher or a supervisor.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { closeDatabase, openDatabase } from '../../db/client.js';
import { issueToken } from '../auth/tokens.js';
import { systemClock } from '../clock.js';
import { DEFAULT_CONFIG_PATH, loadForceConfig } from '../config/load.js';
import { listenPort, localUrl } from '../config/listen.js';
import { PersonKeyer, resolvePersonKeySecret } from '../domain/person-key.js';
import { seedDirectory } from '../directory/directory.js';
import { calibration, DEMO_DEFAULTS, demoReport, detentionFigures, runDemo } from '../demo/run-demo.js';
import { recordLiveShift, SHIFT_PREFIX } from '../demo/live-shift.js';
import { groupCommitUnitOfWork } from '../commands/unit-of-work.js';
import { buildIncidentInputs } from '../domain/incident-inputs.js';
import { localDate } from '../web/console/format.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    from: { type: 'string' },
    days: { type: 'string' },
    scale: { type: 'string' },
    years: { type: 'string' },
  },
  strict: true,
});
const o = {
  seed: Number(values.seed ?? DEMO_DEFAULTS.seed),
  start: values.from ?? DEMO_DEFAULTS.start,
  days: Number(values.days ?? DEMO_DEFAULTS.days),
  scale: Number(values.scale ?? DEMO_DEFAULTS.scale),
};
const years = Number(values.years ?? 2);
if (
  !Number.isInteger(o.seed) ||
  !/^\d{4}-\d{2}-\d{2}$/.test(o.start) ||
  !(o.days >= 1 && o.days <= 366) ||
  !(o.scale > 0 && o.scale <= 2) ||
  !(years === 1 || years === 2)
) {
  process.stderr.write(
    'usage: npm run demo -- [--seed N] [--from YYYY-MM-DD] [--days 1..366] [--scale 0..2] [--years 1|2]\n',
  );
  process.exit(2);
}
/** Where `npm start` with this environment serves `path` (the evidence pack page, the console). */
function servedAt(env: NodeJS.ProcessEnv, path: string): string {
  const listen = listenPort(env);
  if ('error' in listen) return `${path} at the address it prints (${listen.error})`;
  if (listen.port === 0) return `${path} at the address it prints (PORT=0 picks a free port)`;
  return `${localUrl(listen.port)}${path}`;
}

const path = resolve(process.env.DATABASE_PATH ?? './data/triage.sqlite');
const db = openDatabase(path);
try {
  const config = loadForceConfig(process.env.FORCE_CONFIG ?? DEFAULT_CONFIG_PATH);
  const existing = db.$client
    .prepare("SELECT count(*) FROM incidents WHERE reference LIKE 'DEMO-%'")
    .pluck()
    .get() as number;
  if (existing > 0) {
    process.stdout.write(
      `${path} already holds ${existing} demo incidents; nothing added. Delete the file for a fresh demo.\n`,
    );
  } else {
    // Referrals go to agencies in the directory: seed it from the configuration, as the server does at start.
    seedDirectory(db, config, systemClock.now().toISOString());
    const secret = resolvePersonKeySecret(process.env.PERSON_KEY_SECRET, `${path}.person-key`);
    process.stderr.write(
      `demo: a year from ${o.start} (${o.days} days, scale ${o.scale}, seed ${o.seed}) into ${path}\n`,
    );
    const progress = (done: number, total: number) => {
      if (done % 4000 === 0 || done === total) process.stderr.write(`  ${done}/${total} incidents\n`);
    };
    if (years === 2) {
      // The year before, so the evidence pack compares the demo year with a previous one (issue 14).
      // 5% busier than the demo year, so the comparison has something to show (demo data, not a finding).
      const before = {
        ...o,
        seed: o.seed + 1,
        scale: o.scale * 1.05,
        start: `${Number(o.start.slice(0, 4)) - 1}${o.start.slice(4)}`,
      };
      process.stderr.write(`demo: first the year before, from ${before.start} (seed ${before.seed})\n`);
      await runDemo({ db, config, keyer: new PersonKeyer(secret.secret), mailEnabled: false }, before, progress);
    }
    const r = await runDemo({ db, config, keyer: new PersonKeyer(secret.secret), mailEnabled: false }, o, progress);
    const report = demoReport({ db, config }, r.period, systemClock.now());
    const lines = calibration(report, o, detentionFigures(db, config.force.timezone, r.period));
    const detentions = r.plans.filter((p) => p.detention).length;
    const warrants = r.plans.filter((p) => p.warrant).length;
    process.stdout.write(
      `\n${r.plans.length} incidents (${detentions} with a s.136 detention, ${warrants} with a s.135 warrant), ` +
        `${r.commands} events through the command path in ${r.seconds.toFixed(0)} s ` +
        `(${Math.round(r.commands / r.seconds)} commands/s)\n\n`,
    );
    process.stdout.write(
      '| figure | published | generated | tolerance | within | source |\n|---|---:|---:|---|---|---|\n',
    );
    for (const l of lines)
      process.stdout.write(
        `| ${l.figure} | ${l.published ?? ''} | ${l.generated ?? '—'} | ${l.tolerance} | ` +
          `${l.within === null ? '—' : l.within ? 'yes' : 'NO'} | ${l.source} |\n`,
      );
  }
  const pcc = issueToken(db, systemClock, 'Demo PCC analyst', 'pcc_analyst').token;
  const lead = issueToken(db, systemClock, 'Demo MH lead', 'mh_lead').token;
  const handler = issueToken(db, systemClock, 'Demo call handler', 'call_handler');
  const dispatcher = issueToken(db, systemClock, 'Demo dispatcher', 'dispatcher');
  const supervisor = issueToken(db, systemClock, 'Demo supervisor', 'supervisor').token;
  // A live shift "now" for the console: about forty open incidents, running s.136 clocks, alerts.
  const openShift = db.$client
    .prepare(`SELECT count(*) FROM incidents WHERE reference LIKE '${SHIFT_PREFIX}%' AND status = 'open'`)
    .pluck()
    .get() as number;
  if (openShift === 0) {
    seedDirectory(db, config, systemClock.now().toISOString());
    const secret = resolvePersonKeySecret(process.env.PERSON_KEY_SECRET, `${path}.person-key`);
    const now = systemClock.now();
    const shift = await recordLiveShift(
      { db, config, keyer: new PersonKeyer(secret.secret), mailEnabled: false, uow: groupCommitUnitOfWork(db.$client) },
      buildIncidentInputs(config),
      {
        now,
        localDate: localDate(now.toISOString(), config.force.timezone).replaceAll('-', ''),
        callHandler: { id: handler.user.id, role: 'call_handler' },
        dispatcher: { id: dispatcher.user.id, role: 'dispatcher' },
      },
    );
    process.stdout.write(`\nA live shift for the console: ${shift.incidents} incidents open now.\n`);
  } else {
    process.stdout.write(
      `\nThe live shift recorded earlier is still there (${openShift} open incidents); its clocks have moved on. ` +
        'Delete the database for a fresh one.\n',
    );
  }
  process.stdout.write(
    `\nThe console: npm start, then open ${servedAt(process.env, '/console')} and sign in with one of these ` +
      `tokens (paste it at the sign-in page):\n` +
      `  Call handler: ${handler.token}\n  Dispatcher: ${dispatcher.token}\n  Supervisor: ${supervisor}\n` +
      `  MH lead (the demo year's detentions and handovers: Detentions, Handovers): ${lead}\n`,
  );
  process.stdout.write(
    `\nThe evidence pack: npm start, then open ${servedAt(process.env, '/reports')} and sign in with one of these ` +
      'tokens.\n' +
      `  PCC analyst (suppressed figures, R44): ${pcc}\n  MH lead (all figures): ${lead}\n` +
      `The demo year is ${o.start} + ${o.days} days` +
      `${years === 2 ? ', after the same days a year earlier (the previous year the pack compares with)' : ''}.\n`,
  );
} finally {
  closeDatabase(db);
}
