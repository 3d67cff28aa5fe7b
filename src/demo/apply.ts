/**
 * Drives demo plans through the real command path: every step is parsed by the same zod input
 * schemas as the API and recorded by createIncident / recordEvent (the machines decide, the event
 * log is written, projections follow). Writes are grouped: the group-commit unit of work commits
 * a chunk of incidents in one transaction.
 */
import { eventOperations, grantOf, policyFor } from '../access/policy.js';
import type { CommandDeps, CommandMeta, CommandResult } from '../commands/deps.js';
import { createIncident } from '../commands/create-incident.js';
import { recordEvent } from '../commands/record-event.js';
import { buildIncidentInputs, type IncidentEventInput } from '../domain/incident-inputs.js';
import type { IncidentPlan, PlannedDetention } from './plan.js';

/** A clock the demo moves to each step's time (recordedAt follows occurredAt by a minute). */
export class SteppingClock {
  #t = 0;
  now() {
    return new Date(this.#t);
  }
  set(iso: string) {
    this.#t = Date.parse(iso) + 60_000;
  }
}

const THRIVE = {
  threat: 'none identified',
  harm: 'risk of self-neglect or self-harm',
  risk: 'medium',
  investigation: 'none identified',
  vulnerability: 'known mental-health history',
  engagement: 'caller engaging',
  rationale: 'mental-health need; assessed against the RCRP threshold',
};

export class DemoError extends Error {}

function must(r: CommandResult, what: string): { id: string; version: number } {
  if (!r.ok) throw new DemoError(`demo step refused (${what}): ${r.refusal.code} ${r.refusal.message}`);
  const b = r.body as { id: string; version: number };
  return b;
}

/**
 * The subject as a call handler would record it: an identified person with an age, and for an AWOL
 * category the patient's detained legal status (R14; s.3, the commonest for AWOL patients). When
 * the incident ends in a detention, the subject also carries the age, gender and ethnicity the
 * Home Office ADR record needs (R42), identified or not.
 */
function demoSubject(deps: CommandDeps, plan: IncidentPlan): { subject?: Record<string, unknown> } {
  const awol = deps.config.categories.find((c) => c.code === plan.category)?.requiresDetainedLegalStatus ?? false;
  const d = (plan.detention ?? plan.warrant)?.person;
  const subject = {
    ...(plan.person !== null
      ? { identifiers: { forcePersonId: `DEMO-P${plan.person}` }, ageYears: plan.ageYears }
      : {}),
    ...(d ? { ageYears: d.ageYears, gender: d.gender, ethnicity: d.ethnicity, ethnicityBasis: d.ethnicityBasis } : {}),
    ...(awol ? { legalStatus: '03' } : {}),
  };
  return Object.keys(subject).length > 0 ? { subject } : {};
}

const GROUNDS: Record<string, string> = {
  mhCrisisInPublic:
    'shouting at passers-by and walking into the road, responding to voices, could not say where they lived',
  suicideSelfHarmConcern:
    'stated intention to end their life and was at the edge of a drop; distressed and not engaging',
  concernForWelfare: 'found confused and distressed, not eating or sleeping for days, unable to keep themselves safe',
};
const POLICE_STATION_RECORD = {
  imminentRiskOfSeriousHarm: true,
  noOtherPlaceReason:
    'violent towards the ambulance crew and staff; both health-based places of safety declined on safety grounds',
  healthcareRequirementWillBeMet: true,
  decisionMaker: { name: 'Sgt 1203 (custody)', rank: 'sergeant' },
  consultation: { consulted: true, profession: 'registeredNurse' },
  reasonCode: 'imminentRiskBehaviour',
  arrestedForOffence: 'no',
};

/**
 * The detention's events in a valid order (docs/detentions.md, "A detention, step by step"): considered,
 * consultation, decision (for s.135, the warrant's execution instead), conveyance, arrival (the clock starts), then by
 * time the agreed extended
 * stay, NHS acceptance, police departure, assessment start, welfare checks at a police station and
 * the outcome; then the close (its ADR record is complete from the subject and the steps).
 */
export function detentionSteps(d: PlannedDetention, category: string): Array<Record<string, unknown>> {
  const detentionId = d.id;
  const officer = { name: d.officer, role: 'constable', rank: 'constable' };
  const c = d.consultation;
  const v = d.conveyance;
  const place = d.place.site ? { site: d.place.site } : { type: d.place.type, description: d.place.description };
  const removal: Array<Record<string, unknown>> =
    d.power === 's136'
      ? [
          { type: 'S136_CONSIDERED', occurredAt: d.consideredAt, detentionId, officer },
          c!.practicable
            ? {
                type: 'S136_CONSULTATION_RECORDED',
                occurredAt: c!.at,
                detentionId,
                practicable: true,
                profession: c!.profession,
                consultee: c!.consultee,
                advice: 'supports a s.136 assessment at a place of safety',
              }
            : {
                type: 'S136_CONSULTATION_RECORDED',
                occurredAt: c!.at,
                detentionId,
                practicable: false,
                notPracticableReason: c!.reason,
              },
          {
            type: 'S136_DETAINED',
            occurredAt: d.detainedAt,
            detentionId,
            mode: 'removed',
            locationType: d.locationType,
            criteria: {
              apparentMentalDisorder: true,
              immediateNeedOfCareOrControl: true,
              necessaryForProtection: true,
            },
            grounds: GROUNDS[category] ?? GROUNDS.mhCrisisInPublic,
            officer,
          },
        ]
      : [
          {
            type: 'S135_WARRANT_EXECUTED',
            occurredAt: d.detainedAt,
            detentionId,
            power: d.power,
            mode: 'removed',
            warrant: d.warrant,
            officer,
          },
        ];
  const steps: Array<Record<string, unknown>> = [
    ...removal,
    {
      type: 'S136_CONVEYANCE_RECORDED',
      occurredAt: v.at,
      detentionId,
      method: v.method,
      ...(v.method === 'policeVehicle'
        ? {
            ambulanceRequested: v.ambulanceRequestedAt !== null,
            ...(v.ambulanceRequestedAt
              ? { ambulanceRequestedAt: v.ambulanceRequestedAt, ambulanceEta: v.ambulanceEta }
              : {}),
            policeVehicleReason: v.policeVehicleReason,
            ...(v.policeVehicleReason === 'other'
              ? { reasonText: "the person's behaviour made waiting for the ambulance unsafe" }
              : {}),
          }
        : {}),
    },
    {
      type: 'S136_ARRIVED_AT_PLACE_OF_SAFETY',
      occurredAt: d.arrivedAt,
      detentionId,
      placeOfSafety: d.policeStation
        ? {
            ...place,
            policeStation: {
              ...POLICE_STATION_RECORD,
              authorisation: { name: 'Insp 88 (duty inspector)', rank: 'inspector', at: d.policeStation.authorisedAt },
            },
          }
        : place,
    },
  ];
  // Then by time; at the same minute, in this order (acceptance before departure, before the outcome).
  const timed: Array<[string, number, Record<string, unknown>]> = [];
  if (d.extendedStayAt)
    timed.push([
      d.extendedStayAt,
      0,
      {
        type: 'S136_EXTENDED_STAY_AGREED',
        detentionId,
        reason: 'person highly agitated; staff asked officers to stay until the assessment team arrived',
        nhsContact: 'nurse in charge',
      },
    ]);
  if (d.nhsAcceptedAt)
    timed.push([d.nhsAcceptedAt, 1, { type: 'S136_NHS_ACCEPTED', detentionId, acceptedBy: 'nurse in charge' }]);
  if (d.policeDepartedAt) timed.push([d.policeDepartedAt, 2, { type: 'S136_POLICE_DEPARTED', detentionId }]);
  timed.push([d.assessmentStartedAt, 3, { type: 'S136_ASSESSMENT_STARTED', detentionId }]);
  for (const at of d.policeStation?.checks ?? [])
    timed.push([
      at,
      3,
      {
        type: 'S136_HEALTHCARE_CHECK_RECORDED',
        detentionId,
        professional: 'custody healthcare practitioner',
        professionalPresent: true,
      },
    ]);
  const o = d.outcome;
  timed.push([
    o.at,
    4,
    {
      type: 'S136_OUTCOME_RECORDED',
      detentionId,
      outcome: o.code,
      doctorExaminedAt: o.doctorExaminedAt,
      ...(o.amhpInterviewedAt ? { amhpInterviewedAt: o.amhpInterviewedAt } : {}),
      ...(o.amhpApplicationAt
        ? { application: { amhpApplicationAt: o.amhpApplicationAt, medicalRecommendations: 2 } }
        : {}),
    },
  ]);
  timed.push([d.closedAt, 5, { type: 'S136_CLOSED', detentionId }]);
  timed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
  return [...steps, ...timed.map(([occurredAt, , body]) => ({ ...body, occurredAt }))];
}

const CONTROL_ROOM = ['call_handler', 'dispatcher', 'supervisor'] as const;

export function applyPlan(
  deps: CommandDeps,
  clock: SteppingClock,
  plan: IncidentPlan,
  inputs = buildIncidentInputs(deps.config),
): string {
  const meta: CommandMeta = { actor: { id: 'demo', role: 'call_handler' }, idempotencyKey: null, requestHash: '' };
  // Each step recorded by the control-room role the access policy lets record it (s.136 steps and
  // resource times by the dispatcher), as a force's own staff would.
  const policy = policyFor(deps.config);
  const metaFor = (body: Record<string, unknown>): CommandMeta => {
    const ops = eventOperations({ type: String(body.type) }) ?? [];
    const role = CONTROL_ROOM.find((r) => ops.every((op) => grantOf(policy, r, op) !== null)) ?? 'call_handler';
    return role === 'call_handler' ? meta : { ...meta, actor: { id: 'demo', role } };
  };
  clock.set(plan.receivedAt);
  const created = must(
    createIncident(
      deps,
      meta,
      inputs.createIncident.parse({
        receivedAt: plan.receivedAt,
        reference: plan.reference,
        channel: plan.channel,
        category: plan.category,
        district: plan.district,
        locationClass: plan.locationClass,
        mhFlagAtCall: plan.mhFlagAtCall,
        summary: 'demo incident',
        ...demoSubject(deps, plan),
      }),
    ),
    `${plan.reference} create`,
  );
  const id = created.id;
  let version = created.version;
  const step = (body: Record<string, unknown>) => {
    clock.set(body.occurredAt as string);
    const input = inputs.incidentEvent.parse(body) as IncidentEventInput;
    version = must(
      recordEvent(deps, metaFor(body), { incidentId: id, ifMatch: version, input }),
      `${plan.reference} ${String(body.type)}`,
    ).version;
  };
  const after = (iso: string, s: number) => new Date(Date.parse(iso) + s * 1000).toISOString();

  step({ type: 'CALL_HANDLING_RECORDED', occurredAt: plan.call.endedAt, answeredAt: plan.call.answeredAt });
  step({ type: 'THRIVE_RECORDED', occurredAt: after(plan.call.answeredAt, 60), ...THRIVE });
  step({ type: 'GRADE_SET', occurredAt: after(plan.call.answeredAt, 90), grade: plan.grade });
  if (plan.open) return id;
  if (plan.decision) {
    step({
      type: 'RCRP_DECISION_RECORDED',
      occurredAt: after(plan.call.answeredAt, 120),
      crimeOccurring: false,
      riskToLife: false,
      riskOfSeriousHarm: false,
      decision: plan.decision,
      rationale: 'threshold not met / met as assessed',
    });
  }
  if (plan.resources.length > 0) {
    step({
      type: 'POLICE_DISPATCHED',
      occurredAt: plan.resources[0]!.dispatchedAt,
      resources: [
        {
          callSign: plan.resources[0]!.callSign,
          officers: plan.resources[0]!.officers,
          type: plan.resources[0]!.type,
          assignmentId: 'r1',
        },
      ],
    });
    for (const [k, r] of plan.resources.slice(1).entries())
      step({
        type: 'POLICE_DISPATCHED',
        occurredAt: r.dispatchedAt,
        resources: [{ callSign: r.callSign, officers: r.officers, type: r.type, assignmentId: `r${k + 2}` }],
      });
  }
  if (plan.decision === 'adviceOnly')
    step({
      type: 'ADVICE_GIVEN',
      occurredAt: after(plan.call.endedAt, 30),
      summary: 'advised and signposted to NHS 111 mental health option',
    });
  if (plan.resolvedWithoutDeployment)
    step({
      type: 'RESOLVED_WITHOUT_DEPLOYMENT',
      occurredAt: after(plan.call.endedAt, 30),
      resolution: 'callerReassured',
    });
  plan.referrals.forEach((ref, k) => {
    step({
      type: 'REFERRAL_MADE',
      occurredAt: ref.madeAt,
      referralId: `f${k + 1}`,
      agency: ref.agency,
      contactMethod: 'phone',
      namedContact: 'duty clinician',
    });
  });
  plan.resources.forEach((r, k) => {
    if (r.arrivedAt) step({ type: 'RESOURCE_ARRIVED', occurredAt: r.arrivedAt, assignmentId: `r${k + 1}` });
  });
  // The first crew's s.136 detention or s.135 warrant, closed before its crew clears and the incident closes (R38).
  for (const d of [plan.detention, plan.warrant])
    if (d) for (const body of detentionSteps(d, plan.category)) step(body);
  let needsThrive: string | null = null;
  let safetyNet = false;
  plan.referrals.forEach((ref, k) => {
    for (const a of ref.answers) {
      step({
        type: 'REFERRAL_ANSWERED',
        occurredAt: a.at,
        referralId: `f${k + 1}`,
        answer: a.answer,
        ...(a.answer === 'declined' ? { reason: 'no capacity' } : {}),
      });
      if (a.answer !== 'accepted') needsThrive = needsThrive && needsThrive > a.at ? needsThrive : a.at;
    }
    const last = ref.answers[ref.answers.length - 1]!.answer;
    if (last === 'noResponse') safetyNet = true;
  });
  for (const [k, r] of plan.resources.entries())
    step({ type: 'RESOURCE_CLEARED', occurredAt: r.clearedAt, assignmentId: `r${k + 1}`, segments: r.segments });
  if (needsThrive) {
    // A decline or silence means someone looks at the risk again (R2/R12) before closing.
    step({
      type: 'THRIVE_RECORDED',
      occurredAt: after(needsThrive, 60),
      ...THRIVE,
      ...(safetyNet ? { safetyNet: 'welfare call-back arranged with the crisis team' } : {}),
    });
  }
  step({
    type: 'INCIDENT_CLOSED',
    occurredAt: plan.closedAt,
    mhFlagAtClose: plan.mhFlagAtClose,
    closureCode: plan.closureCode,
  });
  return id;
}
