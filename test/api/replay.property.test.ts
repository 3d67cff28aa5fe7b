/**
 * The event log is the truth (ARCHITECTURE principle 3), checked against a random workload.
 *
 * fast-check generates a workload of 200+ incidents, each with a random plan of actions, interleaved
 * at random: valid steps chosen from what the API says is allowed, event types sent out of order,
 * rule violations, stale If-Match, malformed bodies and headers, idempotent retries, and sweeps of
 * the deadline scheduler as the manual clock moves on. Every answer must be the one expected for
 * its kind (never a 5xx), and afterwards:
 *  - every incident's snapshot equals replay(its events), and version = event count = last seq;
 *  - the log holds exactly the accepted commands (a refused command wrote nothing);
 *  - rebuildProjections() reproduces every projection table byte for byte.
 *
 * The run is seeded: on failure fast-check prints `seed` and `path`; rerun with FC_SEED=<seed>.
 */
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RCRP_DECISIONS } from '../../machines/incident.machine.js';
import type { Db } from '../../db/client.js';
import { rebuildProjections } from '../../src/commands/rebuild.js';
import { incidentStore } from '../../src/commands/incident-store.js';
import { loadForceConfig } from '../../src/config/load.js';
import { replay, serializeAggregate } from '../../src/domain/incident-aggregate.js';
import { sweepDeadlines } from '../../src/scheduler/sweeper.js';
import { createHarness, type ApiResponse, type Harness } from '../support/harness.js';
import { ledgerBody } from '../support/ledger.js';

const config = loadForceConfig();
const EVENT_TYPES = [
  'THRIVE_RECORDED',
  'GRADE_SET',
  'RCRP_DECISION_RECORDED',
  'POLICE_DISPATCHED',
  'REFERRAL_MADE',
  'REFERRAL_ANSWERED',
  'ADVICE_GIVEN',
  'RESOLVED_WITHOUT_DEPLOYMENT',
  'NEW_INFORMATION',
  'SUBJECT_RECORDED',
  'INCIDENT_CLOSED',
  'CALL_HANDLING_RECORDED',
  'RESOURCE_ARRIVED',
  'RESOURCE_CLEARED',
] as const;
/** A few people who call in again and again, so repeat-contact links (R15) form across incidents. */
const PEOPLE = ['P-100', 'P-200', 'P-300', 'P-400', 'P-500', 'P-600'];
const PROJECTION_TABLES = [
  'incidents',
  'incident_person_keys',
  'referrals',
  'deadlines',
  'alerts',
  'resource_assignments',
  'resource_segments',
  'incident_ledger',
  'referral_ledger',
  'person_contacts',
  'demand_rollup',
  'referral_rollup',
] as const;

// ---------------------------------------------------------------------------------------------
// The workload, as data fast-check generates (and prints on failure).
// ---------------------------------------------------------------------------------------------

const RULE_CASES = [
  'thriveBlankDimension',
  'thriveNoRationale',
  'occurredInFuture',
  'occurredBeforeCall',
  'noDeployDespiteRiskWithoutOverride',
  'overrideByConstable',
  'closeWithoutMhFlag',
  'answerUnknownReferral',
  'declineWithoutReason',
  'referralWithoutNamedContact',
  'duplicateReferralId',
] as const;
const BAD_CASES = [
  'malformedJson',
  'unknownType',
  'unknownGrade',
  'extraField',
  'instantWithoutOffset',
  'wrongFieldType',
  'missingIfMatch',
  'garbageIfMatch',
  'unknownIncident',
  'idempotencyKeyReused',
] as const;

type Action =
  | { kind: 'valid'; forward: boolean; pick: number; variant: number; key: boolean; advance: number }
  | { kind: 'anyType'; type: (typeof EVENT_TYPES)[number]; variant: number; advance: number }
  | { kind: 'rule'; which: (typeof RULE_CASES)[number]; variant: number; advance: number }
  | { kind: 'stale'; delta: number; pick: number; variant: number; advance: number }
  | { kind: 'bad'; which: (typeof BAD_CASES)[number]; advance: number }
  | { kind: 'retry' }
  | { kind: 'sweep'; minutes: number };

interface CreateParams {
  minutesAgo: number;
  reference: string | null;
  category: string;
  channel: string;
  locationClass: 'urban' | 'rural' | null;
  person: number | null;
  ageYears: number;
  mhFlagAtCall: boolean;
}
interface Plan {
  create: CreateParams;
  actions: Action[];
}
interface Workload {
  plans: Plan[];
  interleaveSeed: number;
}

const advance = fc.integer({ min: 0, max: 240 }); // seconds
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ kind: fc.constant('valid' as const), forward: fc.nat({ max: 3 }).map((n) => n > 0), pick: fc.nat(), variant: fc.nat(), key: fc.boolean(), advance }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('anyType' as const), type: fc.constantFrom(...EVENT_TYPES), variant: fc.nat(), advance }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('rule' as const), which: fc.constantFrom(...RULE_CASES), variant: fc.nat(), advance }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stale' as const), delta: fc.constantFrom(-1, 1, 7), pick: fc.nat(), variant: fc.nat(), advance }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bad' as const), which: fc.constantFrom(...BAD_CASES), advance }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'retry' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('sweep' as const), minutes: fc.integer({ min: 1, max: 90 }) }) },
);
const createArb: fc.Arbitrary<CreateParams> = fc.record({
  minutesAgo: fc.integer({ min: 0, max: 30 }),
  reference: fc.option(fc.integer({ min: 1, max: 40 }).map((n) => `CAD-${n}`), { freq: 3 }),
  category: fc.constantFrom(...config.categories.map((c) => c.code)),
  channel: fc.constantFrom('999', '101', 'online', 'partnerAgency'),
  locationClass: fc.constantFrom('urban' as const, 'rural' as const, null),
  person: fc.option(fc.nat({ max: PEOPLE.length - 1 }), { freq: 2 }),
  ageYears: fc.constantFrom(15, 34, 71),
  mhFlagAtCall: fc.boolean(),
});
const workloadArb: fc.Arbitrary<Workload> = fc.record({
  plans: fc.array(fc.record({ create: createArb, actions: fc.array(actionArb, { minLength: 2, maxLength: 18 }) }), { minLength: 200, maxLength: 220 }),
  interleaveSeed: fc.integer(),
});

// ---------------------------------------------------------------------------------------------
// Running a workload.
// ---------------------------------------------------------------------------------------------

/** mulberry32: the interleaving of incidents, derived from a generated seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const thriveNotes = {
  threat: 'none identified',
  harm: 'caller reports self-harm thoughts',
  risk: 'medium',
  investigation: 'none identified',
  vulnerability: 'lives alone',
  engagement: 'engaging with call handler',
  rationale: 'mental-health need, no crime',
};

interface View {
  id: string;
  version: number;
  state: string;
  allowedEvents: string[];
  locationClass: string | null;
  receivedAt: string;
  referrals: Array<{ id: string; status: string }>;
  reassessmentRequired: unknown;
  resources: Array<{ assignmentId: string; callSign: string; status: string; dispatchedAt: string; arrivedAt: string | null }>;
}

/** Allowed events that move the incident on, rather than add information or repeat a step. */
function forwardEvents(v: View): string[] {
  return v.allowedEvents.filter(
    (t) =>
      t !== 'NEW_INFORMATION' &&
      t !== 'SUBJECT_RECORDED' &&
      (t !== 'THRIVE_RECORDED' || v.state === 'new' || v.reassessmentRequired !== null) &&
      (t !== 'GRADE_SET' || v.state === 'assessed'),
  );
}

/** A body the machines accept for `type` in an incident that allows it now. */
function validBody(type: string, view: View, v: number, at: string): Record<string, unknown> {
  const base = { type, occurredAt: at };
  switch (type) {
    case 'THRIVE_RECORDED':
      return { ...base, ...thriveNotes, ...(v % 2 ? { safetyNet: 'crisis team to call back within the hour' } : {}) };
    case 'GRADE_SET': {
      let grade = config.grades[v % config.grades.length]!.code;
      if (grade === 'G1' && view.locationClass === null) grade = 'G2'; // G1's split targets need urban/rural (R5)
      return { ...base, grade, ...(v % 3 === 0 ? { reason: 'regraded on new information' } : {}) };
    }
    case 'RCRP_DECISION_RECORDED': {
      const decision = RCRP_DECISIONS[v % RCRP_DECISIONS.length]!;
      const risk = (v >> 2) % 3 === 0;
      const noDeploy = decision === 'handover' || decision === 'adviceOnly';
      return {
        ...base,
        crimeOccurring: false,
        riskToLife: risk,
        riskOfSeriousHarm: false,
        decision,
        rationale: 'threshold assessed with the caller',
        ...(risk && noDeploy ? { override: { name: 'Sgt Patel', rank: 'sergeant', reason: 'ambulance crew already with the person' } } : {}),
      };
    }
    case 'POLICE_DISPATCHED':
      // A call sign still on the incident cannot be sent again (R39): fresh ones each time.
      return { ...base, resources: Array.from({ length: 1 + (v % 2) }, (_, i) => ({ callSign: `KM${view.resources.length + 20 + i}`, officers: 1 + (v % 3), type: 'response' })) };
    case 'CALL_HANDLING_RECORDED':
    case 'RESOURCE_ARRIVED':
    case 'RESOURCE_CLEARED': {
      const b = ledgerBody(type, view, at, v);
      if (!b) throw new Error(`no valid body for ${type} now`);
      return b;
    }
    case 'REFERRAL_MADE':
      return {
        ...base,
        referralId: `r${view.referrals.length + 1}`,
        agency: config.agencies[v % config.agencies.length]!.code,
        contactMethod: config.contactMethods[v % config.contactMethods.length]!,
        namedContact: 'duty crisis nurse',
      };
    case 'REFERRAL_ANSWERED': {
      const open = view.referrals.filter((r) => r.status === 'pending' || r.status === 'noResponse');
      const r = open[v % open.length]!;
      const answers = r.status === 'noResponse' ? ['accepted', 'declined'] : ['accepted', 'declined', 'noResponse'];
      const answer = answers[(v >> 1) % answers.length]!;
      return { ...base, referralId: r.id, answer, ...(answer === 'declined' ? { reason: 'no capacity tonight' } : {}) };
    }
    case 'ADVICE_GIVEN':
      return { ...base, summary: 'advised to contact GP in the morning' };
    case 'RESOLVED_WITHOUT_DEPLOYMENT':
      return { ...base, resolution: config.resolutionCodes[v % config.resolutionCodes.length]! };
    case 'NEW_INFORMATION':
      return { ...base, summary: 'caller rang back: person has left the address', source: 'caller' };
    case 'SUBJECT_RECORDED':
      return {
        ...base,
        subject: { identifiers: { forcePersonId: PEOPLE[v % PEOPLE.length]! }, ageYears: [15, 34, 71][v % 3]!, gender: 'female', ethnicity: 'white', ethnicityBasis: 'selfDefined' },
      };
    case 'INCIDENT_CLOSED':
      return { ...base, mhFlagAtClose: v % 2 === 0, closureCode: config.closureCodes[v % config.closureCodes.length]! };
    default:
      throw new Error(`no valid body for ${type}`);
  }
}

/** A well-formed body for any type, whether or not the incident allows it now (may be refused). */
function shapedBody(type: string, view: View, v: number, at: string): Record<string, unknown> {
  if ((type === 'RESOURCE_ARRIVED' || type === 'RESOURCE_CLEARED') && !ledgerBody(type, view, at, v)) {
    return type === 'RESOURCE_ARRIVED'
      ? { type, occurredAt: at, assignmentId: 'a-none' }
      : { type, occurredAt: at, assignmentId: 'a-none', segments: [{ activity: 'scene', startAt: view.receivedAt, endAt: at }] };
  }
  if (type === 'REFERRAL_ANSWERED' && !view.referrals.some((r) => r.status === 'pending' || r.status === 'noResponse')) {
    return { type, occurredAt: at, referralId: view.referrals[0]?.id ?? 'r-none', answer: 'accepted' };
  }
  return validBody(type, view, v, at);
}

interface Tally {
  creates: number;
  accepted: number;
  fired: number;
  statuses: Map<number, number>;
}

interface Incident {
  plan: Plan;
  next: number;
  id: string | null;
  lastKeyed: { body: string; ifMatch: string; key: string; status: number; answer: unknown } | null;
}

async function runWorkload(h: Harness, w: Workload): Promise<Tally> {
  const tally: Tally = { creates: 0, accepted: 0, fired: 0, statuses: new Map() };
  const note = (r: ApiResponse) => tally.statuses.set(r.status, (tally.statuses.get(r.status) ?? 0) + 1);
  const rand = prng(w.interleaveSeed);
  const incidents: Incident[] = w.plans.map((plan) => ({ plan, next: 0, id: null, lastKeyed: null }));
  let active = incidents.slice();
  let keyCounter = 0;

  const post = async (id: string, body: Record<string, unknown> | string, headers: Record<string, string>) => {
    const r = await h.request('POST', `/api/incidents/${id}/events`, typeof body === 'string' ? { raw: body, headers } : { body, headers });
    note(r);
    return r;
  };
  const view = async (id: string): Promise<View> => {
    const r = await h.request('GET', `/api/incidents/${id}`);
    expect(r.status).toBe(200);
    return r.body as View;
  };

  while (active.length > 0) {
    const inc = active[Math.floor(rand() * active.length)]!;
    if (inc.id === null) {
      const c = inc.plan.create;
      const body = {
        receivedAt: h.clock.at(-c.minutesAgo),
        channel: c.channel,
        category: c.category,
        mhFlagAtCall: c.mhFlagAtCall,
        ...(c.reference ? { reference: c.reference } : {}),
        ...(c.locationClass ? { locationClass: c.locationClass } : {}),
        ...(c.person !== null ? { subject: { identifiers: { forcePersonId: PEOPLE[c.person]! }, ageYears: c.ageYears } } : {}),
      };
      let r = await h.request('POST', '/api/incidents', { body });
      note(r);
      if (r.status === 409) {
        expect(r.body.code, 'a reused reference is refused').toBe('REFERENCE_EXISTS');
        const { reference: _r, ...rest } = body as Record<string, unknown>;
        r = await h.request('POST', '/api/incidents', { body: rest });
        note(r);
      }
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      inc.id = r.body.id as string;
      tally.creates++;
      continue;
    }
    const action = inc.plan.actions[inc.next++]!;
    if (inc.next >= inc.plan.actions.length) active = active.filter((x) => x !== inc);
    const id = inc.id;

    if (action.kind === 'sweep') {
      h.clock.advanceMinutes(action.minutes);
      tally.fired += sweepDeadlines(h.deps).fired;
      continue;
    }
    if (action.kind === 'retry') {
      const k = inc.lastKeyed;
      if (!k) continue;
      const r = await post(id, k.body, { 'if-match': k.ifMatch, 'idempotency-key': k.key });
      expect(r.status, 'a retried request gets the first answer').toBe(k.status);
      expect(r.body).toEqual(k.answer);
      continue;
    }
    h.clock.advanceSeconds(action.advance);
    const at = h.clock.at();
    const v = await view(id);
    const ifMatch = `"${v.version}"`;
    const where = `${JSON.stringify(action)} on ${v.state} v${v.version} [${v.allowedEvents.join(',')}]`;

    switch (action.kind) {
      case 'valid': {
        if (v.allowedEvents.length === 0) {
          const r = await post(id, validBody('NEW_INFORMATION', v, action.variant, at), { 'if-match': ifMatch });
          expect(r.status, `${where}: ${JSON.stringify(r.body)}`).toBe(422);
          break;
        }
        const forward = forwardEvents(v);
        const choices = action.forward && forward.length > 0 ? forward : v.allowedEvents;
        const type = choices[action.pick % choices.length]!;
        const body = validBody(type, v, action.variant, at);
        const headers: Record<string, string> = { 'if-match': ifMatch };
        if (action.key) headers['idempotency-key'] = `k-${++keyCounter}`;
        const r = await post(id, body, headers);
        expect(r.status, `${where} → ${type}: ${JSON.stringify(r.body)}`).toBe(200);
        expect(r.body.version).toBe(v.version + 1);
        tally.accepted++;
        if (action.key) inc.lastKeyed = { body: JSON.stringify(body), ifMatch, key: headers['idempotency-key']!, status: r.status, answer: r.body };
        break;
      }
      case 'anyType': {
        const r = await post(id, shapedBody(action.type, v, action.variant, at), { 'if-match': ifMatch });
        expect([200, 422], `${where}: ${JSON.stringify(r.body)}`).toContain(r.status);
        if (!v.allowedEvents.includes(action.type)) expect(r.status, `${where}: not allowed now`).toBe(422);
        if (r.status === 200) tally.accepted++;
        break;
      }
      case 'rule': {
        const body = ruleBreakingBody(action.which, v, action.variant, at);
        const r = await post(id, body, { 'if-match': ifMatch });
        expect(r.status, `${where}: ${JSON.stringify(body)} → ${JSON.stringify(r.body)}`).toBe(422);
        break;
      }
      case 'stale': {
        const type = v.allowedEvents.length ? v.allowedEvents[action.pick % v.allowedEvents.length]! : 'NEW_INFORMATION';
        const r = await post(id, validBody(type, v, action.variant, at), { 'if-match': `"${Math.max(0, v.version + action.delta)}"` });
        expect(r.status, where).toBe(409);
        expect(r.body.currentVersion).toBe(v.version);
        break;
      }
      case 'bad': {
        const { status, body, headers, path } = badRequest(action.which, v, at, inc.lastKeyed?.key ?? null);
        const r = path ? await h.request('POST', path, { body, headers }) : await post(id, body, headers);
        if (path) note(r);
        expect(r.status, `${where}: ${JSON.stringify(r.body)}`).toBe(status);
        break;
      }
    }
  }
  return tally;
}

function ruleBreakingBody(which: (typeof RULE_CASES)[number], v: View, variant: number, at: string): Record<string, unknown> {
  const thrive = { type: 'THRIVE_RECORDED', occurredAt: at, ...thriveNotes };
  const referral = (over: Record<string, unknown>) => ({ ...validBody('REFERRAL_MADE', v, variant, at), ...over });
  switch (which) {
    case 'thriveBlankDimension':
      return { ...thrive, harm: '   ' };
    case 'thriveNoRationale':
      return { ...thrive, rationale: '' };
    case 'occurredInFuture':
      return { ...thrive, occurredAt: new Date(Date.parse(at) + 10 * 60_000).toISOString() };
    case 'occurredBeforeCall':
      return { ...thrive, occurredAt: new Date(Date.parse(v.receivedAt) - 5 * 60_000).toISOString() };
    case 'noDeployDespiteRiskWithoutOverride':
      return { type: 'RCRP_DECISION_RECORDED', occurredAt: at, crimeOccurring: false, riskToLife: true, riskOfSeriousHarm: false, decision: 'adviceOnly', rationale: 'r' };
    case 'overrideByConstable':
      return {
        type: 'RCRP_DECISION_RECORDED',
        occurredAt: at,
        crimeOccurring: true,
        riskToLife: false,
        riskOfSeriousHarm: false,
        decision: 'handover',
        rationale: 'r',
        override: { name: 'PC Jones', rank: 'constable', reason: 'busy night' },
      };
    case 'closeWithoutMhFlag':
      return { type: 'INCIDENT_CLOSED', occurredAt: at, closureCode: 'resolved' };
    case 'answerUnknownReferral':
      return { type: 'REFERRAL_ANSWERED', occurredAt: at, referralId: 'no-such-referral', answer: 'accepted' };
    case 'declineWithoutReason': {
      const open = v.referrals.find((r) => r.status === 'pending' || r.status === 'noResponse');
      return { type: 'REFERRAL_ANSWERED', occurredAt: at, referralId: open?.id ?? 'no-such-referral', answer: 'declined' };
    }
    case 'referralWithoutNamedContact':
      return referral({ namedContact: '  ' });
    case 'duplicateReferralId':
      // With no referral yet there is nothing to duplicate: break R1 instead.
      return v.referrals[0] ? referral({ referralId: v.referrals[0].id }) : { ...thrive, threat: '' };
  }
}

function badRequest(
  which: (typeof BAD_CASES)[number],
  v: View,
  at: string,
  usedKey: string | null,
): { status: number; body: Record<string, unknown> | string; headers: Record<string, string>; path?: string } {
  const ifMatch = { 'if-match': `"${v.version}"` };
  const thrive = { type: 'THRIVE_RECORDED', occurredAt: at, ...thriveNotes };
  switch (which) {
    case 'malformedJson':
      return { status: 400, body: '{"type":"THRIVE_RECORDED","occurredAt":', headers: ifMatch };
    case 'unknownType':
      return { status: 400, body: { type: 'PERSON_TELEPORTED', occurredAt: at }, headers: ifMatch };
    case 'unknownGrade':
      return { status: 400, body: { type: 'GRADE_SET', occurredAt: at, grade: 'G9' }, headers: ifMatch };
    case 'extraField':
      return { status: 400, body: { ...thrive, favouriteColour: 'red' }, headers: ifMatch };
    case 'instantWithoutOffset':
      return { status: 400, body: { ...thrive, occurredAt: at.slice(0, 19) }, headers: ifMatch };
    case 'wrongFieldType':
      return { status: 400, body: { type: 'POLICE_DISPATCHED', occurredAt: at, resources: 'two cars' }, headers: ifMatch };
    case 'missingIfMatch':
      return { status: 428, body: thrive, headers: {} };
    case 'garbageIfMatch':
      return { status: 400, body: thrive, headers: { 'if-match': 'yesterday' } };
    case 'unknownIncident':
      return { status: 404, body: thrive, headers: ifMatch, path: `/api/incidents/${randomUUID()}/events` };
    case 'idempotencyKeyReused':
      if (!usedKey) return { status: 400, body: '{', headers: ifMatch };
      return { status: 422, body: { type: 'NEW_INFORMATION', occurredAt: at, summary: 'a different request', source: 'other' }, headers: { ...ifMatch, 'idempotency-key': usedKey } };
  }
}

// ---------------------------------------------------------------------------------------------
// Checking the database.
// ---------------------------------------------------------------------------------------------

/** Every row of a table as SQL literals (quote() keeps types: 1 ≠ 1.0 ≠ '1'), ordered by primary key. */
function dumpTable(db: Db, table: string): string[] {
  const cols = db.$client.prepare(`SELECT name, pk FROM pragma_table_info(?) ORDER BY cid`).all(table) as Array<{ name: string; pk: number }>;
  const pk = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
  expect(pk.length, `${table} has a primary key`).toBeGreaterThan(0);
  const select = cols.map((c) => `quote("${c.name}")`).join(` || '|' || `);
  return db.$client
    .prepare(`SELECT ${select} FROM "${table}" ORDER BY ${pk.map((c) => `"${c.name}"`).join(', ')}`)
    .pluck()
    .all() as string[];
}

function dumpProjections(db: Db): Record<string, string[]> {
  return Object.fromEntries(PROJECTION_TABLES.map((t) => [t, dumpTable(db, t)]));
}

function checkLogAgainstSnapshots(h: Harness, tally: Tally): void {
  const db = h.db.$client;
  const store = incidentStore(h.db);
  const rows = db.prepare(`SELECT id, version, snapshot FROM incidents ORDER BY id`).all() as Array<{ id: string; version: number; snapshot: string }>;
  expect(rows.length).toBe(tally.creates);
  const counts = db.prepare(`SELECT count(*) AS n, max(seq) AS maxSeq FROM incident_events WHERE incident_id = ?`);
  for (const r of rows) {
    const events = store.events(r.id);
    const c = counts.get(r.id) as { n: number; maxSeq: number };
    expect({ version: r.version, events: c.n, lastSeq: c.maxSeq }, r.id).toEqual({ version: c.n, events: c.n, lastSeq: c.n });
    expect(serializeAggregate(replay(events)), `snapshot of ${r.id}`).toBe(r.snapshot);
  }
  const total = h.count('incident_events');
  expect(total, 'the log holds exactly the accepted commands: refusals wrote nothing').toBe(tally.creates + tally.accepted + tally.fired);
}

describe('event log and projections under a random workload', () => {
  it('rebuilding every projection from the event log reproduces what the commands stored, byte for byte', async () => {
    const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
    const path = process.env.FC_PATH;
    const property = fc.asyncProperty(workloadArb, async (w) => {
      const h = createHarness();
      try {
        const tally = await runWorkload(h, w);
        expect([...tally.statuses.keys()].filter((s) => s >= 500), 'no request may produce a 5xx').toEqual([]);
        // The workload really mixed accepted and refused commands, deadlines and alerts.
        expect(tally.accepted).toBeGreaterThan(tally.creates);
        for (const s of [200, 201, 400, 404, 409, 422, 428]) expect(tally.statuses.get(s) ?? 0, `responses with status ${s}`).toBeGreaterThan(0);
        expect(tally.fired, 'deadline sweeps fired some clocks').toBeGreaterThan(0);
        expect(h.count('referrals')).toBeGreaterThan(0);
        expect(h.count('alerts')).toBeGreaterThan(0);

        checkLogAgainstSnapshots(h, tally);
        const stored = dumpProjections(h.db);
        const r = rebuildProjections(h.db);
        expect(r).toEqual({ incidents: tally.creates, events: h.count('incident_events') });
        const rebuilt = dumpProjections(h.db);
        for (const t of PROJECTION_TABLES) {
          const before = new Set(stored[t]);
          const after = new Set(rebuilt[t]);
          const diff = { onlyStored: stored[t]!.filter((x) => !after.has(x)).slice(0, 5), onlyRebuilt: rebuilt[t]!.filter((x) => !before.has(x)).slice(0, 5) };
          expect(diff, `${t}: rows that differ after rebuild`).toEqual({ onlyStored: [], onlyRebuilt: [] });
          expect(rebuilt[t], `${t} after rebuild`).toEqual(stored[t]);
        }
      } finally {
        await h.close();
      }
    });
    // fc.check rather than fc.assert: the counterexample (200+ incident plans) is too big to be
    // useful in a report; the seed and path reproduce it exactly.
    const details = await fc.check(property, {
      numRuns: 2,
      endOnFailure: true,
      ...(seed !== undefined ? { seed } : {}),
      ...(path !== undefined ? { path } : {}),
    });
    if (details.failed) {
      const err = details.errorInstance;
      throw new Error(
        `random workload failed after ${details.numRuns} run(s); reproduce with FC_SEED=${details.seed} FC_PATH=${details.counterexamplePath}\n` +
          (err instanceof Error ? err.message : String(err)) +
          (err && typeof err === 'object' && 'actual' in err ? `\nactual: ${JSON.stringify(err.actual, null, 1).slice(0, 3000)}` : '') +
          (err instanceof Error ? `\n${err.stack ?? ''}` : ''),
      );
    }
  }, 180_000);
});
