/**
 * Drives demo plans through the real command path: every step is parsed by the same zod input
 * schemas as the API and recorded by createIncident / recordEvent (the machines decide, the event
 * log is written, projections follow). Writes are grouped: the group-commit unit of work commits
 * a chunk of incidents in one transaction.
 */
import type { CommandDeps, CommandMeta, CommandResult } from '../commands/deps.js';
import { createIncident } from '../commands/create-incident.js';
import { recordEvent } from '../commands/record-event.js';
import { buildIncidentInputs, type IncidentEventInput } from '../domain/incident-inputs.js';
import type { IncidentPlan } from './plan.js';

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
  if (!r.ok) throw new DemoError(`demo step refused (${what}): ${r.problem.code} ${r.problem.detail}`);
  const b = r.body as { id: string; version: number };
  return b;
}

/**
 * The subject as a call handler would record it: an identified person with an age, and for an AWOL
 * category the patient's detained legal status (R14; s.3, the commonest for AWOL patients).
 */
function demoSubject(deps: CommandDeps, plan: IncidentPlan): { subject?: Record<string, unknown> } {
  const awol = deps.config.categories.find((c) => c.code === plan.category)?.requiresDetainedLegalStatus ?? false;
  const subject = {
    ...(plan.person !== null ? { identifiers: { forcePersonId: `DEMO-P${plan.person}` }, ageYears: plan.ageYears } : {}),
    ...(awol ? { legalStatus: '03' } : {}),
  };
  return Object.keys(subject).length > 0 ? { subject } : {};
}

export function applyPlan(deps: CommandDeps, clock: SteppingClock, plan: IncidentPlan, inputs = buildIncidentInputs(deps.config)): string {
  const meta: CommandMeta = { actor: { id: 'demo', role: 'call_handler' }, idempotencyKey: null, requestHash: '' };
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
    version = must(recordEvent(deps, meta, { incidentId: id, ifMatch: version, input }), `${plan.reference} ${String(body.type)}`).version;
  };
  const after = (iso: string, s: number) => new Date(Date.parse(iso) + s * 1000).toISOString();

  step({ type: 'CALL_HANDLING_RECORDED', occurredAt: plan.call.endedAt, answeredAt: plan.call.answeredAt });
  step({ type: 'THRIVE_RECORDED', occurredAt: after(plan.call.answeredAt, 60), ...THRIVE });
  step({ type: 'GRADE_SET', occurredAt: after(plan.call.answeredAt, 90), grade: plan.grade });
  if (plan.open) return id;
  if (plan.decision) {
    step({ type: 'RCRP_DECISION_RECORDED', occurredAt: after(plan.call.answeredAt, 120), crimeOccurring: false, riskToLife: false, riskOfSeriousHarm: false, decision: plan.decision, rationale: 'threshold not met / met as assessed' });
  }
  if (plan.resources.length > 0) {
    step({ type: 'POLICE_DISPATCHED', occurredAt: plan.resources[0]!.dispatchedAt, resources: [{ callSign: plan.resources[0]!.callSign, officers: plan.resources[0]!.officers, type: plan.resources[0]!.type, assignmentId: 'r1' }] });
    plan.resources.slice(1).forEach((r, k) => step({ type: 'POLICE_DISPATCHED', occurredAt: r.dispatchedAt, resources: [{ callSign: r.callSign, officers: r.officers, type: r.type, assignmentId: `r${k + 2}` }] }));
  }
  if (plan.decision === 'adviceOnly') step({ type: 'ADVICE_GIVEN', occurredAt: after(plan.call.endedAt, 30), summary: 'advised and signposted to NHS 111 mental health option' });
  if (plan.resolvedWithoutDeployment) step({ type: 'RESOLVED_WITHOUT_DEPLOYMENT', occurredAt: after(plan.call.endedAt, 30), resolution: 'callerReassured' });
  plan.referrals.forEach((ref, k) => {
    step({ type: 'REFERRAL_MADE', occurredAt: ref.madeAt, referralId: `f${k + 1}`, agency: ref.agency, contactMethod: 'phone', namedContact: 'duty clinician' });
  });
  plan.resources.forEach((r, k) => {
    if (r.arrivedAt) step({ type: 'RESOURCE_ARRIVED', occurredAt: r.arrivedAt, assignmentId: `r${k + 1}` });
  });
  let needsThrive: string | null = null;
  let safetyNet = false;
  plan.referrals.forEach((ref, k) => {
    for (const a of ref.answers) {
      step({ type: 'REFERRAL_ANSWERED', occurredAt: a.at, referralId: `f${k + 1}`, answer: a.answer, ...(a.answer === 'declined' ? { reason: 'no capacity' } : {}) });
      if (a.answer !== 'accepted') needsThrive = needsThrive && needsThrive > a.at ? needsThrive : a.at;
    }
    const last = ref.answers[ref.answers.length - 1]!.answer;
    if (last === 'noResponse') safetyNet = true;
  });
  plan.resources.forEach((r, k) => step({ type: 'RESOURCE_CLEARED', occurredAt: r.clearedAt, assignmentId: `r${k + 1}`, segments: r.segments }));
  if (needsThrive) {
    // A decline or silence means someone looks at the risk again (R2/R12) before closing.
    step({ type: 'THRIVE_RECORDED', occurredAt: after(needsThrive, 60), ...THRIVE, ...(safetyNet ? { safetyNet: 'welfare call-back arranged with the crisis team' } : {}) });
  }
  step({ type: 'INCIDENT_CLOSED', occurredAt: plan.closedAt, mhFlagAtClose: plan.mhFlagAtClose, closureCode: plan.closureCode });
  return id;
}
