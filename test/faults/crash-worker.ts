/**
 * The victim process of test/faults/crash.test.ts: opens a real database file (WAL,
 * synchronous=FULL, as the server does) and runs commands through the command path until it is
 * killed. After each command has COMMITTED (the command function returned) it prints one line:
 *
 *   ok <incidentId> <version> <idempotencyKey|->
 *
 * so every line the parent reads names a command that must survive the kill. On start it picks up
 * the incidents left open by an earlier (killed) run, as a restarted server would.
 *
 * argv: <dbPath> <seed>
 */
import { openDatabase } from '../../db/client.js';
import { createIncident } from '../../src/commands/create-incident.js';
import type { CommandDeps, CommandMeta, CommandResult } from '../../src/commands/deps.js';
import { recordEvent } from '../../src/commands/record-event.js';
import { loadForceConfig } from '../../src/config/load.js';
import { restoreAggregate } from '../../src/domain/incident-aggregate.js';
import type { CreateIncidentInput, IncidentEventInput } from '../../src/domain/incident-inputs.js';
import { incidentView, type IncidentView } from '../../src/domain/incident-view.js';
import { PersonKeyer } from '../../src/domain/person-key.js';
import { seedDirectory } from '../../src/directory/directory.js';
import { sweepDeadlines } from '../../src/scheduler/sweeper.js';
import { ManualClock } from '../support/clock.js';
import { ledgerBody } from '../support/ledger.js';

const [dbPath, seedArg] = process.argv.slice(2) as [string, string];
const db = openDatabase(dbPath);
const config = loadForceConfig();

let seed = Number(seedArg) >>> 0;
const rand = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

// Time continues after whatever an earlier run recorded.
const last = db.$client.prepare('SELECT max(recorded_at) FROM incident_events').pluck().get() as string | null;
const clock = new ManualClock(last ? new Date(Date.parse(last) + 60_000) : '2026-11-23T09:00:00.000Z');
const deps: CommandDeps = {
  db,
  clock,
  config,
  keyer: new PersonKeyer('test-secret-for-person-keys-0123456789'),
  mailEnabled: false,
};
// As the server does on start: the partner directory begins as the configured agencies.
seedDirectory(db, config, clock.now().toISOString());
const actor = { id: `crash-worker-${seedArg}`, role: 'call_handler' as const };
let keys = 0;

/** Open incidents as the worker last saw them (reloaded from snapshots on start). */
const open = new Map<string, IncidentView>();
function reloadOpen(): void {
  open.clear();
  for (const row of db.$client
    .prepare(`SELECT snapshot FROM incidents WHERE status = 'open'`)
    .pluck()
    .all() as string[]) {
    const v = incidentView(restoreAggregate(row));
    open.set(v.id, v);
  }
}
reloadOpen();

function report(r: CommandResult, key: string | null): void {
  if (!r.ok) {
    throw new Error(`the worker only sends valid commands, but one was refused: ${JSON.stringify(r.refusal)}`);
  }
  const v = r.body as IncidentView;
  // Printed only after the command returned, i.e. after COMMIT.
  process.stdout.write(`ok ${v.id} ${v.version} ${key ?? '-'}\n`);
  if (v.status === 'open') open.set(v.id, v);
  else open.delete(v.id);
}

function meta(withKey: boolean): CommandMeta {
  return { actor, idempotencyKey: withKey ? `crash-${seedArg}-${++keys}` : null, requestHash: `h-${keys}` };
}

const thrive = {
  threat: 'none identified',
  harm: 'self-harm thoughts',
  risk: 'medium',
  investigation: 'none identified',
  vulnerability: 'lives alone',
  engagement: 'engaging',
  rationale: 'mental-health need, no crime',
};

function nextInput(v: IncidentView, at: string): IncidentEventInput {
  const allowed = v.allowedEvents;
  const forward = allowed.filter(
    (t) =>
      !['NEW_INFORMATION', 'SUBJECT_RECORDED'].includes(t) &&
      (t !== 'THRIVE_RECORDED' || v.state === 'new' || v.reassessmentRequired !== null),
  );
  const type = pick(forward.length > 0 && rand() < 0.85 ? forward : allowed);
  const base = { occurredAt: at };
  switch (type) {
    case 'THRIVE_RECORDED':
      return { type, ...base, ...thrive, ...(rand() < 0.5 ? { safetyNet: 'crisis team calls back in 1 h' } : {}) };
    case 'GRADE_SET':
      return { type, ...base, grade: pick(['G2', 'G3', 'G5']) };
    case 'RCRP_DECISION_RECORDED':
      return {
        type,
        ...base,
        crimeOccurring: false,
        riskToLife: false,
        riskOfSeriousHarm: false,
        decision: pick(['deploy', 'jointResponse', 'handover', 'adviceOnly'] as const),
        rationale: 'threshold assessed',
      };
    case 'POLICE_DISPATCHED':
      return {
        type,
        ...base,
        resources: [{ callSign: `KM${21 + v.resources.length}`, officers: 2, type: 'response' }],
      };
    case 'CALL_HANDLING_RECORDED':
    case 'RESOURCE_ARRIVED':
    case 'RESOURCE_CLEARED':
      return ledgerBody(type, v, at, Math.floor(rand() * 10)) as IncidentEventInput;
    case 'REFERRAL_MADE':
      return {
        type,
        ...base,
        referralId: `r${v.referrals.length + 1}`,
        agency: pick(config.agencies).code,
        contactMethod: 'phone',
        namedContact: 'duty nurse',
      };
    case 'REFERRAL_ANSWERED': {
      const r = pick(v.referrals.filter((x) => x.status === 'pending' || x.status === 'noResponse'));
      const answer = pick(
        r.status === 'noResponse'
          ? (['accepted', 'declined'] as const)
          : (['accepted', 'declined', 'noResponse'] as const),
      );
      return { type, ...base, referralId: r.id, answer, ...(answer === 'declined' ? { reason: 'no capacity' } : {}) };
    }
    case 'ADVICE_GIVEN':
      return { type, ...base, summary: 'advised to contact GP' };
    case 'RESOLVED_WITHOUT_DEPLOYMENT':
      return { type, ...base, resolution: 'callerReassured' };
    case 'SUBJECT_RECORDED':
      return {
        type,
        ...base,
        subject: {
          identifiers: { forcePersonId: `P-${Math.floor(rand() * 8)}` },
          ageYears: pick([16, 40]),
          gender: 'male',
          ethnicity: 'white',
          ethnicityBasis: 'selfDefined',
        },
      };
    case 'INCIDENT_CLOSED':
      return { type, ...base, mhFlagAtClose: rand() < 0.7, closureCode: 'resolved' };
    default:
      return { type: 'NEW_INFORMATION', ...base, summary: 'caller rang back', source: 'caller' };
  }
}

for (let n = 0; ; n++) {
  clock.advanceSeconds(20);
  const at = clock.at();
  if (n % 40 === 39) {
    // Deadline events move versions on; pick them up as a client would by re-reading.
    if (sweepDeadlines(deps).fired > 0) reloadOpen();
    continue;
  }
  if (open.size < 5 || rand() < 0.15) {
    const withKey = rand() < 0.5;
    const category = pick(config.categories);
    // An AWOL category needs a detained patient (R14): a s.3 patient here.
    const awol = category.requiresDetainedLegalStatus;
    const input: CreateIncidentInput = {
      receivedAt: clock.at(-1),
      channel: pick(['999', '101', 'online'] as const),
      category: category.code,
      mhFlagAtCall: true,
      ...(rand() < 0.5 ? { locationClass: 'urban' as const } : {}),
      ...(awol || rand() < 0.4
        ? {
            subject: {
              identifiers: { forcePersonId: `P-${Math.floor(rand() * 8)}` },
              gender: 'female' as const,
              ethnicity: 'notStated' as const,
              ethnicityBasis: 'notKnown' as const,
              ...(awol ? { legalStatus: '03' as const } : {}),
            },
          }
        : {}),
    };
    const m = meta(withKey);
    report(createIncident(deps, m, input), m.idempotencyKey);
    continue;
  }
  const v = pick([...open.values()]);
  if (rand() < 0.1) {
    // A stale write: refused, and must leave nothing behind.
    recordEvent(deps, meta(false), {
      incidentId: v.id,
      ifMatch: v.version - 1,
      input: { type: 'NEW_INFORMATION', occurredAt: at, summary: 'stale', source: 'other' },
    });
    continue;
  }
  const m = meta(rand() < 0.5);
  report(recordEvent(deps, m, { incidentId: v.id, ifMatch: v.version, input: nextInput(v, at) }), m.idempotencyKey);
}
