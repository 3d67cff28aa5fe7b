/**
 * A live shift for the console: about forty incidents still open "now" (the moment it runs), in every
 * state a control room sees — calls not yet assessed, assessed, graded and waiting for police, police
 * on the way or on scene, handed to a partner with the referral pending, joint responses, advice
 * only — three s.136 detentions with different times left (one past its T−6 h warning and near T−2 h,
 * one mid-way, one just arrived with the handover hour running), a 16-year-old, repeat contacts, and
 * the alerts the clocks raise (swept at the end). Every step goes through the real command path
 * (createIncident / recordEvent, parsed by the API's own schemas), as a person would record it.
 */
import { createIncident } from '../commands/create-incident.js';
import type { CommandDeps, CommandMeta, CommandResult } from '../commands/deps.js';
import type { Actor } from '../../machines/kit.js';
import { incidentStore } from '../commands/incident-store.js';
import { recordEvent } from '../commands/record-event.js';
import type { IncidentInputs } from '../domain/incident-inputs.js';
import { sweepDeadlines } from '../scheduler/sweeper.js';
import type { Clock } from '../clock.js';

/** The prefix of every live-shift reference (SHIFT-<local date>-<n>). */
export const SHIFT_PREFIX = 'SHIFT-';

type Step = Record<string, unknown> & { type: string; at: number };

interface ShiftCall {
  /** Minutes before now the call came in. */
  ago: number;
  category: string;
  district: string;
  locationClass?: 'urban' | 'rural';
  channel?: '999' | '101' | 'online' | 'partnerAgency';
  summary: string;
  location?: string;
  subject?: Record<string, unknown>;
  /** Then, minutes after the call. */
  steps: Step[];
}

/** A clock the shift moves to each step: recorded half a minute after it happened, never after now. */
class ShiftClock implements Clock {
  #t = 0;
  constructor(readonly end: number) {}
  now() {
    return new Date(this.#t);
  }
  set(ms: number) {
    this.#t = Math.min(ms + 30_000, this.end);
  }
}

const thrive = (at: number, risk: string, rationale: string): Step => ({
  type: 'THRIVE_RECORDED',
  at,
  threat: risk.includes('high') ? 'threat to self; no weapon mentioned' : 'none identified',
  harm: 'risk of self-harm or neglect if no one attends',
  risk,
  investigation: 'none identified',
  vulnerability: 'known mental-health history; lives alone',
  engagement: 'caller engaging and willing to stay on the line',
  rationale,
});
const grade = (at: number, g: string): Step => ({ type: 'GRADE_SET', at, grade: g });
const decide = (at: number, decision: string, threshold = false): Step => ({
  type: 'RCRP_DECISION_RECORDED',
  at,
  crimeOccurring: false,
  riskToLife: threshold,
  riskOfSeriousHarm: threshold,
  decision,
  rationale: threshold
    ? 'real and immediate risk to life: police attend'
    : 'threshold not met: a health-led response is right for this person',
});
const dispatch = (at: number, callSign: string, officers = 2): Step => ({
  type: 'POLICE_DISPATCHED',
  at,
  resources: [{ assignmentId: callSign, callSign, officers, type: 'response' }],
});
const arrived = (at: number, callSign: string): Step => ({ type: 'RESOURCE_ARRIVED', at, assignmentId: callSign });
const refer = (at: number, referralId: string, agency: string, namedContact: string): Step => ({
  type: 'REFERRAL_MADE',
  at,
  referralId,
  agency,
  contactMethod: 'phone',
  namedContact,
  riskSummary: 'adult in distress at home; no weapons; no threats to others',
});
const answered = (at: number, referralId: string, answer: 'accepted' | 'declined'): Step => ({
  type: 'REFERRAL_ANSWERED',
  at,
  referralId,
  answer,
  respondent: 'duty practitioner',
  ...(answer === 'declined' ? { reason: 'no capacity in the team tonight' } : {}),
});
const officer = { name: 'PC 4521 A. Shah', role: 'constable', rank: 'constable' };

/** s.136 from consideration to arrival at a place of safety; `arrive` minutes after the call. */
function s136(id: string, start: number, arrive: number, site: string): Step[] {
  return [
    { type: 'S136_CONSIDERED', at: start, detentionId: id, officer },
    {
      type: 'S136_CONSULTATION_RECORDED',
      at: start + 5,
      detentionId: id,
      practicable: true,
      profession: 'registeredNurse',
      consultee: 'street triage nurse',
      advice: 'supports removal to a place of safety for assessment',
    },
    {
      type: 'S136_DETAINED',
      at: start + 10,
      detentionId: id,
      mode: 'removed',
      locationType: 'roadOrBridge',
      criteria: { apparentMentalDisorder: true, immediateNeedOfCareOrControl: true, necessaryForProtection: true },
      grounds: 'on the wrong side of the bridge railings, distressed, hearing voices telling them to jump',
      officer,
    },
    { type: 'S136_CONVEYANCE_RECORDED', at: start + 20, detentionId: id, method: 'ambulance' },
    { type: 'S136_ARRIVED_AT_PLACE_OF_SAFETY', at: arrive, detentionId: id, placeOfSafety: { site } },
  ];
}

/** The shift, oldest call first. Minutes are relative to the call (`at`) and to now (`ago`). */
export function shiftCalls(): ShiftCall[] {
  const calls: ShiftCall[] = [
    // Three s.136 detentions: 2 h 30 min left, 9 h left, and just arrived (the handover hour running).
    {
      ago: 22 * 60,
      category: 'mhCrisisInPublic',
      district: 'Medway',
      locationClass: 'urban',
      summary: 'person on the wrong side of the Rochester Bridge railings',
      location: 'Rochester Bridge',
      subject: { ageYears: 34, gender: 'male', ethnicity: 'white', ethnicityBasis: 'officerPerceived' },
      steps: [
        thrive(2, 'high: at height, intent stated', 'immediate risk to life'),
        grade(3, 'G1'),
        dispatch(3, 'MK11'),
        arrived(12, 'MK11'),
        ...s136('SHIFT-S136-A', 14, 40, 'kmptDartford'),
        { type: 'S136_NHS_ACCEPTED', at: 80, detentionId: 'SHIFT-S136-A', acceptedBy: 'HBPoS nurse in charge' },
        { type: 'S136_POLICE_DEPARTED', at: 85, detentionId: 'SHIFT-S136-A' },
        { type: 'S136_ASSESSMENT_STARTED', at: 300, detentionId: 'SHIFT-S136-A' },
      ],
    },
    {
      ago: 15 * 60 + 30,
      category: 'suicideSelfHarmConcern',
      district: 'Canterbury',
      locationClass: 'urban',
      summary: 'woman seen walking along the railway line, distressed',
      location: 'Canterbury West station',
      subject: { ageYears: 27, gender: 'female', ethnicity: 'white', ethnicityBasis: 'selfDefined' },
      steps: [
        thrive(2, 'high: on railway property', 'immediate risk to life'),
        grade(3, 'G1'),
        dispatch(3, 'CY21'),
        arrived(14, 'CY21'),
        ...s136('SHIFT-S136-B', 16, 41, 'kmptCanterbury'),
        { type: 'S136_NHS_ACCEPTED', at: 70, detentionId: 'SHIFT-S136-B', acceptedBy: 'HBPoS nurse in charge' },
        { type: 'S136_POLICE_DEPARTED', at: 72, detentionId: 'SHIFT-S136-B' },
      ],
    },
    {
      ago: 95,
      category: 'mhCrisisInPublic',
      district: 'Maidstone',
      locationClass: 'urban',
      summary: '16-year-old shouting at traffic, believes they are being followed',
      location: 'Maidstone bus station',
      subject: { ageYears: 16, gender: 'female', ethnicity: 'mixed', ethnicityBasis: 'selfDefined' },
      steps: [
        thrive(2, 'high: walking into traffic', 'immediate risk to life; a child'),
        grade(3, 'G1'),
        dispatch(3, 'MN31'),
        arrived(11, 'MN31'),
        ...s136('SHIFT-S136-C', 13, 45, 'kmptMaidstone'),
      ],
    },
  ];
  const districts = [
    'Ashford',
    'Dartford',
    'Dover',
    'Folkestone and Hythe',
    'Gravesham',
    'Maidstone',
    'Medway',
    'Sevenoaks',
    'Swale',
    'Thanet',
    'Tonbridge and Malling',
    'Tunbridge Wells',
    'Canterbury',
  ];
  const d = (i: number) => districts[i % districts.length]!;
  // Not yet assessed: just in.
  const fresh = [
    ['concernForWelfare', 'neighbour has not seen the man next door for four days; curtains closed'],
    ['suicideSelfHarmConcern', 'caller says her brother has sent goodbye texts'],
    ['mhCrisisInPublic', 'man in the high street shouting at shoppers, appears confused'],
    ['walkOutFromHealthcare', 'informal patient left the ward without telling staff'],
    ['missingPersonMhConcern', 'daughter missing since this morning, stopped taking medication'],
    ['concernForWelfare', 'GP surgery worried about a patient who missed three appointments'],
    ['mhCrisisInPublic', 'woman crying on the seafront steps, says she cannot go on'],
  ] as const;
  fresh.forEach(([category, summary], i) => {
    calls.push({ ago: 2 + i * 3, category, district: d(i), locationClass: 'urban', summary, steps: [] });
  });
  // Assessed, not yet graded.
  const assessed = [
    ['concernForWelfare', 'elderly woman calling repeatedly, says people are in her loft'],
    ['transportRequest', 'ward asks for a patient to be taken to hospital'],
    ['voluntaryPatient', 'voluntary patient phoning to say he will not come back to the ward'],
    ['other', 'caller worried about a friend after a mental-health crisis last week'],
  ] as const;
  assessed.forEach(([category, summary], i) => {
    calls.push({
      ago: 10 + i * 4,
      category,
      district: d(i + 5),
      locationClass: 'rural',
      summary,
      steps: [thrive(3, 'medium: no immediate danger', 'welfare need; health partners may be better placed')],
    });
  });
  // An AWOL patient (detained under s.3), assessed and graded, the RCRP decision still to make.
  calls.push({
    ago: 33,
    category: 'awolPatient',
    district: 'Dartford',
    locationClass: 'urban',
    channel: 'partnerAgency',
    summary: 'ward reports a patient detained under s.3 has not returned from escorted leave',
    subject: { ageYears: 41, gender: 'male', legalStatus: '03' },
    steps: [thrive(3, 'medium: unwell, no known threats', 'liable to be detained: RCRP decision next'), grade(5, 'G2')],
  });
  // Graded, waiting for police (two past the point where the unresourced alert fires).
  const waiting: Array<[string, string, string, number]> = [
    ['mhCrisisInPublic', 'G1', 'man with a knife threatening to harm himself in a car park', 6],
    ['suicideSelfHarmConcern', 'G2', 'caller has taken an overdose and is now not answering', 55],
    ['missingPersonMhConcern', 'G2', 'vulnerable adult missing from supported housing', 25],
    ['mhCrisisInPublic', 'G3', 'man sleeping in a bus shelter, talking to himself', 70],
  ];
  waiting.forEach(([category, g, summary, ago], i) => {
    calls.push({
      ago,
      category,
      district: d(i + 2),
      locationClass: 'urban',
      channel: '999',
      summary,
      steps: [thrive(2, g === 'G1' ? 'high: weapon' : 'medium', 'police needed'), grade(3, g)],
    });
  });
  // Police on the way or on scene.
  const police: Array<[string, string, string, number, boolean]> = [
    ['mhCrisisInPublic', 'G1', 'woman standing in the road on the A2, cars swerving', 18, true],
    ['suicideSelfHarmConcern', 'G1', 'man on the roof of a multi-storey car park', 9, false],
    ['mhCrisisInPublic', 'G2', 'man banging on doors, believes neighbours are spying on him', 75, false],
    ['concernForWelfare', 'G2', 'caller hears screaming from the flat upstairs, known MH history', 40, true],
    ['missingPersonMhConcern', 'G2', 'high-risk missing person seen near the cliffs', 35, true],
    ['mhCrisisInPublic', 'G3', 'man refusing to leave the A&E waiting room, agitated', 150, true],
    ['suicideSelfHarmConcern', 'G2', 'texts to ex-partner saying she has tablets', 52, false],
    ['concernForWelfare', 'G1', 'child heard shouting that mum will not wake up', 14, true],
  ];
  police.forEach(([category, g, summary, ago, onScene], i) => {
    const rcrp = category === 'concernForWelfare';
    const steps: Step[] = [thrive(2, 'high', 'police attendance needed'), grade(3, g)];
    if (rcrp) steps.push(decide(4, 'deploy', true));
    steps.push(dispatch(5, `KP${30 + i}`));
    if (onScene) steps.push(arrived(Math.min(ago - 2, 12), `KP${30 + i}`));
    calls.push({ ago, category, district: d(i + 4), locationClass: 'urban', channel: '999', summary, steps });
  });
  // Handed over to a partner, referral pending (one past its answer time, one answered).
  const handover: Array<[string, string, string, number, 'pending' | 'accepted']> = [
    ['concernForWelfare', 'nhs111MhOption', 'man low in mood, no plan to harm himself, wants to talk', 30, 'pending'],
    ['concernForWelfare', 'kmptSpoa', 'known patient missed his depot injection, family worried', 120, 'pending'],
    ['medicalTreatmentRequired', 'secamb', 'woman has fallen at home, confused, no injuries seen', 45, 'accepted'],
    ['walkOutFromHealthcare', 'kmptSpoa', 'informal patient left A&E before assessment, now at home', 200, 'pending'],
    [
      'voluntaryPatient',
      'kmptSpoa',
      'voluntary patient wants to come back to the ward but has no transport',
      65,
      'pending',
    ],
    ['concernForWelfare', 'kentAmhp', 'AMHP asks for help with a planned assessment tomorrow', 90, 'accepted'],
  ];
  handover.forEach(([category, agency, summary, ago, status], i) => {
    const steps: Step[] = [
      thrive(2, 'low: no immediate danger', 'a health-led response is right'),
      grade(3, 'G5'),
      decide(4, 'handover'),
      refer(6, `r${i + 1}`, agency, 'duty practitioner'),
    ];
    if (status === 'accepted') steps.push(answered(Math.min(20, ago - 2), `r${i + 1}`, 'accepted'));
    calls.push({ ago, category, district: d(i + 7), locationClass: 'urban', channel: '101', summary, steps });
  });
  // Joint responses.
  const joint: Array<[string, string, number]> = [
    ['concernForWelfare', 'man barricaded in his flat, threatening to set it alight', 50],
    ['medicalTreatmentRequired', 'woman refusing treatment after an overdose, paramedics on scene', 28],
    ['concernForWelfare', 'young man in crisis at a railway footbridge, crisis team en route', 16],
  ];
  joint.forEach(([category, summary, ago], i) => {
    calls.push({
      ago,
      category,
      district: d(i + 1),
      locationClass: 'urban',
      channel: '999',
      summary,
      steps: [
        thrive(2, 'high', 'police and health together'),
        grade(3, 'G2'),
        decide(4, 'jointResponse', true),
        refer(5, 'r1', 'kmptSpoa', 'crisis team coordinator'),
        dispatch(6, `JR${10 + i}`),
      ],
    });
  });
  // Advice only (still open: closure follows once the caller is called back).
  const advice: Array<[string, string, number, Record<string, unknown> | undefined]> = [
    ['concernForWelfare', 'mother worried about her adult son not answering for two hours', 40, undefined],
    ['other', 'caller asks how to get an urgent mental-health assessment for his wife', 22, undefined],
    [
      'concernForWelfare',
      'man calling again about voices from the flat next door',
      12,
      { identifiers: { forcePersonId: 'SHIFT-P7' }, ageYears: 58 },
    ],
  ];
  advice.forEach(([category, summary, ago, subject], i) => {
    calls.push({
      ago,
      category,
      district: d(i + 9),
      locationClass: 'rural',
      channel: '101',
      summary,
      ...(subject ? { subject } : {}),
      steps: [
        thrive(2, 'low', 'advice meets the need'),
        grade(3, 'G5'),
        decide(4, 'adviceOnly'),
        { type: 'ADVICE_GIVEN', at: 6, summary: 'gave NHS 111 option 2 and the crisis line; caller content' },
      ],
    });
  });
  // The same man earlier in the shift: the later call is a repeat contact (R15).
  calls.push({
    ago: 6 * 60,
    category: 'concernForWelfare',
    district: d(9),
    locationClass: 'rural',
    channel: '101',
    summary: 'man says the people next door are talking about him through the wall',
    subject: { identifiers: { forcePersonId: 'SHIFT-P7' }, ageYears: 58 },
    steps: [thrive(2, 'low', 'advice meets the need'), grade(3, 'G5'), decide(4, 'adviceOnly')],
  });
  return calls.sort((a, b) => b.ago - a.ago);
}

export class ShiftError extends Error {}

function must(r: CommandResult, what: string): { id: string } {
  if (!r.ok) throw new ShiftError(`live shift step refused (${what}): ${r.refusal.code} ${r.refusal.message}`);
  return r.body as { id: string };
}

/**
 * Records the shift ending at `now`: every call and step at its own time (so clocks, targets and
 * alerts are what they would be), then the deadlines that have fallen due are swept. Returns the
 * number of incidents and events.
 */
export async function recordLiveShift(
  base: Omit<CommandDeps, 'clock' | 'uow'> & { uow?: CommandDeps['uow'] },
  inputs: IncidentInputs,
  o: { now: Date; localDate: string; callHandler: Actor; dispatcher: Actor },
): Promise<{ incidents: number; alerts: number }> {
  const { now, localDate } = o;
  const end = now.getTime();
  const clock = new ShiftClock(end);
  const deps: CommandDeps = { ...base, clock };
  const meta: CommandMeta = { actor: o.callHandler, idempotencyKey: null, requestHash: '' };
  /** Dispatches and detentions are recorded by a dispatcher, the rest by a call handler. */
  const actorFor = (type: string): Actor =>
    type === 'POLICE_DISPATCHED' || type.startsWith('RESOURCE_') || type.startsWith('S136_')
      ? o.dispatcher
      : o.callHandler;
  const store = incidentStore(deps.db);
  const calls = shiftCalls();
  type Due = { at: number; run: () => void };
  const work: Due[] = [];
  calls.forEach((call, n) => {
    const received = end - call.ago * 60_000;
    let id = '';
    const reference = `${SHIFT_PREFIX}${localDate}-${String(n + 1).padStart(3, '0')}`;
    work.push({
      at: received,
      run: () => {
        const body = inputs.createIncident.parse({
          receivedAt: new Date(received).toISOString(),
          reference,
          channel: call.channel ?? '999',
          category: call.category,
          district: call.district,
          ...(call.locationClass ? { locationClass: call.locationClass } : {}),
          mhFlagAtCall: true,
          summary: call.summary,
          ...(call.location ? { location: call.location } : {}),
          ...(call.subject ? { subject: call.subject } : {}),
        });
        id = must(createIncident(deps, meta, body), `${reference} created`).id;
      },
    });
    for (const step of call.steps) {
      const at = Math.min(received + step.at * 60_000, end - 60_000);
      const { at: _minutes, ...payload } = step;
      work.push({
        at,
        run: () => {
          const input = inputs.incidentEvent.parse({ ...payload, occurredAt: new Date(at).toISOString() });
          // The version as it stands (the clocks may have added to it), as a person's screen would show it.
          const ifMatch = store.load(id)!.personVersion;
          must(
            recordEvent(deps, { ...meta, actor: actorFor(step.type) }, { incidentId: id, ifMatch, input }),
            `${reference} ${step.type}`,
          );
        },
      });
    }
  });
  // Everything in time order, so each command sees the world as it was then; deadlines swept as time passes.
  work.sort((a, b) => a.at - b.at);
  let last = Number.NEGATIVE_INFINITY;
  for (const w of work) {
    clock.set(w.at);
    // Clocks are swept as time moves on (steps recorded at the same minute come first, as on a real screen).
    if (w.at > last) sweepDeadlines(deps);
    last = w.at;
    w.run();
  }
  clock.set(end);
  const swept = sweepDeadlines(deps);
  await deps.uow?.durable();
  return { incidents: calls.length, alerts: swept.fired };
}
