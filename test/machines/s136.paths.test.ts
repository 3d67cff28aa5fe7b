/**
 * Model-based path coverage of the s.136/s.135 detention machine (@xstate/graph).
 *
 * The machine is traversed with sample events for every event type (both powers, removed and kept,
 * health-based place of safety, emergency department and police station, transfers, handover,
 * extension, outcomes, ADR amendments, and the scheduler's deadlines). Context is unbounded (seqs,
 * times, lists), so the traversal uses an abstract state (@xstate/graph's traversal limit): the state, the power
 * and mode, where the person is and how the handover stands, which clocks have fired, whether the
 * ADR record is complete, and the events a user may send next. Time is part of the model: each
 * event happens a minute after the latest one, and a deadline happens at its due time, so rules
 * that depend on the clock (R23 after expiry, R28 before expiry, R37) behave as they do in life.
 *
 * From the shortest path to every abstract state, plus one extra step wherever a declared
 * transition was not yet taken, we get paths that must reach every state and take every declared
 * transition; each is then replayed through the HTTP API on a real SQLite file (the scheduler's
 * deadlines by moving the manual clock and sweeping) and must land, step by step, in the state and
 * allowed events the machine predicts.
 */
import { getShortestPaths, getStateNodes } from '@xstate/graph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transition } from 'xstate';
import {
  adrMissing,
  currentStay,
  detentionAllowedEvents,
  detentionDeadlines,
  detentionStateName,
  s136Machine,
  type DetentionContext,
  type DetentionEvent,
  type DetentionSnapshot,
  type Place,
} from '../../machines/detention/index.js';
import { acceptedEventTypes } from '../../machines/kit.js';
import { detentionPerson, detentionPolicy, resolvePlace } from '../../src/commands/detention-events.js';
import { loadForceConfig } from '../../src/config/load.js';
import type { PlaceInput } from '../../src/domain/detention-inputs.js';
import { sweepDeadlines } from '../../src/scheduler/sweeper.js';
import { createHarness, type Harness } from '../support/harness.js';
import { policeIncident } from '../support/flows.js';

const config = loadForceConfig();
const T = '2026-11-23T21:00:00.000Z';
const actor = { id: 'model', role: 'call_handler' as const };
const ID = 'm1';
const MAX_STAYS = 2;
const MAX_CONSULTATIONS = 2;
const subject = {
  personKeys: [],
  ageYears: 30,
  ageBand: '25to34' as const,
  gender: 'male' as const,
  ethnicity: 'white' as const,
  ethnicityBasis: 'selfDefined' as const,
};
const person = detentionPerson(subject, undefined);
const age = { ageYears: 30, ageBand: '25to34' as const };
const officer = { name: 'PC 4521 A. Shah', role: 'constable' as const, rank: null };

const place = (input: PlaceInput): Place => {
  const p = resolvePlace(config, input);
  if ('kind' in p) throw new Error(p.message);
  return p;
};
const custody: PlaceInput = {
  site: 'custodyMaidstone',
  policeStation: {
    imminentRiskOfSeriousHarm: true,
    noOtherPlaceReason: 'violent; both HBPoS sites declined',
    healthcareRequirementWillBeMet: true,
    decisionMaker: { name: 'Insp 88 L. Grant', rank: 'inspector' },
    consultation: { consulted: true, profession: 'registeredNurse' },
    reasonCode: 'imminentRiskBehaviour',
    arrestedForOffence: 'no',
  },
};
const PLACES: Record<string, PlaceInput> = {
  hbpos: { site: 'kmptMaidstone' },
  ed: { site: 'edMedway' },
  custody,
  premises: { type: 'socialServicesAccommodation', description: 'supported living unit named in the warrant' },
};

// ---------------------------------------------------------------------------------------------
// The model.
// ---------------------------------------------------------------------------------------------

function nextSeq(s: DetentionSnapshot): number {
  const c = s.context;
  if (!c.detentionId) return 1;
  return (
    Math.max(
      1,
      ...c.consultations.map((x) => x.seq),
      ...c.stays.flatMap((x) => [x.seq, x.lastCheckSeq ?? 0]),
      ...c.extensions.map((x) => x.seq),
      ...c.flags.map((f) => f.seq),
    ) + 1
  );
}

/** The earliest clock still to fire: what the scheduler raises next. */
function nextDeadline(c: DetentionContext) {
  if (!c.detentionId) return null;
  return (
    detentionDeadlines(c)
      .filter((d) => !c.firedDeadlines.includes(d.key))
      .sort((a, b) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0))[0] ?? null
  );
}

const after = (iso: string, minutes = 1) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();

/** Every sample event a user (or the scheduler) could send in snapshot `s`. */
function sampleEvents(s: DetentionSnapshot): DetentionEvent[] {
  const c = s.context;
  const now = c.detentionId ? after(c.lastAt) : T;
  const meta = { seq: nextSeq(s), occurredAt: now, recordedAt: now, actor };
  const id = { detentionId: ID };
  const policy = detentionPolicy(config);
  const stays = c.stays?.length ?? 0;
  const all: DetentionEvent[] = [
    { type: 'S136_CONSIDERED', ...meta, ...id, officer, policy },
    {
      type: 'S135_WARRANT_EXECUTED',
      ...meta,
      ...id,
      power: 's135_1',
      mode: 'removed',
      warrant: {
        reference: 'MC/2026/0042',
        court: 'Maidstone Magistrates',
        amhpName: 'AMHP J. Cole',
        doctorName: 'Dr R. Iqbal',
        authorisedPerson: null,
        hospital: null,
      },
      officer,
      placeOfSafety: null,
      person,
      age,
      priorDetentions: [],
      policy,
    },
    {
      type: 'S135_WARRANT_EXECUTED',
      ...meta,
      ...id,
      power: 's135_2',
      mode: 'kept',
      warrant: {
        reference: 'MC/2026/0043',
        court: 'Medway Magistrates',
        amhpName: null,
        doctorName: null,
        authorisedPerson: 'ward manager',
        hospital: null,
      },
      officer,
      placeOfSafety: place(PLACES.premises!),
      person,
      age,
      priorDetentions: [],
      policy,
    },
    ...((c.consultations?.length ?? 0) < MAX_CONSULTATIONS
      ? [
          {
            type: 'S136_CONSULTATION_RECORDED',
            ...meta,
            ...id,
            practicable: true,
            profession: 'registeredNurse',
            consultee: 'advice line nurse',
            advice: 'supports assessment',
            notPracticableReason: null,
          } as const,
          {
            type: 'S136_CONSULTATION_RECORDED',
            ...meta,
            ...id,
            practicable: false,
            profession: null,
            consultee: null,
            advice: null,
            notPracticableReason: 'on the railings; no time',
          } as const,
        ]
      : []),
    { type: 'S136_NOT_DETAINED', ...meta, ...id, reason: 'agreed to go to the crisis cafe with his sister' },
    ...(['removed', 'kept'] as const).map(
      (mode): DetentionEvent => ({
        type: 'S136_DETAINED',
        ...meta,
        ...id,
        mode,
        locationType: mode === 'kept' ? 'emergencyDepartment' : 'roadOrBridge',
        criteria: { apparentMentalDisorder: true, immediateNeedOfCareOrControl: true, necessaryForProtection: true },
        grounds: 'distressed on the bridge',
        officer,
        placeOfSafety: mode === 'kept' ? place({ site: 'edMaidstone' }) : null,
        person,
        age,
        priorDetentions: [],
      }),
    ),
    {
      type: 'S136_CONVEYANCE_RECORDED',
      ...meta,
      ...id,
      method: 'ambulance',
      ambulanceRequested: null,
      ambulanceRequestedAt: null,
      ambulanceEta: null,
      policeVehicleReason: null,
      reasonText: null,
    },
    {
      type: 'S136_CONVEYANCE_RECORDED',
      ...meta,
      ...id,
      method: 'policeVehicle',
      ambulanceRequested: false,
      ambulanceRequestedAt: null,
      ambulanceEta: null,
      policeVehicleReason: 'ambulanceNotRequested',
      reasonText: null,
    },
    ...(['hbpos', 'ed', 'custody'] as const).map(
      (k): DetentionEvent => ({
        type: 'S136_ARRIVED_AT_PLACE_OF_SAFETY',
        ...meta,
        ...id,
        placeOfSafety: place(PLACES[k]!),
        age,
      }),
    ),
    ...(stays > 0 && stays < MAX_STAYS
      ? [
          {
            type: 'S136_TRANSFERRED',
            ...meta,
            ...id,
            placeOfSafety: place({ site: 'kmptDartford' }),
            by: 'constable',
            byName: 'PC 4521 A. Shah',
            policeAccompanying: true,
            age,
          } as const,
          {
            type: 'S136_TRANSFERRED',
            ...meta,
            ...id,
            placeOfSafety: place(custody),
            by: 'amhp',
            byName: 'AMHP J. Cole',
            policeAccompanying: false,
            age,
          } as const,
        ]
      : []),
    {
      type: 'S136_HEALTHCARE_CHECK_RECORDED',
      ...meta,
      ...id,
      professional: 'custody nurse',
      professionalPresent: true,
      note: null,
    },
    {
      type: 'S136_HEALTHCARE_CHECK_RECORDED',
      ...meta,
      ...id,
      professional: 'custody nurse',
      professionalPresent: false,
      note: null,
    },
    { type: 'S136_NHS_ACCEPTED', ...meta, ...id, acceptedBy: 'nurse in charge' },
    {
      type: 'S136_EXTENDED_STAY_AGREED',
      ...meta,
      ...id,
      reason: 'assaulted staff; officers asked to stay',
      nhsContact: 'nurse in charge',
    },
    { type: 'S136_POLICE_DEPARTED', ...meta, ...id },
    { type: 'S136_ASSESSMENT_STARTED', ...meta, ...id },
    {
      type: 'S136_EXTENSION_AUTHORISED',
      ...meta,
      ...id,
      authoriser: {
        name: 'Dr P. Mensah',
        gmcNumber: null,
        profession: 'registeredMedicalPractitioner',
        responsibleForExamination: true,
      },
      hours: 12,
      ground: 'personsCondition',
      reason: 'too intoxicated to be assessed',
      assessmentAtPoliceStation: null,
      superintendentApproval: { name: 'Supt K. Dale', rank: 'superintendent', at: now },
    },
    {
      type: 'S136_OUTCOME_RECORDED',
      ...meta,
      ...id,
      outcome: 'dischargedNFA',
      doctorExaminedAt: now,
      amhpInterviewedAt: null,
      assessmentEndedAt: null,
      application: null,
      reportedByHealth: false,
      note: null,
    },
    {
      type: 'S136_OUTCOME_RECORDED',
      ...meta,
      ...id,
      outcome: 'other',
      doctorExaminedAt: null,
      amhpInterviewedAt: null,
      assessmentEndedAt: null,
      application: null,
      reportedByHealth: false,
      note: 'absconded',
    },
    {
      type: 'S136_OUTCOME_RECORDED',
      ...meta,
      ...id,
      outcome: 'lapsed',
      doctorExaminedAt: null,
      amhpInterviewedAt: null,
      assessmentEndedAt: null,
      application: null,
      reportedByHealth: false,
      note: null,
    },
    {
      type: 'S136_RELEASED_BY_POLICE',
      ...meta,
      ...id,
      reason: 'no longer appeared disordered',
      supervisor: { name: 'Sgt 1 P. Lee', rank: 'sergeant' },
    },
    {
      type: 'S136_ADR_RECORDED',
      ...meta,
      ...id,
      person: { ethnicity: 'mixed' },
      firstPlaceOfSafety: null,
      conveyanceMethod: null,
      policeStationReason: null,
      arrestedForOffence: null,
    },
    { type: 'S136_CLOSED', ...meta, ...id },
  ];
  const due = c.detentionId ? nextDeadline(c) : null;
  if (due)
    all.push({
      type: 'DEADLINE_REACHED',
      seq: meta.seq,
      occurredAt: due.dueAt,
      recordedAt: due.dueAt,
      actor: { id: 'system', role: 'system' },
      deadlineKey: due.key,
    });
  return all.filter((e) => acceptedEventTypes(s).includes(e.type));
}

/** What matters about a snapshot for what can happen next. */
function abstractState(s: DetentionSnapshot): string {
  const c = s.context;
  const state = detentionStateName(s);
  if (!c.detentionId) return state;
  const stay = currentStay(c);
  // Which clock fires next (not the history of fired ones), and whether the clock has run out.
  const next = nextDeadline(c)?.key.split(':').slice(0, 2).join(':') ?? null;
  return JSON.stringify([
    state,
    c.power,
    c.mode,
    Math.min(c.consultations.length, MAX_CONSULTATIONS),
    c.stays.length,
    stay ? [stay.place.type, stay.policeInAttendance, !!stay.acceptedAt, !!stay.departedAt, !!stay.extendedStay] : null,
    c.extensions.length,
    !!c.lapsedAt,
    next,
    c.detainedAt ? adrMissing(c).length === 0 : null,
    detentionAllowedEvents(s),
  ]);
}

// ---------------------------------------------------------------------------------------------
// What the machine declares: states and transitions (state node × event × branch).
// ---------------------------------------------------------------------------------------------

type AnyNode = (typeof s136Machine)['root'];
const allNodes = [s136Machine.root, ...getStateNodes(s136Machine.root)] as AnyNode[];
const declaredStates = new Set(allNodes.filter((n) => n.type === 'atomic' || n.type === 'final').map((n) => n.key));
const edgeKey = (sourceId: string, eventType: string, branch: number) => `${sourceId} --${eventType}[${branch}]-->`;
const declaredEdges = new Set(
  allNodes.flatMap((n) =>
    [...n.transitions.entries()].flatMap(([eventType, ts]) => ts.map((_t, i) => edgeKey(n.id, eventType, i))),
  ),
);

function edgeTaken(s: DetentionSnapshot, e: DetentionEvent): string | null {
  const [t] = s136Machine.getTransitionData(s, e);
  if (!t) return null;
  const branches = t.source.transitions.get(t.eventType) ?? [];
  return edgeKey(t.source.id, t.eventType, branches.indexOf(t));
}

interface ModelStep {
  event: DetentionEvent;
  edge: string;
  after: DetentionSnapshot;
}
interface ModelPath {
  steps: ModelStep[];
  end: DetentionSnapshot;
}

const initial = () => s136Machine.resolveState({ value: 'unopened', context: {} as never });

/**
 * Run events from the start with the pure `transition`, requiring each to be accepted. The events
 * carry the seq and time the traversal gave them (sampled from the snapshot they apply to), so a
 * path is a genuine run of the machine.
 */
function realize(events: DetentionEvent[]): ModelPath {
  let s = initial();
  const steps: ModelStep[] = [];
  for (const e of events) {
    const edge = edgeTaken(s, e);
    if (!edge) throw new Error(`model path refused ${e.type} in ${abstractState(s)}`);
    [s] = transition(s136Machine, s, e);
    steps.push({ event: e, edge, after: s });
  }
  return { steps, end: s };
}

interface Model {
  all: ModelPath[];
  reached: Set<string>;
  taken: Set<string>;
  abstractStates: number;
}

function buildModel(): Model {
  const graphPaths = getShortestPaths(s136Machine, {
    events: sampleEvents as never,
    serializeState: abstractState as never,
  });
  const shortest = graphPaths.map((p) => realize(p.steps.slice(1).map((st) => st.event as DetentionEvent)));
  const taken = new Set(shortest.flatMap((p) => p.steps.map((s) => s.edge)));
  const extensions: ModelPath[] = [];
  const byLength = [...shortest].sort((a, b) => a.steps.length - b.steps.length);
  for (const edge of declaredEdges) {
    if (taken.has(edge)) continue;
    for (const p of byLength) {
      const e = sampleEvents(p.end).find((x) => edgeTaken(p.end, x) === edge);
      if (!e) continue;
      const ext = realize([...p.steps.map((s) => s.event), e]);
      extensions.push(ext);
      for (const s of ext.steps) taken.add(s.edge);
      break;
    }
  }
  const all = [...shortest, ...extensions];
  const reached = new Set(
    all.flatMap((p) => [detentionStateName(initial()), ...p.steps.map((s) => detentionStateName(s.after))]),
  );
  return { all, reached, taken, abstractStates: graphPaths.length };
}

// ---------------------------------------------------------------------------------------------
// Replaying a model path through the API.
// ---------------------------------------------------------------------------------------------

/** Machine place → what a user sends. */
function placeInput(p: Place): PlaceInput {
  if (p.site) {
    return {
      site: p.site,
      ...(p.policeStation ? { policeStation: stripNulls(p.policeStation) as PlaceInput['policeStation'] } : {}),
    };
  }
  return {
    type: p.type,
    description: p.label,
    ...(p.consent ? { consent: stripNulls(p.consent) as PlaceInput['consent'] } : {}),
  };
}

function stripNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripNulls);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== null)
        .map(([k, x]) => [k, stripNulls(x)]),
    );
  return v;
}

const SHELL_FIELDS = new Set(['seq', 'occurredAt', 'recordedAt', 'actor', 'policy', 'age', 'priorDetentions']);

function apiBody(e: DetentionEvent, detentionId: string): Record<string, unknown> {
  const body = stripNulls(Object.fromEntries(Object.entries(e).filter(([k]) => !SHELL_FIELDS.has(k)))) as Record<
    string,
    unknown
  >;
  // from the incident's subject
  if ((e.type === 'S136_DETAINED' || e.type === 'S135_WARRANT_EXECUTED') && 'person' in body) delete body.person;
  if ('placeOfSafety' in e && e.placeOfSafety) body.placeOfSafety = placeInput(e.placeOfSafety);
  return { ...body, detentionId, occurredAt: e.occurredAt };
}

function maximalPaths(paths: ModelPath[]): ModelPath[] {
  const key = (p: ModelPath) => p.steps.map((s) => `${JSON.stringify({ ...s.event, seq: 0 })}\n`).join('');
  const keys = paths.map(key);
  const unique = [...new Map(keys.map((k, i) => [k, paths[i]!])).entries()];
  return unique.filter(([k]) => !unique.some(([o]) => o !== k && o.startsWith(k))).map(([, p]) => p);
}

async function replayThroughApi(h: Harness, path: ModelPath, n: number): Promise<void> {
  const detentionId = `path-${n}`;
  h.clock.set('2026-11-23T20:30:00Z');
  const id = await policeIncident(h, {
    subject: { ageYears: 30, gender: 'male', ethnicity: 'white', ethnicityBasis: 'selfDefined' },
  });
  let version = (await h.request('GET', `/api/incidents/${id}`)).body.version as number;
  const deadlineEvents = () =>
    h.db.$client
      .prepare(`SELECT count(*) FROM incident_events WHERE incident_id = ? AND type = 'DEADLINE_REACHED'`)
      .pluck()
      .get(id) as number;
  for (const [i, step] of path.steps.entries()) {
    const e = step.event;
    const where = `path ${n} step ${i + 1} ${e.type} of [${path.steps.map((s) => s.event.type).join(', ')}]`;
    if (Date.parse(e.occurredAt) > h.clock.now().getTime()) h.clock.set(e.occurredAt);
    let view: { state: string; allowedEvents: string[] };
    if (e.type === 'DEADLINE_REACHED') {
      const row = h.db.$client
        .prepare(
          `SELECT key, due_at AS dueAt FROM deadlines WHERE incident_id = ? AND status = 'pending' ORDER BY due_at ` +
            `LIMIT 1`,
        )
        .get(id) as { key: string; dueAt: string } | undefined;
      expect(row, `${where}: the API must hold the clock the machine fires`).toBeDefined();
      // Keys end in event numbers, which differ between the model and the incident's stream.
      const kind = (k: string) => k.replace(/:\d+$/, '');
      expect(kind(row!.key), where).toBe(kind(`detention:${detentionId}:${e.deadlineKey}`));
      expect(row!.dueAt, where).toBe(e.occurredAt);
      const before = deadlineEvents();
      sweepDeadlines(h.deps);
      expect(deadlineEvents() - before, `${where}: exactly this clock fires`).toBe(1);
      const r = await h.request('GET', `/api/incidents/${id}`);
      view = r.body.detentions.find((d: { id: string }) => d.id === detentionId);
      version = r.body.version;
    } else {
      const r = await h.event(id, apiBody(e, detentionId), { version });
      expect(r.status, `${where}: ${JSON.stringify(r.body)}`).toBe(200);
      view = r.body.detentions.find((d: { id: string }) => d.id === detentionId);
      version = r.body.version;
    }
    expect(view.state, `${where}: API state`).toBe(detentionStateName(step.after));
    expect(view.allowedEvents, `${where}: API allowedEvents`).toEqual(detentionAllowedEvents(step.after));
  }
}

// ---------------------------------------------------------------------------------------------

describe('s.136 detention machine: model-based path coverage', () => {
  let model: Model;
  beforeAll(() => {
    model = buildModel();
  });

  it('reaches every state of the detention lifecycle declared in the machine', () => {
    for (const s of [
      'considering',
      'consulted',
      'detained',
      'conveying',
      'atPlaceOfSafety',
      'handedOver',
      'assessing',
      'ended',
      'closed',
      'notDetained',
    ])
      expect(declaredStates).toContain(s);
    expect(
      [...declaredStates].filter((s) => !model.reached.has(s)),
      'states no generated path reaches',
    ).toEqual([]);
  });

  it('takes every transition declared in the machine config at least once', () => {
    expect(declaredEdges.size).toBeGreaterThanOrEqual(45);
    expect(
      [...declaredEdges].filter((e) => !model.taken.has(e)).sort(),
      'declared transitions no generated path takes',
    ).toEqual([]);
    expect(model.abstractStates).toBeGreaterThan(50);
  });

  describe('through the API on a real database', () => {
    let h: Harness;
    beforeAll(() => {
      h = createHarness({ start: '2026-11-23T20:30:00Z' });
    });
    afterAll(() => h.close());

    it('every generated path leads the API through the same detention states and allowed events the machine ' +
      'predicts', async () => {
      const paths = maximalPaths(model.all);
      const stepsChecked = new Set(paths.flatMap((p) => p.steps.map((s) => s.edge)));
      expect([...declaredEdges].filter((e) => !stepsChecked.has(e))).toEqual([]);
      for (const [n, p] of paths.entries()) await replayThroughApi(h, p, n);
      expect(h.count('detentions')).toBe(paths.length);
    }, 240_000);
  });
});
