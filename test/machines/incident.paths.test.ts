/**
 * Model-based path coverage of the incident machine (@xstate/graph).
 *
 * The machine is traversed with sample events for every event type. Its context is unbounded
 * (seqs, times, referral maps), so traversal uses an abstract state (@xstate/graph's traversal limit): the leaf
 * state name, whether the category is in RCRP scope, the events a user may record next (which folds
 * in THRIVE/grade/decision/reassessment/referral/safety-net preconditions) and how many referrals
 * exist. From the shortest path to every abstract state, plus one extra step wherever a declared
 * transition was not yet taken, we get a path set that must reach every leaf state and take every
 * transition declared in the machine config (computed from the machine, not listed here). Each path
 * is then replayed through the HTTP API on a real SQLite file and must land, step by step, in the
 * state (and allowed events) the machine predicts.
 */
import { getShortestPaths, getStateNodes } from '@xstate/graph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transition } from 'xstate';
import {
  incidentAccepts,
  incidentAllowedEvents,
  incidentMachine,
  incidentStateName,
  type IncidentEvent,
  type IncidentSnapshot,
} from '../../machines/incident/index.js';
import { referralMachine, REFERRAL_SYSTEM_EVENT_TYPES } from '../../machines/referral/index.js';
import { gradePolicy, incidentPolicy } from '../../src/commands/machine-events.js';
import { loadForceConfig } from '../../src/config/load.js';
import { sweepDeadlines } from '../../src/scheduler/sweeper.js';
import { createHarness, type Harness } from '../support/harness.js';
import { ledgerBody, segmentsFor } from '../support/ledger.js';
import { importCsvText } from '../../src/import/import-incidents.js';
import { importCsvFor } from '../support/import-csv.js';

const config = loadForceConfig();
const T = '2026-11-23T09:00:00.000Z';
const actor = { id: 'model', role: 'call_handler' as const };
const MAX_REFERRALS = 2;
const MAX_RESOURCES = 2;

// ---------------------------------------------------------------------------------------------
// The model: sample events per type, and the abstraction of a snapshot.
// ---------------------------------------------------------------------------------------------

/** The next event number, order-preserving with every seq the context remembers. */
function nextSeq(s: IncidentSnapshot): number {
  const c = s.context;
  if (!c.incidentId) return 1;
  const seen = [
    1,
    c.thrive?.seq ?? 0,
    c.grade?.seq ?? 0,
    c.decision?.seq ?? 0,
    c.pendingReassessment?.toSeq ?? 0,
    ...Object.values(c.referrals).map((r) => r.statusSeq),
    ...Object.keys(c.resources ?? {}).map((id) => Number(/^a(\d+)-/.exec(id)?.[1] ?? 0)),
    ...(c.callHandling ?? []).map((_x, i) => i + 1),
    ...c.flags.map((f) => f.seq),
  ];
  return Math.max(...seen) + 1;
}

const thriveNotes = {
  threat: 'none identified',
  harm: 'neighbour not seen for three days',
  risk: 'medium: possible fall at home',
  investigation: 'none identified',
  vulnerability: 'lives alone',
  engagement: 'landlord holds a key',
  rationale: 'welfare concern, no crime',
};

/** Every sample event a user (or the scheduler) could send in snapshot `s`. */
function sampleEvents(s: IncidentSnapshot): IncidentEvent[] {
  const meta = { seq: nextSeq(s), occurredAt: T, recordedAt: T, actor };
  const c = s.context;
  const refs = c.referrals ? Object.keys(c.referrals) : [];
  const resources = Object.entries(c.resources ?? {});
  const all: IncidentEvent[] = [
    ...['concernForWelfare', 'mhCrisisInPublic'].map(
      (category): IncidentEvent => ({
        type: 'INCIDENT_CREATED',
        ...meta,
        incidentId: 'model-incident',
        reference: null,
        channel: '999',
        category,
        district: 'Maidstone',
        locationClass: 'urban',
        mhFlagAtCall: true,
        summary: null,
        location: null,
        subject: null,
        priorContacts: [],
        policy: incidentPolicy(config, category),
      }),
    ),
    { type: 'THRIVE_RECORDED', ...meta, ...thriveNotes, safetyNet: null },
    { type: 'THRIVE_RECORDED', ...meta, ...thriveNotes, safetyNet: 'crisis team to call back within the hour' },
    { type: 'GRADE_SET', ...meta, grade: 'G2', reason: null, gradePolicy: gradePolicy(config, 'G2') },
    ...(['deploy', 'jointResponse', 'handover', 'adviceOnly'] as const).map(
      (decision): IncidentEvent => ({
        type: 'RCRP_DECISION_RECORDED',
        ...meta,
        crimeOccurring: false,
        riskToLife: false,
        riskOfSeriousHarm: false,
        decision,
        rationale: 'threshold assessed',
        override: null,
      }),
    ),
    ...(resources.length < MAX_RESOURCES
      ? [
          {
            type: 'POLICE_DISPATCHED',
            ...meta,
            resources: [
              { assignmentId: `a${meta.seq}-1`, callSign: `KM${21 + resources.length}`, officers: 2, type: 'response' },
            ],
          } satisfies IncidentEvent,
        ]
      : []),
    // A resource's arrival and clearance reach the incident as CHILD_STATUS_CHANGED (from RESOURCE_ARRIVED /
    // RESOURCE_CLEARED).
    ...resources.flatMap(([childId, r]) => {
      const next = r.status === 'dispatched' ? ['arrived', 'cleared'] : r.status === 'arrived' ? ['cleared'] : [];
      return next.map(
        (status): IncidentEvent => ({
          type: 'CHILD_STATUS_CHANGED',
          ...meta,
          kind: 'resource',
          childId,
          status,
          cause: status === 'arrived' ? 'RESOURCE_ARRIVED' : 'RESOURCE_CLEARED',
        }),
      );
    }),
    { type: 'CALL_HANDLING_RECORDED', ...meta, answeredAt: T },
    {
      type: 'INCIDENT_IMPORTED',
      ...meta,
      incidentId: 'model-imported',
      reference: 'HIST-1',
      channel: '999',
      category: 'concernForWelfare',
      grade: 'G2',
      gradePolicy: gradePolicy(config, 'G2'),
      district: 'Maidstone',
      locationClass: 'urban',
      mhFlagAtCall: true,
      mhFlagAtClose: null,
      rcrpDecision: 'deploy',
      closureCode: 'resolved',
      closedAt: T,
      subject: null,
      callHandling: [],
      referrals: [],
      resources: [
        {
          assignmentId: 'h1',
          callSign: 'KM99',
          officers: 2,
          resourceType: 'response',
          dispatchedAt: T,
          arrivedAt: T,
          clearedAt: T,
          segments: [{ activity: 'scene', startAt: T, endAt: T }],
        },
      ],
      policy: incidentPolicy(config, 'concernForWelfare'),
      source: { file: 'model.csv', line: 2 },
    },
    ...(refs.length < MAX_REFERRALS
      ? [
          {
            type: 'REFERRAL_MADE',
            ...meta,
            referralId: `r${refs.length + 1}`,
            agency: 'kmptSpoa',
            contactMethod: 'phone',
            namedContact: 'duty crisis nurse',
            agencyReference: null,
          } satisfies IncidentEvent,
        ]
      : []),
    // A referral's answer reaches the incident machine as CHILD_STATUS_CHANGED (derived by the
    // aggregate from REFERRAL_ANSWERED); only the changes the referral machine allows are sampled.
    ...refs.flatMap((referralId) => {
      const status = c.referrals[referralId]!.status;
      const next =
        status === 'pending'
          ? ['accepted', 'declined', 'noResponse']
          : status === 'noResponse'
            ? ['accepted', 'declined']
            : [];
      return next.map(
        (st): IncidentEvent => ({
          type: 'CHILD_STATUS_CHANGED',
          ...meta,
          kind: 'referral',
          childId: referralId,
          status: st,
          cause: 'REFERRAL_ANSWERED',
        }),
      );
    }),
    { type: 'ADVICE_GIVEN', ...meta, summary: 'advised to contact GP' },
    { type: 'RESOLVED_WITHOUT_DEPLOYMENT', ...meta, resolution: 'callerReassured', note: null },
    { type: 'NEW_INFORMATION', ...meta, summary: 'caller heard shouting', source: 'caller' },
    {
      type: 'SUBJECT_RECORDED',
      ...meta,
      subject: {
        personKeys: [],
        ageYears: 30,
        ageBand: '25to34',
        gender: 'male',
        ethnicity: 'white',
        ethnicityBasis: 'selfDefined',
      },
      priorContacts: [],
    },
    { type: 'INCIDENT_CLOSED', ...meta, mhFlagAtClose: true, closureCode: 'resolved', note: null },
    ...(c.grade
      ? [{ type: 'DEADLINE_REACHED', ...meta, deadlineKey: `R6:unresourced:${c.grade.seq}` } satisfies IncidentEvent]
      : []),
  ];
  // Event types the current state has no transition for change nothing; leave them out.
  return all.filter((e) => incidentAccepts(s, e.type));
}

function abstractState(s: IncidentSnapshot): string {
  const c = s.context;
  if (!c.incidentId || s.status === 'done') return incidentStateName(s);
  const resources = Object.values(c.resources ?? {});
  return JSON.stringify([
    incidentStateName(s),
    c.policy.rcrpCategory,
    incidentAllowedEvents(s),
    Object.keys(c.referrals).length,
    resources.map((r) => r.status).sort(),
    (c.callHandling ?? []).length > 0,
  ]);
}

// ---------------------------------------------------------------------------------------------
// What the machine declares: leaf states and transitions (state node × event × branch).
// ---------------------------------------------------------------------------------------------

type AnyNode = (typeof incidentMachine)['root'];
const allNodes = [incidentMachine.root, ...getStateNodes(incidentMachine.root)] as AnyNode[];
const declaredLeafStates = new Set(allNodes.filter((n) => n.type === 'atomic' || n.type === 'final').map((n) => n.key));
const edgeKey = (sourceId: string, eventType: string, branch: number) => `${sourceId} --${eventType}[${branch}]-->`;
const declaredEdges = new Set(
  allNodes.flatMap((n) =>
    [...n.transitions.entries()].flatMap(([eventType, ts]) => ts.map((_t, i) => edgeKey(n.id, eventType, i))),
  ),
);

/** The declared transition `e` takes from `s`, or null when the machine refuses it. */
function edgeTaken(s: IncidentSnapshot, e: IncidentEvent): string | null {
  const [t] = incidentMachine.getTransitionData(s, e);
  if (!t) return null;
  const branches = t.source.transitions.get(t.eventType) ?? [];
  return edgeKey(t.source.id, t.eventType, branches.indexOf(t));
}

interface ModelStep {
  event: IncidentEvent;
  edge: string;
  after: IncidentSnapshot;
}
interface ModelPath {
  steps: ModelStep[];
  end: IncidentSnapshot;
}

const initial = () => incidentMachine.resolveState({ value: 'unopened', context: {} as never });

/**
 * Execute events from the initial state with the pure `transition`, requiring each to be accepted.
 * Events are re-stamped with the seq (and deadline key) of the state they are applied to, so a path
 * is a genuine run of the machine whatever representative snapshot the traversal used.
 */
function realize(events: IncidentEvent[]): ModelPath {
  let s = initial();
  const steps: ModelStep[] = [];
  for (const raw of events) {
    const seq = nextSeq(s);
    const e = { ...raw, seq } as IncidentEvent;
    if (e.type === 'DEADLINE_REACHED') e.deadlineKey = `R6:unresourced:${s.context.grade?.seq}`;
    const edge = edgeTaken(s, e);
    if (!edge) throw new Error(`model path refused ${e.type} in ${abstractState(s)}`);
    [s] = transition(incidentMachine, s, e);
    steps.push({ event: e, edge, after: s });
  }
  return { steps, end: s };
}

interface Model {
  shortest: ModelPath[];
  extensions: ModelPath[];
  all: ModelPath[];
  reached: Set<string>;
  taken: Set<string>;
}

function buildModel(): Model {
  const graphPaths = getShortestPaths(incidentMachine, {
    events: sampleEvents as never,
    serializeState: abstractState as never,
  });
  // alterPath() form: steps[0] is xstate.init, then (event, resulting state) pairs.
  const shortest = graphPaths.map((p) => {
    const path = realize(p.steps.slice(1).map((st) => st.event as IncidentEvent));
    expect(abstractState(path.end), 're-executed path must end where the traversal said').toBe(
      abstractState(p.state as IncidentSnapshot),
    );
    return path;
  });
  const taken = new Set(shortest.flatMap((p) => p.steps.map((s) => s.edge)));
  // Transitions the shortest paths did not need: extend the shortest path to some state that takes them.
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
    all.flatMap((p) => [incidentStateName(initial()), ...p.steps.map((s) => incidentStateName(s.after))]),
  );
  return { shortest, extensions, all, reached, taken };
}

// ---------------------------------------------------------------------------------------------
// Replaying a model path through the API.
// ---------------------------------------------------------------------------------------------

const SHELL_FIELDS = new Set(['seq', 'occurredAt', 'recordedAt', 'actor', 'gradePolicy', 'priorContacts']);

/** The request body a user would send for this machine event (the API adds policy, gradePolicy, keys). */
function apiBody(e: IncidentEvent): Record<string, unknown> {
  if (e.type === 'CHILD_STATUS_CHANGED' && e.kind === 'resource') {
    // RESOURCE_CLEARED's segments are filled in from the resource's times when replayed.
    return { type: e.status === 'arrived' ? 'RESOURCE_ARRIVED' : 'RESOURCE_CLEARED', assignmentId: e.childId };
  }
  if (e.type === 'CHILD_STATUS_CHANGED') {
    return {
      type: 'REFERRAL_ANSWERED',
      referralId: e.childId,
      answer: e.status,
      ...(e.status === 'declined' ? { reason: 'no capacity tonight' } : {}),
    };
  }
  if (e.type === 'CALL_HANDLING_RECORDED') return { type: e.type };
  const body = Object.fromEntries(Object.entries(e).filter(([k, v]) => !SHELL_FIELDS.has(k) && v !== null));
  if (e.type === 'SUBJECT_RECORDED') {
    const { ageYears, gender, ethnicity, ethnicityBasis } = e.subject;
    body.subject = { ageYears, gender, ethnicity, ethnicityBasis };
  }
  return body;
}

/** Deduplicate: a path whose events are a prefix of another path's is checked by replaying the longer one. */
function maximalPaths(paths: ModelPath[]): ModelPath[] {
  const key = (p: ModelPath) => p.steps.map((s) => `${JSON.stringify({ ...s.event, seq: 0 })}\n`).join('');
  const keys = paths.map(key);
  const unique = [...new Map(keys.map((k, i) => [k, paths[i]!])).entries()];
  return unique.filter(([k]) => !unique.some(([o]) => o !== k && o.startsWith(k))).map(([, p]) => p);
}

/** Steps the system records after creation (the scheduler's): they do not advance the version people see. */
const SYSTEM_MADE = new Set(['DEADLINE_REACHED']);

interface ApiView {
  status: number;
  state: string;
  version: number;
  seq: number;
  allowedEvents: string[];
  body: unknown;
}

/**
 * The referral machine state behind each status the incident knows, for the referrals this model
 * makes (by phone, so a new referral starts acknowledged: the handler spoke to a named person).
 */
const REFERRAL_STATE_OF_STATUS: Record<string, string> = {
  pending: 'acknowledged',
  accepted: 'accepted',
  declined: 'declined',
  noResponse: 'noResponse',
};

/**
 * What the API offers: the incident's allowed events, plus what each referral's own state accepts
 * (from the referral machine), plus starting a s.136/s.135 detention once police are on an open incident.
 */
function expectedAllowed(s: IncidentSnapshot): string[] {
  const resources = Object.values(s.context.resources ?? {});
  const allowed = new Set<string>(incidentAllowedEvents(s));
  if (incidentStateName(s) !== 'closed') {
    for (const r of Object.values(s.context.referrals ?? {})) {
      const node = referralMachine.states[REFERRAL_STATE_OF_STATUS[r.status] as keyof typeof referralMachine.states]!;
      for (const t of node.ownEvents)
        if (t !== 'REFERRAL_MADE' && !(REFERRAL_SYSTEM_EVENT_TYPES as readonly string[]).includes(t)) allowed.add(t);
    }
    if (s.context.firstDispatchedAt) for (const t of ['S136_CONSIDERED', 'S135_WARRANT_EXECUTED']) allowed.add(t);
    if (resources.some((r) => r.status === 'dispatched')) allowed.add('RESOURCE_ARRIVED');
    if (resources.some((r) => r.status !== 'cleared')) allowed.add('RESOURCE_CLEARED');
  }
  return [...allowed].sort();
}

async function replayThroughApi(h: Harness, path: ModelPath): Promise<void> {
  let id = '';
  let version = 0;
  for (const [i, step] of path.steps.entries()) {
    const e = step.event;
    const where = `step ${i + 1} ${e.type} of [${path.steps.map((s) => s.event.type).join(', ')}]`;
    h.clock.advanceMinutes(1);
    let view: ApiView;
    if (e.type === 'INCIDENT_CREATED') {
      const { incidentId: _i, type: _t, policy: _p, ...fields } = apiBody(e);
      const r = await h.request('POST', '/api/incidents', { body: { ...fields, receivedAt: h.clock.at() } });
      id = r.body.id;
      view = {
        status: r.status,
        state: r.body.state,
        version: r.body.version,
        seq: r.body.seq,
        allowedEvents: r.body.allowedEvents,
        body: r.body,
      };
    } else if (e.type === 'DEADLINE_REACHED') {
      // The scheduler raises this one: let the clock pass the due time and sweep.
      const row = h.db.$client
        .prepare(`SELECT key, due_at AS dueAt FROM deadlines WHERE incident_id = ? AND status = 'pending'`)
        .get(id) as { key: string; dueAt: string } | undefined;
      expect(
        row,
        `${where}: the machine fires an unresourced clock, so the API must hold a pending deadline`,
      ).toBeDefined();
      if (Date.parse(row!.dueAt) > h.clock.now().getTime()) h.clock.set(row!.dueAt);
      h.clock.advanceMinutes(1);
      // Earlier paths leave open incidents whose clocks are due too: sweep until the backlog is drained.
      while (sweepDeadlines(h.deps).fired > 0);
      const r = await h.request('GET', `/api/incidents/${id}`);
      expect(
        h.db.$client
          .prepare(`SELECT status FROM deadlines WHERE incident_id = ? AND key = ?`)
          .pluck()
          .get(id, row!.key),
        where,
      ).toBe('fired');
      view = {
        status: r.status,
        state: r.body.state,
        version: r.body.version,
        seq: r.body.seq,
        allowedEvents: r.body.allowedEvents,
        body: r.body,
      };
    } else if (e.type === 'INCIDENT_IMPORTED') {
      // Imports come from a command-and-control extract, not the API: through the import command.
      const csv = importCsvFor(e, h.clock.at(-5), h.clock.at(-1));
      const r = await importCsvText(h.deps, csv);
      expect(r.imported, `${where}: ${JSON.stringify(r.errors)}`).toBe(1);
      id =
        (h.db.$client.prepare('SELECT id FROM incidents WHERE reference = ?').pluck().get(e.reference) as string) ?? '';
      const got = await h.request('GET', `/api/incidents/${id}`);
      view = {
        status: 201,
        state: got.body.state,
        version: got.body.version,
        seq: got.body.seq,
        allowedEvents: got.body.allowedEvents,
        body: got.body,
      };
    } else {
      const at = h.clock.at();
      const body = apiBody(e);
      if (
        body.type === 'RESOURCE_ARRIVED' ||
        body.type === 'RESOURCE_CLEARED' ||
        body.type === 'CALL_HANDLING_RECORDED'
      ) {
        const current = await h.request('GET', `/api/incidents/${id}`);
        Object.assign(body, ledgerBody(String(body.type), current.body, at, 0), { assignmentId: body.assignmentId });
        if (body.type === 'RESOURCE_CLEARED') {
          const r = current.body.resources.find((x: { assignmentId: string }) => x.assignmentId === body.assignmentId);
          body.segments = segmentsFor(r, at);
        }
        if (body.type === 'CALL_HANDLING_RECORDED') delete body.assignmentId;
      }
      const r = await h.event(id, { ...body, occurredAt: at }, { version });
      view = {
        status: r.status,
        state: r.body.state,
        version: r.body.version,
        seq: r.body.seq,
        allowedEvents: r.body.allowedEvents,
        body: r.body,
      };
    }
    expect(view.status, `${where}: ${JSON.stringify(view.body)}`).toBe(
      e.type === 'INCIDENT_CREATED' || e.type === 'INCIDENT_IMPORTED' ? 201 : 200,
    );
    expect(view.state, `${where}: API state`).toBe(incidentStateName(step.after));
    // Every step is one event in the log; the version people see counts only people's events and the one
    // that created the incident (not the scheduler's deadlines).
    expect(view.seq, `${where}: API seq`).toBe(i + 1);
    expect(view.version, `${where}: API version`).toBe(
      path.steps.slice(0, i + 1).filter((s) => !SYSTEM_MADE.has(s.event.type)).length,
    );
    expect(view.allowedEvents, `${where}: API allowedEvents`).toEqual(expectedAllowed(step.after));
    version = view.version;
  }
}

// ---------------------------------------------------------------------------------------------

describe('incident machine: model-based path coverage', () => {
  let model: Model;
  beforeAll(() => {
    model = buildModel();
  });

  it('reaches every leaf state of the incident lifecycle declared in the machine', () => {
    // Guard against an empty comparison: the lifecycle has these at least.
    for (const s of [
      'new',
      'assessed',
      'graded',
      'policeResponse',
      'partnerResponse',
      'jointResponse',
      'noDeployment',
      'closed',
    ]) {
      expect(declaredLeafStates).toContain(s);
    }
    const missing = [...declaredLeafStates].filter((s) => !model.reached.has(s));
    expect(missing, 'leaf states no generated path reaches').toEqual([]);
  });

  it('takes every transition declared in the machine config at least once', () => {
    expect(declaredEdges.size).toBeGreaterThanOrEqual(30);
    const missing = [...declaredEdges].filter((e) => !model.taken.has(e)).sort();
    expect(
      missing,
      'declared transitions no generated path takes (add sample events or refine the abstraction)',
    ).toEqual([]);
  });

  describe('through the API on a real database', () => {
    let h: Harness;
    beforeAll(() => {
      h = createHarness();
    });
    afterAll(() => h.close());

    it('every generated path leads the API through the states and allowed events the machine predicts', async () => {
      const paths = maximalPaths(model.all);
      // Every step of every generated path is still checked: dropped paths are prefixes of kept ones.
      const stepsChecked = new Set(paths.flatMap((p) => p.steps.map((s) => s.edge)));
      expect([...declaredEdges].filter((e) => !stepsChecked.has(e))).toEqual([]);
      for (const p of paths) await replayThroughApi(h, p);
      expect(h.count('incidents')).toBe(paths.length);
    }, 240_000);
  });
});
