/**
 * Screen 3, the incident — what it shows (the forms are in incident-forms.tsx): a header with the
 * state, grade, RCRP decision, clocks (time since the call against the target, the s.136 clock and
 * its warnings, the handover hour, referral deadlines, police unresourced) and flags; the people and
 * resources involved (referrals, police, detentions) and the alerts; and the timeline: every event
 * with who recorded it, when it happened and when it was recorded (a clock that ran out in words: its
 * rule and what was due, not its key). An immediate grade set before THRIVE (R1a) shows its THRIVE
 * clock, overdue or not, until the THRIVE is recorded. Header and timeline reload themselves when this
 * incident changes (`sse:inc-<id>`); the forms the user is filling do not.
 */
import type { TimelineEntry } from '../../../queries/timeline.js';
import type { ConsoleIncident } from '../../../queries/incident-console.js';
import { listAlerts } from '../../../queries/alerts.js';
import { highIntensityMarker } from '../../../queries/high-intensity.js';
import { Countdown, Elapsed, GradeBadge, type Stage, Tag, type Tone } from '../components.js';
import { duration, localiseTimes, localTime } from '../format.js';
import { eventLabel, fieldLabel, humanise, roleLabel, VALUE_LABELS, valueLabel } from '../labels.js';
import { type ConsoleRequest, live } from '../shell.js';

/** The s.136 warning stages from configuration: the nearest warning is danger, the others a warning. */
export function s136Stages(r: ConsoleRequest): Stage[] {
  const w = r.deps.config.s136.clockWarningsMinutesBeforeExpiry;
  const nearest = Math.min(...w);
  return w.map((m) => ({ minutesBefore: m, tone: m === nearest ? 'danger' : 'warn' }));
}

/** The handover hour and the healthcare checks: a warning in the last 15 minutes. */
export const HANDOVER_STAGES: readonly Stage[] = [{ minutesBefore: 15, tone: 'warn' }];

/** A referral's answer or acknowledgement is near: warning an hour before, danger in the last 15 minutes. */
export const REFERRAL_STAGES: readonly Stage[] = [
  { minutesBefore: 15, tone: 'danger' },
  { minutesBefore: 60, tone: 'warn' },
];

/** R1a: the THRIVE after an immediate grade, a warning in its last 10 minutes. */
export const IMMEDIATE_THRIVE_STAGES: readonly Stage[] = [{ minutesBefore: 10, tone: 'warn' }];

const CLOCK_NAMES: Record<string, string> = {
  clockExpiry: 's.136 clock',
  handover: 'Handover to the NHS',
  healthcareCheck: 'Next healthcare check',
  assessmentStart: 'Assessment to start',
  referralAcknowledgement: 'Referral acknowledgement',
  referralAnswer: 'Referral answer',
  referralDelivery: 'Referral email delivery',
  referralEscalation: 'Escalation level answer',
  unresourced: 'Police to be resourced',
};

export const stateTone = (state: string): Tone => (state === 'closed' ? 'neutral' : 'info');

/** Whose the clock is, from its key (`<kind>:<id>:…` for a child's). */
function clockOwner(ci: ConsoleIncident, key: string): string {
  const [kind, id] = key.split(':');
  if (kind === 'referral') return ci.view.referrals.find((x) => x.id === id)?.agencyLabel ?? '';
  if (kind === 'detention') {
    const d = ci.view.detentions.find((x) => x.id === id);
    return d ? valueLabel(d.power) : '';
  }
  return '';
}

function Clocks({ r, ci }: { r: ConsoleRequest; ci: ConsoleIncident }) {
  const v = ci.view;
  const a = v.attendance;
  const shown = ci.clocks.filter((c) => CLOCK_NAMES[c.kind]).sort((x, y) => x.dueAt.localeCompare(y.dueAt));
  // R1a: shown from the view, so it stays (overdue) after its clock has fired, until the THRIVE is recorded.
  const thriveDue = v.status === 'open' && v.immediate && !v.immediate.thriveRecorded ? v.immediate.thriveDueAt : null;
  return (
    <ul class="clock-list">
      <li>
        <span class="clock-name">Since the call</span>{' '}
        {a?.status === 'awaiting' ? (
          <Elapsed since={v.receivedAt} due={a.dueAt} now={r.now} />
        ) : a?.status === 'met' ? (
          <Tag tone="ok">
            Attended in {a.minutesToArrival} min (target {a.targetMinutes})
          </Tag>
        ) : a?.status === 'breached' ? (
          <Tag tone="danger">
            Attended after {a.minutesToArrival ?? '—'} min: target {a.targetMinutes} missed
          </Tag>
        ) : v.status === 'closed' ? (
          <Tag tone="neutral">Closed {v.closedAt ? localTime(v.closedAt, r.timeZone, r.now) : ''}</Tag>
        ) : (
          <Elapsed since={v.receivedAt} due={null} now={r.now} />
        )}
      </li>
      {thriveDue ? (
        <li class="clock-thrive-due">
          <span class="clock-name">
            THRIVE due <span class="muted">(R1a, after the immediate grade)</span>
          </span>{' '}
          <Countdown due={thriveDue} now={r.now} stages={IMMEDIATE_THRIVE_STAGES} />{' '}
          <span class="muted">at {localTime(thriveDue, r.timeZone, r.now)}</span>
        </li>
      ) : null}
      {shown.map((c) => (
        <li>
          <span class="clock-name">
            {CLOCK_NAMES[c.kind]}
            {clockOwner(ci, c.key) ? <span class="muted"> ({clockOwner(ci, c.key)})</span> : null}
          </span>{' '}
          <Countdown
            due={c.dueAt}
            now={r.now}
            stages={
              c.kind === 'clockExpiry'
                ? s136Stages(r)
                : c.kind.startsWith('referral')
                  ? REFERRAL_STAGES
                  : c.kind === 'handover' || c.kind === 'healthcareCheck'
                    ? HANDOVER_STAGES
                    : []
            }
          />{' '}
          <span class="muted">at {localTime(c.dueAt, r.timeZone, r.now)}</span>
        </li>
      ))}
    </ul>
  );
}

function FlagTags({ r, ci }: { r: ConsoleRequest; ci: ConsoleIncident }) {
  const v = ci.view;
  const child = v.subject && (v.subject.ageBand === 'under10' || v.subject.ageBand === '10to17');
  const hi = r.access.can('handover.audit') ? highIntensityMarker(r.deps.db, r.deps.config, v.id) : null;
  return (
    <div class="tags">
      {v.mhFlagAtCall ? <Tag tone="info">Mental-health related</Tag> : <Tag tone="neutral">Not MH-flagged</Tag>}
      {child ? <Tag tone="warn">Child</Tag> : null}
      {v.repeatContactOf.length > 0 ? <Tag tone="warn">Repeat contact ({v.repeatContactOf.length})</Tag> : null}
      {hi?.highIntensity ? (
        <Tag tone="warn">
          High-intensity ({hi.incidentsInWindow} in {hi.windowDays} days)
        </Tag>
      ) : null}
      {v.reassessmentRequired ? <Tag tone="warn">Re-THRIVE needed</Tag> : null}
      {v.immediate ? (
        v.immediate.thriveRecorded ? (
          <Tag tone="neutral">Immediate grade (R1a), THRIVE recorded</Tag>
        ) : (
          <Tag tone="warn">Immediate grade (R1a): THRIVE to follow</Tag>
        )
      ) : null}
      {v.rcrpInScope ? <Tag tone="neutral">RCRP scope</Tag> : null}
    </div>
  );
}

/** The header: where the incident stands, its clocks and flags. Reloads on this incident's changes. */
export function IncidentHeader({ r, ci }: { r: ConsoleRequest; ci: ConsoleIncident }) {
  const v = ci.view;
  const cat = r.deps.config.categories.find((c) => c.code === v.category)?.label ?? humanise(v.category);
  return (
    <section
      id="incident-header"
      class="panel incident-header"
      aria-label="Where the incident stands"
      {...live(`/console/incidents/${v.id}/partials/header`, { incident: v.id })}
    >
      <div class="header-line">
        <Tag tone={stateTone(v.state)}>{valueLabel(v.state)}</Tag>
        <GradeBadge
          code={v.grade?.code ?? null}
          label={v.grade?.label}
          first={r.deps.config.grades[0]?.code === v.grade?.code}
        />
        {v.rcrpDecision ? (
          <Tag tone="neutral">
            RCRP: {valueLabel(v.rcrpDecision.decision)}
            {v.rcrpDecision.overridden ? ' (supervisor override)' : ''}
          </Tag>
        ) : null}
        <span>
          <strong>{cat}</strong> · {v.district ?? 'no district'}
          {v.locationClass ? ` (${v.locationClass})` : ''} · {valueLabel(v.channel)} call at{' '}
          {localTime(v.receivedAt, r.timeZone, r.now)}
        </span>
        <span class="muted">version {v.version}</span>
      </div>
      <FlagTags r={r} ci={ci} />
      <div class="header-grid">
        <div>
          <h2>Clocks</h2>
          <Clocks r={r} ci={ci} />
        </div>
        <Involved r={r} ci={ci} />
        <Alerts r={r} ci={ci} />
      </div>
    </section>
  );
}

function Involved({ r, ci }: { r: ConsoleRequest; ci: ConsoleIncident }) {
  const v = ci.view;
  return (
    <div>
      <h2>Who is involved</h2>
      <ul class="involved">
        {v.subject ? (
          <li>
            Person: {v.subject.ageYears !== null ? `${v.subject.ageYears} years` : valueLabel(v.subject.ageBand)}
            {v.subject.gender !== 'notKnown' ? `, ${valueLabel(v.subject.gender)}` : ''}
          </li>
        ) : (
          <li class="muted">No person recorded</li>
        )}
        {v.referrals.map((f) => (
          <li>
            Referral to <strong>{f.agencyLabel}</strong>:{' '}
            <Tag
              tone={
                f.status === 'accepted'
                  ? 'ok'
                  : f.status === 'declined' || f.status === 'noResponse'
                    ? 'danger'
                    : 'info'
              }
            >
              {valueLabel(f.status)}
            </Tag>
            {f.respondent ? ` by ${f.respondent}` : ''}
            {f.answeredVia === 'partner' ? ' (through the partner link)' : ''}
          </li>
        ))}
        {v.resources.map((x) => (
          <li>
            Police <strong>{x.callSign}</strong> ({x.officers} officer{x.officers === 1 ? '' : 's'}):{' '}
            {valueLabel(x.status)} {localTime(x.clearedAt ?? x.arrivedAt ?? x.dispatchedAt, r.timeZone, r.now)}
          </li>
        ))}
        {v.detentions.map((d) => (
          <li>
            <strong>{valueLabel(d.power)}</strong> {valueLabel(d.state)}
            {d.expiresAt && !d.outcome ? ` · expires ${localTime(d.expiresAt, r.timeZone, r.now)}` : ''}
            {d.lapsed ? ' · lapsed' : ''}
            {d.outcome ? ` · outcome: ${valueLabel(d.outcome)}` : ''}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Alerts({ r, ci }: { r: ConsoleRequest; ci: ConsoleIncident }) {
  const flags = listAlerts(r.deps.db, { incidentId: ci.view.id, limit: 100 });
  return (
    <div>
      <h2>Alerts</h2>
      {flags.length === 0 ? <p class="muted">None</p> : null}
      <ul class="alerts-list">
        {flags.map((f) => (
          <li>
            <Tag tone={f.severity === 'critical' ? 'danger' : f.severity === 'warning' ? 'warn' : 'info'}>
              {valueLabel(f.severity)}
            </Tag>{' '}
            <span class="rule">{f.rule}</span> {localiseTimes(f.message, r.timeZone, r.now)}{' '}
            <span class="muted">{localTime(f.raisedAt, r.timeZone, r.now)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Fields of an event that are bookkeeping, not what a person reads. */
const HIDDEN_FIELDS = new Set([
  'type',
  'seq',
  'occurredAt',
  'recordedAt',
  'actor',
  'policy',
  'gradePolicy',
  'priorContacts',
  'incidentId',
  'age',
  'personKeys',
  'priorDetentions',
  'route',
  'machineVersion',
]);

/** Codes the configuration names (categories, grades, places, agencies), by field. */
function configLabel(r: ConsoleRequest, field: string, code: string): string | null {
  const c = r.deps.config;
  if (field === 'category') return c.categories.find((x) => x.code === code)?.label ?? null;
  if (field === 'grade') {
    const g = c.grades.find((x) => x.code === code);
    return g ? `${g.code} ${g.label}` : null;
  }
  if (field === 'site') return c.s136.placesOfSafety.find((x) => x.code === code)?.label ?? null;
  if (field === 'agency') return c.agencies.find((x) => x.code === code)?.label ?? null;
  return null;
}

/** A recorded value as words: times local, codes labelled, people and places by name. */
function shown(value: unknown, r: ConsoleRequest, field = ''): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return localTime(value, r.timeZone, r.now);
    const named = configLabel(r, field, value);
    if (named) return named;
    if (VALUE_LABELS[value]) return VALUE_LABELS[value];
    return /^[a-z][A-Za-z0-9]*$/.test(value) && value.length <= 40 ? humanise(value) : value;
  }
  if (Array.isArray(value)) return value.map((x) => shown(x, r, field)).join('; ');
  const o = value as Record<string, unknown>;
  // A place of safety, a person with a rank, a resource: by what a reader knows them by.
  if (typeof o.label === 'string' && 'type' in o) return o.label;
  if (typeof o.callSign === 'string')
    return `${o.callSign} (${o.officers} officer${o.officers === 1 ? '' : 's'}, ${shown(o.type, r)})`;
  if (typeof o.name === 'string' && typeof o.rank === 'string') return `${o.name}, ${shown(o.rank, r)}`;
  return Object.entries(o)
    .filter(([k, x]) => !HIDDEN_FIELDS.has(k) && x !== null && x !== undefined)
    .map(([k, x]) => `${fieldLabel(k)}: ${shown(x, r, k)}`)
    .join(', ');
}

/** What each kind of clock was waiting for, by the word its deadline key uses. */
const CLOCK_WORDS: Record<string, (minutes: number | null) => string> = {
  warning: (m) => `s.136 clock: ${m === null ? 'warning' : `${duration(m * 60_000)} left`}`,
  expiry: () => 's.136 clock: the permitted period ended',
  assessmentStart: () => 'the assessment had not started',
  handover: () => 'the handover hour ended without NHS acceptance',
  check: () => 'a healthcare check was due',
  thrive: () => 'no THRIVE assessment in time after the immediate grade',
  unresourced: () => 'no police resource in time',
  attendance: () => 'the attendance target passed',
  delivery: () => 'the referral email was not delivered in time',
  acknowledgement: () => 'the referral was not acknowledged in time',
  answer: () => 'the referral was not answered in time',
  escalation: () => 'the escalation was not answered in time',
};

/** A clock that ran out, from its key ("detention:d1:R23:warning:120:0", "R1a:thrive:2"), in words. */
export function clockReached(ci: ConsoleIncident, key: string): string {
  const parts = key.split(':');
  const owner = parts[0] === 'referral' || parts[0] === 'detention' ? clockOwner(ci, key) || parts[1] : '';
  const rest = owner ? parts.slice(2) : parts;
  const rule = /^R\d+[a-z]?$/.test(rest[0] ?? '') ? rest.shift()! : null;
  const kind = rest[0] ?? '';
  const minutes = /^\d+$/.test(rest[1] ?? '') ? Number(rest[1]) : null;
  const words = CLOCK_WORDS[kind]?.(minutes) ?? humanise(kind);
  return `${rule ? `${rule}: ` : ''}${words}${owner ? ` (${owner})` : ''}`;
}

/** A referral, resource or detention an event names, by what a reader knows it by (its id otherwise). */
function childName(ci: ConsoleIncident, field: string, id: unknown): string | null {
  const v = ci.view;
  if (typeof id !== 'string') return null;
  if (field === 'referralId') return v.referrals.find((f) => f.id === id)?.agencyLabel ?? null;
  if (field === 'assignmentId') return v.resources.find((x) => x.assignmentId === id)?.callSign ?? null;
  return null;
}

function EventDetails({ r, ci, e }: { r: ConsoleRequest; ci: ConsoleIncident; e: TimelineEntry }) {
  if (e.type === 'DEADLINE_REACHED' && typeof e.data.deadlineKey === 'string')
    return <p class="clock-reached">{clockReached(ci, e.data.deadlineKey)}</p>;
  const fields = Object.entries(e.data).filter(([k, x]) => !HIDDEN_FIELDS.has(k) && x !== null && x !== undefined);
  if (fields.length === 0) return null;
  return (
    <dl class="event-data">
      {fields.map(([k, x]) => (
        <>
          <dt>{fieldLabel(k)}</dt>
          <dd>{childName(ci, k, x) ?? shown(x, r, k)}</dd>
        </>
      ))}
    </dl>
  );
}

/** The timeline, newest first: what happened, when, and who recorded it. */
export function Timeline({
  r,
  ci,
  highlight,
}: {
  r: ConsoleRequest;
  ci: ConsoleIncident;
  highlight?: Set<number> | undefined;
}) {
  const id = ci.view.id;
  return (
    <section
      id="timeline"
      class="panel"
      aria-labelledby="timeline-title"
      {...live(`/console/incidents/${id}/partials/timeline`, { incident: id })}
    >
      <h2 id="timeline-title">Timeline</h2>
      <table class="grid timeline plain-head">
        <caption class="visually-hidden">Every recorded step, newest first</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Happened</th>
            <th scope="col">Recorded</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
          </tr>
        </thead>
        <tbody>
          {[...ci.timeline].reverse().map((e) => (
            <tr class={highlight?.has(e.seq) ? 'changed' : undefined}>
              <td>{e.seq}</td>
              <td>{localTime(e.occurredAt, r.timeZone, r.now)}</td>
              <td>{localTime(e.recordedAt, r.timeZone, r.now)}</td>
              <td>
                {e.actor.name}
                <br />
                <span class="muted">{roleLabel(e.actor.role)}</span>
              </td>
              <td>
                <strong>{eventLabel(e.type)}</strong>
                <EventDetails r={r} ci={ci} e={e} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
