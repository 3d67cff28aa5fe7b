/**
 * Screen 3, the incident — what can be done now. Exactly the events the machines allow now
 * (`allowedEvents`) that the user's role may record (the policy module), each a form built from the
 * API's own zod schema for that event (schema-form.tsx), with what the screen knows added as field
 * specs: the six THRIVE prompts and the previous assessment beside a re-THRIVE; the grades with
 * their targets; the RCRP threshold questions, checked by the machine as they are answered (a
 * handover the answers make unlawful is flagged before it is sent) and the R9 override offered to a
 * supervisor only; the agency picker from the directory with whether each is open now; only the
 * referrals, resources and detentions that would take the event; only the places of safety the
 * law allows for this person (R24); the immediate grades with their THRIVE minutes (R1a).
 *
 * Closure is what a handler works towards: when the incident's state would take it but a rule says
 * "not yet" (R1a's THRIVE, a resource not cleared, a referral unanswered …), the close form is listed
 * apart under "Not yet" with the machine's own reason (checkEvent), so the handler sees what stands in
 * the way; sent anyway, it is refused (422) like any other form, the input kept.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { checkEvent } from '../../../commands/check-event.js';
import type { IncidentEventInput } from '../../../domain/incident-inputs.js';
import { CONSULTEE_PROFESSIONS, PLACE_TYPES } from '../../../../machines/detention/index.js';
import type { ConsoleIncident } from '../../../queries/incident-console.js';
import { listAgencies } from '../../../queries/agencies.js';
import { placesAllowed, placeTypesAllowed } from '../../../queries/places-of-safety.js';
import type { Change, Refusal } from '../../../commands/refusal.js';
import type { TimelineEntry } from '../../../queries/timeline.js';
import { Tag } from '../components.js';
import { asSentence, localTime } from '../format.js';
import { eventLabel, fieldLabel, valueLabel } from '../labels.js';
import { type FieldErrors, type FieldSpec, type FormValues, type Option, SchemaForm } from '../schema-form.js';
import type { ConsoleRequest } from '../shell.js';

/** The order actions are listed in (anything else after them, alphabetically). */
const ACTION_ORDER = [
  'THRIVE_RECORDED',
  'IMMEDIATE_GRADE_SET',
  'GRADE_SET',
  'RCRP_DECISION_RECORDED',
  'POLICE_DISPATCHED',
  'REFERRAL_MADE',
  'REFERRAL_ANSWERED',
  'REFERRAL_ACKNOWLEDGED',
  'REFERRAL_CALLER_INFORMED',
  'REFERRAL_ESCALATED',
  'REFERRAL_RESOLVED',
  'REFERRAL_WITHDRAWN',
  'RESOURCE_ARRIVED',
  'RESOURCE_CLEARED',
  'S136_CONSIDERED',
  'S135_WARRANT_EXECUTED',
  'S136_CONSULTATION_RECORDED',
  'S136_DETAINED',
  'S136_NOT_DETAINED',
  'S136_CONVEYANCE_RECORDED',
  'S136_ARRIVED_AT_PLACE_OF_SAFETY',
  'S136_NHS_ACCEPTED',
  'S136_EXTENDED_STAY_AGREED',
  'S136_POLICE_DEPARTED',
  'S136_HEALTHCARE_CHECK_RECORDED',
  'S136_ASSESSMENT_STARTED',
  'S136_EXTENSION_AUTHORISED',
  'S136_TRANSFERRED',
  'S136_OUTCOME_RECORDED',
  'S136_RELEASED_BY_POLICE',
  'S136_ADR_RECORDED',
  'S136_CLOSED',
  'NEW_INFORMATION',
  'SUBJECT_RECORDED',
  'CALL_HANDLING_RECORDED',
  'ADVICE_GIVEN',
  'RESOLVED_WITHOUT_DEPLOYMENT',
  'INCIDENT_CLOSED',
];

export const THRIVE_PROMPTS: Record<string, string> = {
  threat: 'What threat is there, to whom and from whom? Is it happening now?',
  harm: 'What harm has been done or could be done, and how serious would it be?',
  risk: 'How likely is that harm (low, medium, high), and why?',
  investigation: 'Is there an offence, or a line of enquiry to follow? Write "none identified" if not.',
  vulnerability: 'What makes the person vulnerable: age, illness, isolation, capacity, substances?',
  engagement: 'Who can engage and help: the person, family, carers, partner services?',
};

/** A form the user sent that must be shown again: their input, and why it was not recorded. */
export interface KeptForm {
  type: string;
  values: FormValues;
  errors?: FieldErrors;
  refusal?: Refusal;
  /** 409: the version they read, and what people and partners recorded since (the command says). */
  stale?: { read: number; since: Change[] };
}

interface FormPlan {
  specs: Record<string, FieldSpec>;
  intro?: unknown;
  aside?: unknown;
  /** Ask the machine while the form is filled in (hx-post to …/check on change). */
  precheck?: boolean;
}

/** What a grade asks of police: "attend within 15 min" (or urban/rural), "no attendance". */
function gradeTarget(g: ConsoleRequest['deps']['config']['grades'][number]): string {
  const t = g.attendanceTarget;
  if (!t) return 'no attendance';
  return t.minutes !== undefined
    ? `attend within ${t.minutes} min`
    : `attend within ${t.urbanMinutes} min urban, ${t.ruralMinutes} min rural`;
}

const options = (ids: Array<{ value: string; label: string; note?: string }>): Option[] => ids;

/** The child ids (referrals, resources, detentions) that would take `type` now, as options. */
function childOptions(r: ConsoleRequest, ci: ConsoleIncident, type: string): Option[] | null {
  const v = ci.view;
  if (type.startsWith('REFERRAL_') && type !== 'REFERRAL_MADE')
    return options(
      v.referrals
        .filter((f) => ci.childAllowed.referral[f.id]?.includes(type))
        .map((f) => ({
          value: f.id,
          label: f.agencyLabel,
          note: `${valueLabel(f.status)}, made ${localTime(f.madeAt, r.timeZone, r.now)}`,
        })),
    );
  if (type === 'RESOURCE_ARRIVED' || type === 'RESOURCE_CLEARED')
    return options(
      v.resources
        .filter((x) => ci.childAllowed.resource[x.assignmentId]?.includes(type))
        .map((x) => ({
          value: x.assignmentId,
          label: x.callSign,
          note: `dispatched ${localTime(x.dispatchedAt, r.timeZone, r.now)}`,
        })),
    );
  if (
    (type.startsWith('S136_') || type.startsWith('S135_')) &&
    type !== 'S136_CONSIDERED' &&
    type !== 'S135_WARRANT_EXECUTED'
  )
    return options(
      v.detentions
        .filter((d) => d.allowedEvents.includes(type))
        .map((d) => ({ value: d.id, label: `${valueLabel(d.power)} ${d.id}`, note: valueLabel(d.state) })),
    );
  return null;
}

function childSpec(name: string, opts: Option[] | null): Record<string, FieldSpec> {
  if (!opts) return {};
  if (opts.length === 1) return { [name]: { widget: 'hidden', value: opts[0]!.value } };
  return { [name]: { widget: 'radio', options: opts } };
}

function PreviousThrive({ r, e }: { r: ConsoleRequest; e: TimelineEntry | undefined }) {
  if (!e) return null;
  return (
    <aside class="previous" aria-label="The previous THRIVE assessment">
      <h3>Previous assessment</h3>
      <p class="muted">
        #{e.seq}, {localTime(e.occurredAt, r.timeZone, r.now)} by {e.actor.name}
      </p>
      <dl>
        {[...Object.keys(THRIVE_PROMPTS), 'rationale'].map((k) => (
          <>
            <dt>{fieldLabel(k)}</dt>
            <dd>{String(e.data[k] ?? '')}</dd>
          </>
        ))}
      </dl>
    </aside>
  );
}

/** The professions the law names (held as text by the schema): chosen, not typed. */
const professions = (codes: readonly string[]): FieldSpec => ({
  widget: 'select',
  options: codes.map((c) => ({ value: c, label: valueLabel(c) })),
});

function placeSpecs(r: ConsoleRequest, ci: ConsoleIncident, detentionId: string | null): Record<string, FieldSpec> {
  const at = r.now.toISOString();
  const places = placesAllowed(r.deps.config, ci.state, detentionId, at);
  const types = placeTypesAllowed(r.deps.config, ci.state, detentionId, at);
  return {
    'placeOfSafety.site': {
      widget: 'select',
      options: places.map((p) => ({ value: p.code, label: p.label, note: valueLabel(p.type) })),
      hint: 'Only the places of safety the law allows for this person are listed.',
    },
    'placeOfSafety.policeStation.consultation.profession': professions(CONSULTEE_PROFESSIONS),
    'placeOfSafety.type': {
      options: PLACE_TYPES.filter((t) => types.includes(t)).map((t) => ({ value: t, label: valueLabel(t) })),
      widget: 'select',
      hint: 'Only for a place that is not in the list above, with a description.',
    },
  };
}

const PLACE_GUIDANCE = (
  <p class="guidance">
    A police station is never a place of safety for a person under 18 (R24). For an adult it may be used only with the
    Regulations record below: imminent risk of serious harm, why no other place, healthcare checks, and an inspector's
    authorisation when the decision-maker is below inspector (R25).
  </p>
);

function plan(r: ConsoleRequest, ci: ConsoleIncident, type: string): FormPlan | null {
  const v = ci.view;
  const child = childOptions(r, ci, type);
  if (child && child.length === 0) return null;
  switch (type) {
    case 'THRIVE_RECORDED': {
      const previous = [...ci.timeline].reverse().find((e) => e.type === 'THRIVE_RECORDED');
      return {
        specs: {
          ...Object.fromEntries(Object.entries(THRIVE_PROMPTS).map(([k, hint]) => [k, { hint, widget: 'textarea' }])),
          rationale: { hint: 'Why this response: what the six dimensions add up to.', widget: 'textarea' },
          safetyNet: {
            hint: 'Only when closing while a referral is still unanswered: what keeps the person safe (R12).',
          },
        },
        intro: previous ? (
          <p class="guidance">A fresh assessment: the previous one is beside it, not copied in.</p>
        ) : null,
        aside: <PreviousThrive r={r} e={previous} />,
      };
    }
    case 'GRADE_SET':
      return {
        specs: {
          grade: {
            widget: 'radio',
            options: r.deps.config.grades.map((g) => ({
              value: g.code,
              label: `${g.code} ${g.label}`,
              note: gradeTarget(g),
            })),
          },
        },
      };
    case 'IMMEDIATE_GRADE_SET': {
      // R1a: only the grades the force marks immediate, each with how soon its THRIVE must follow.
      const grades = r.deps.config.grades.filter((g) => g.immediate);
      if (grades.length === 0) return null;
      const minutes = [...new Set(grades.map((g) => g.immediate!.thriveWithinMinutes))].join(' or ');
      return {
        specs: {
          grade: {
            widget: 'radio',
            options: grades.map((g) => ({
              value: g.code,
              label: `${g.code} ${g.label}`,
              note: `${gradeTarget(g)}; THRIVE within ${g.immediate!.thriveWithinMinutes} min`,
            })),
          },
          obviousThreat: {
            widget: 'textarea',
            rows: 2,
            hint: 'What makes the threat obvious now: what the caller sees or hears. Recorded with the grade.',
          },
        },
        intro: (
          <p class="guidance">
            An immediate call (R1a): when the threat is obvious, grade it now and send police. The THRIVE assessment
            must follow within {minutes} minutes (a supervisor is alerted if it does not) and before the incident can be
            closed.
          </p>
        ),
      };
    }
    case 'RCRP_DECISION_RECORDED':
      return {
        specs: r.access.canRecord(type, true)
          ? {
              override: {
                hint:
                  'Only when a handover or advice is right although the threshold is met (R9): ' +
                  'your name, rank and reason.',
              },
            }
          : { override: { widget: 'omit' } },
        intro: (
          <p class="guidance">
            Right Care Right Person: police attend when a crime is being committed, or there is a real and immediate
            risk to life or of serious harm. The answers are checked as you give them.
          </p>
        ),
        precheck: true,
      };
    case 'POLICE_DISPATCHED':
      return { specs: { resources: { rows: 2 }, 'resources.*.assignmentId': { widget: 'omit' } } };
    case 'REFERRAL_MADE': {
      const agencies = listAgencies(
        r.deps.db,
        { active: 'true', ...(v.district ? { district: v.district } : {}) },
        r.now.toISOString(),
        r.timeZone,
      );
      return {
        specs: {
          referralId: { widget: 'omit' },
          agency: {
            widget: 'radio',
            options: agencies.map((a) => ({
              value: a.code,
              label: a.label,
              note: a.openAt === true ? '✔ open now' : a.openAt === false ? '✖ closed now' : 'hours not listed',
            })),
            hint: 'Partners covering this district, from the directory, with whether they are open now.',
          },
          riskSummary: { widget: 'textarea' },
          callbackRoute: { hint: `Leave blank for the control room's: ${r.deps.config.referrals.callbackRoute}` },
          narrative: { hint: 'Sent only to agencies that accept free text.' },
        },
      };
    }
    case 'S136_CONSIDERED':
    case 'S135_WARRANT_EXECUTED':
      return {
        specs: { detentionId: { widget: 'omit' }, ...placeSpecs(r, ci, null) },
        intro: type === 'S135_WARRANT_EXECUTED' ? PLACE_GUIDANCE : null,
      };
    case 'S136_DETAINED':
    case 'S136_ARRIVED_AT_PLACE_OF_SAFETY':
    case 'S136_TRANSFERRED':
      return {
        specs: { ...childSpec('detentionId', child), ...placeSpecs(r, ci, child?.[0]?.value ?? null) },
        intro: PLACE_GUIDANCE,
      };
    case 'S136_CONSULTATION_RECORDED':
      return { specs: { ...childSpec('detentionId', child), profession: professions(CONSULTEE_PROFESSIONS) } };
    case 'S136_EXTENSION_AUTHORISED':
      return {
        specs: {
          ...childSpec('detentionId', child),
          'authoriser.profession': professions(['registeredMedicalPractitioner']),
        },
      };
    case 'INCIDENT_CLOSED':
      return {
        specs: {
          mhFlagAtClose: {
            required: true,
            hint: 'Was this a mental-health-related incident (NPCC 2019 definition)? Needed to close (R40).',
          },
        },
      };
    default:
      if (child) {
        const name = type.startsWith('REFERRAL_')
          ? 'referralId'
          : type.startsWith('RESOURCE_')
            ? 'assignmentId'
            : 'detentionId';
        return { specs: childSpec(name, child) };
      }
      return { specs: {} };
  }
}

function RefusalBox({ r, refusal }: { r: ConsoleRequest; refusal: Refusal }) {
  const rule = refusal.kind === 'ruleViolation' ? refusal.rule : null;
  return (
    <div class="refusal" role="alert" tabindex={-1} data-focus-on-load>
      <h3>
        <span aria-hidden="true">✖ </span>Not recorded
        {rule ? (
          <>
            : rule <span class="rule">{rule}</span>
          </>
        ) : null}
      </h3>
      <p>{asSentence(refusal.message, r.timeZone, r.now)}</p>
      <p class="muted">Your input is kept below. Change it, or choose another action.</p>
    </div>
  );
}

function StaleBox({ r, stale }: { r: ConsoleRequest; stale: NonNullable<KeptForm['stale']> }) {
  return (
    <div class="stale" role="alert" tabindex={-1} data-focus-on-load>
      <h3>
        <span aria-hidden="true">▲ </span>Changed since you opened it
      </h3>
      <p>Nothing was recorded. Since you opened this incident (version {stale.read}):</p>
      <ul>
        {stale.since.map((e) => (
          <li>
            <strong>{eventLabel(e.type)}</strong> by {e.actor.name} ({valueLabel(e.actor.role)}),{' '}
            {localTime(e.recordedAt, r.timeZone, r.now)}
          </li>
        ))}
      </ul>
      <p>Your input is kept below. Check it against what changed, then send it again.</p>
    </div>
  );
}

/** Why the machine would not take this form now, though the incident's state would (the close form under "Not yet"). */
function NotYetBox({ r, refusal }: { r: ConsoleRequest; refusal: Refusal & { kind: 'ruleViolation' } }) {
  return (
    <div class="not-yet-reason">
      <p>
        <Tag tone="warn">Not yet{refusal.rule ? ` (${refusal.rule})` : ''}</Tag>{' '}
        {asSentence(refusal.message, r.timeZone, r.now)}
      </p>
      <p class="muted">The form is here to prepare; it will be refused until that is done.</p>
    </div>
  );
}

/** One action: a disclosure with its form (open when it is the one being shown again). */
function Action({
  r,
  ci,
  type,
  schema,
  index,
  kept,
  notYet,
}: {
  r: ConsoleRequest;
  ci: ConsoleIncident;
  type: string;
  schema: z.ZodType;
  index: number;
  kept: KeptForm | undefined;
  /** Listed under "Not yet": the rule that stands in the way now. */
  notYet?: (Refusal & { kind: 'ruleViolation' }) | undefined;
}) {
  const p = plan(r, ci, type) ?? (kept ? { specs: {} } : null);
  if (!p) return null;
  const id = ci.view.id;
  const formId = `form-${type}`;
  const checkId = `check-${type}`;
  const precheck = p.precheck
    ? {
        'hx-post': `/console/incidents/${id}/check`,
        'hx-trigger': 'change',
        'hx-target': `#${checkId}`,
        'hx-swap': 'innerHTML',
      }
    : undefined;
  return (
    <details
      class="action"
      id={`action-${type}`}
      open={kept !== undefined}
      data-key={index < 9 ? String(index + 1) : undefined}
    >
      <summary>
        {index < 9 ? (
          <span class="key" aria-hidden="true">
            {index + 1}
          </span>
        ) : null}
        {eventLabel(type)}
        {notYet ? <span class="muted"> — not yet{notYet.rule ? ` (${notYet.rule})` : ''}</span> : null}
      </summary>
      <div class={p.aside ? 'action-body with-aside' : 'action-body'}>
        <div>
          {kept?.stale ? <StaleBox r={r} stale={kept.stale} /> : null}
          {kept?.refusal ? <RefusalBox r={r} refusal={kept.refusal} /> : null}
          {notYet && !kept?.refusal ? <NotYetBox r={r} refusal={notYet} /> : null}
          {p.intro}
          <SchemaForm
            id={formId}
            idPrefix={type}
            action={`/console/incidents/${id}/events`}
            csrf={r.csrf}
            schema={schema}
            specs={p.specs}
            values={kept?.values}
            errors={kept?.errors}
            timeZone={r.timeZone}
            now={r.now}
            hidden={{ version: String(ci.view.version), key: randomUUID() }}
            submitLabel={`Record: ${eventLabel(type)}`}
            attrs={{ 'aria-label': eventLabel(type), ...precheck }}
            after={p.precheck ? <div id={checkId} aria-live="polite" /> : null}
          />
        </div>
        {p.aside}
      </div>
    </details>
  );
}

/** Event types offered now to this user, in the order a handler works through them. */
export function offeredTypes(r: ConsoleRequest, ci: ConsoleIncident, known: readonly string[]): string[] {
  const rank = (t: string) => {
    const i = ACTION_ORDER.indexOf(t);
    return i === -1 ? ACTION_ORDER.length : i;
  };
  return ci.view.allowedEvents
    .filter((t) => known.includes(t) && r.access.canRecord(t))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** Types listed under "Not yet" when the state would take them but a rule refuses them now. */
const NOT_YET_TYPES = ['INCIDENT_CLOSED'] as const;

/** The rule that refuses `type` now although the incident's state would take it (the machine's answer), or null. */
function notYetReason(
  r: ConsoleRequest,
  ci: ConsoleIncident,
  type: (typeof NOT_YET_TYPES)[number],
): (Refusal & { kind: 'ruleViolation' }) | null {
  const probe = {
    type,
    occurredAt: r.now.toISOString(),
    mhFlagAtClose: true,
    closureCode: r.deps.config.closureCodes[0]!,
  } as IncidentEventInput;
  const refusal = checkEvent(r.deps, { id: r.user.id, role: r.user.role }, ci.view.id, probe);
  // A refusal with no rule is the state itself ("not allowed now"): nothing to prepare for.
  return refusal?.kind === 'ruleViolation' && refusal.rule ? refusal : null;
}

export function Actions({
  r,
  ci,
  schemas,
  kept,
}: {
  r: ConsoleRequest;
  ci: ConsoleIncident;
  schemas: Record<string, z.ZodType>;
  kept?: KeptForm | undefined;
}) {
  const types = offeredTypes(r, ci, Object.keys(schemas));
  const notYet =
    ci.view.status === 'closed'
      ? []
      : NOT_YET_TYPES.filter((t) => schemas[t] && !types.includes(t) && r.access.canRecord(t))
          .map((t) => ({ type: t, refusal: notYetReason(r, ci, t) }))
          .filter((x) => x.refusal !== null);
  const showKeptApart =
    kept && !types.includes(kept.type) && !notYet.some((x) => x.type === kept.type) && schemas[kept.type];
  return (
    <section id="actions" class="panel" aria-labelledby="actions-title">
      <h2 id="actions-title">What can be done now</h2>
      {ci.view.status === 'closed' ? <p>This incident is closed: nothing more can be recorded.</p> : null}
      {types.length === 0 && ci.view.status !== 'closed' ? (
        <p class="muted">Nothing your role can record on this incident now.</p>
      ) : null}
      {showKeptApart ? (
        <>
          <p>
            <Tag tone="warn">No longer offered</Tag> {eventLabel(kept.type)} is not allowed on this incident now. Your
            input is kept below so nothing you wrote is lost; sending it again will be refused.
          </p>
          <Action r={r} ci={ci} type={kept.type} schema={schemas[kept.type]!} index={99} kept={kept} />
        </>
      ) : null}
      {types.map((t, i) => (
        <Action r={r} ci={ci} type={t} schema={schemas[t]!} index={i} kept={kept?.type === t ? kept : undefined} />
      ))}
      {notYet.length > 0 ? (
        <>
          <h3 class="not-yet-title">Not yet</h3>
          {notYet.map(({ type, refusal }) => (
            <Action
              r={r}
              ci={ci}
              type={type}
              schema={schemas[type]!}
              index={99}
              kept={kept?.type === type ? kept : undefined}
              notYet={refusal ?? undefined}
            />
          ))}
        </>
      ) : null}
    </section>
  );
}
