/**
 * Screen 1, the queue: every open incident, most urgent first (src/queries/queue.ts), with the clock
 * since the call against the grade's target, the state and the flags a handler triages by; filters
 * by district, grade and state; counts at the top. The section reloads itself on every change
 * (`sse:incident`), keeping the row that has the keyboard focus (rows keep their ids).
 */
import { INCIDENT_STATES } from '../../../domain/vocabulary.js';
import { loadQueue, QUEUE_WINDOW_HOURS, type Queue, type QueueFilter, type QueueRow } from '../../../queries/queue.js';
import { html } from 'hono/html';
import { Countdown, Elapsed, GradeBadge, type Stage, Tag } from '../components.js';
import { humanise, valueLabel } from '../labels.js';
import type { Shortcut } from '../nav.js';
import { type ConsoleRequest, live } from '../shell.js';
import { REFERRAL_STAGES, s136Stages } from './incident-view.js';

export const QUEUE_SHORTCUTS: readonly Shortcut[] = [
  { keys: 'j / ↓', label: 'Next incident in the queue' },
  { keys: 'k / ↑', label: 'Previous incident in the queue' },
  { keys: 'Enter', label: 'Open the incident that has the focus' },
];

const query = (f: QueueView) =>
  new URLSearchParams(
    Object.entries(f)
      .filter(([, v]) => v)
      .map(([k, v]) => [k, v === true ? '1' : String(v)]),
  ).toString();

/** Rows listed at most (the most urgent); the rest one click away. Every open console reloads them on each change. */
export const QUEUE_ROWS = 200;

/** The queue's filters, and how much of it to list. */
export type QueueView = QueueFilter & { rows?: 'all' | undefined };

export function readQueueFilter(q: Record<string, string | undefined>): QueueView {
  return {
    district: q.district || undefined,
    grade: q.grade || undefined,
    state: q.state || undefined,
    all: q.all === '1' || undefined,
    rows: q.rows === 'all' ? 'all' : undefined,
  };
}

/** The flags of a row: running s.136, a referral pending and its deadline, a child, repeat contact, alerts. */
function flags(r: ConsoleRequest, row: QueueRow, s136: readonly Stage[]) {
  const alerts = row.criticalAlerts > 0 ? row.criticalAlerts : row.alerts;
  const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  return html`<div class="tags">${[
    row.detentionExpiresAt
      ? Countdown({ due: row.detentionExpiresAt, now: r.now, stages: s136, prefix: 's.136 running · ' })
      : '',
    row.pendingReferrals > 0
      ? row.referralDueAt
        ? Countdown({
            due: row.referralDueAt,
            now: r.now,
            stages: REFERRAL_STAGES,
            prefix: 'Referral pending · answer ',
          })
        : Tag({ tone: 'info', children: 'Referral pending' })
      : '',
    row.child ? Tag({ tone: 'warn', children: 'Child' }) : '',
    row.repeatContact ? Tag({ tone: 'info', children: 'Repeat contact' }) : '',
    alerts > 0
      ? Tag({
          tone: row.criticalAlerts > 0 ? 'danger' : 'warn',
          children: row.criticalAlerts > 0 ? plural(alerts, 'critical alert') : plural(alerts, 'alert'),
        })
      : '',
  ]}</div>`;
}

/** One row of the queue (hono's html template: a queue of hundreds of rows renders several times faster). */
function queueRow(r: ConsoleRequest, row: QueueRow, category: string, s136: readonly Stage[]) {
  const g = r.deps.config.grades.find((x) => x.code === row.grade);
  return html`<tr>
    <td>${GradeBadge({ code: row.grade, label: g?.label, first: r.deps.config.grades[0]?.code === row.grade })}</td>
    <td>
      ${
        row.attended
          ? Tag({ tone: 'ok', children: 'Attended' })
          : Elapsed({ since: row.receivedAt, due: row.dueAt, now: r.now })
      }
    </td>
    <td>
      <a href="/console/incidents/${row.id}" id="row-${row.id}" class="ref" data-row
        >${row.reference ?? row.id.slice(0, 8)}</a
      >
    </td>
    <td>${category}</td>
    <td>${row.district ?? '—'}</td>
    <td>${valueLabel(row.state)}</td>
    <td>${flags(r, row, s136)}</td>
  </tr>`;
}

function Counts({ r, q }: { r: ConsoleRequest; q: Queue }) {
  const c = q.counts;
  return (
    <ul class="counts" aria-label="Open incidents">
      <li>
        <span class="count">{c.open}</span> open
      </li>
      {r.deps.config.grades.map((g) => (
        <li>
          <span class="count">{c.byGrade[g.code] ?? 0}</span> {g.code}
        </li>
      ))}
      <li>
        <span class="count">{c.ungraded}</span> not graded
      </li>
      <li class={c.overdue > 0 ? 'count-danger' : ''}>
        <span class="count">{c.overdue}</span> over target
      </li>
      <li>
        <span class="count">{c.pendingReferrals}</span> with a referral pending
      </li>
      <li>
        <span class="count">{c.runningDetentions}</span> s.136 running
      </li>
    </ul>
  );
}

/** The counts and the table: the part that reloads on every change. */
export function QueueSection({ r, filter }: { r: ConsoleRequest; filter: QueueView }) {
  const q = loadQueue(r.deps.db, r.deps.config, filter, r.now);
  const cat = new Map(r.deps.config.categories.map((c) => [c.code, c.label]));
  const s136 = s136Stages(r);
  const shown = filter.rows === 'all' ? q.rows : q.rows.slice(0, QUEUE_ROWS);
  r.shown(
    'incident.read',
    shown.map((row) => ({ type: 'incident', id: row.id })),
  );
  return (
    <section
      id="queue"
      aria-labelledby="queue-title"
      {...live(`/console/partials/queue?${query(filter)}`)}
      data-server-now={r.now.toISOString()}
    >
      <Counts r={r} q={q} />
      {q.older > 0 ? (
        <p class="older">
          <Tag tone="info">
            {q.older} older open incident{q.older === 1 ? '' : 's'} (received more than {QUEUE_WINDOW_HOURS} h ago, no
            clock running)
          </Tag>{' '}
          <a href={`/console?${query({ ...filter, all: true })}`}>Show them too</a>
        </p>
      ) : filter.all ? (
        <p class="older">
          <a href={`/console?${query({ ...filter, all: undefined })}`}>Show only the last {QUEUE_WINDOW_HOURS} hours</a>
        </p>
      ) : null}
      <table class="grid queue" data-rows>
        <caption id="queue-title">
          {q.rows.length === q.counts.open
            ? `${q.rows.length} open incidents, most urgent first`
            : `${q.rows.length} of ${q.counts.open} open incidents (filtered), most urgent first`}
          {shown.length < q.rows.length ? ` (the first ${shown.length} listed)` : ''}
        </caption>
        <thead>
          <tr>
            <th scope="col">Grade</th>
            <th scope="col">Since the call</th>
            <th scope="col">Reference</th>
            <th scope="col">Category</th>
            <th scope="col">District</th>
            <th scope="col">State</th>
            <th scope="col">Flags</th>
          </tr>
        </thead>
        <tbody>{shown.map((row) => queueRow(r, row, cat.get(row.category) ?? humanise(row.category), s136))}</tbody>
      </table>
      {q.rows.length === 0 ? <p class="muted">No open incident matches these filters.</p> : null}
      {shown.length < q.rows.length ? (
        <p class="older">
          <Tag tone="info">
            {q.rows.length - shown.length} less urgent open incident{q.rows.length - shown.length === 1 ? '' : 's'} not
            listed
          </Tag>{' '}
          <a href={`/console?${query({ ...filter, rows: 'all' })}`}>List them all</a>
        </p>
      ) : null}
    </section>
  );
}

export function QueueFilters({ r, filter }: { r: ConsoleRequest; filter: QueueView }) {
  return (
    <form method="get" action="/console" class="filters" aria-label="Filter the queue">
      <label for="f-district">District</label>
      <select id="f-district" name="district" data-key-focus>
        <option value="">All districts</option>
        {r.deps.config.districts.map((d) => (
          <option value={d} selected={filter.district === d}>
            {d}
          </option>
        ))}
      </select>
      <label for="f-grade">Grade</label>
      <select id="f-grade" name="grade">
        <option value="">All grades</option>
        {r.deps.config.grades.map((g) => (
          <option value={g.code} selected={filter.grade === g.code}>
            {g.code} {g.label}
          </option>
        ))}
        <option value="none" selected={filter.grade === 'none'}>
          Not graded
        </option>
      </select>
      <label for="f-state">State</label>
      <select id="f-state" name="state">
        <option value="">All states</option>
        {INCIDENT_STATES.filter((s) => s !== 'closed').map((s) => (
          <option value={s} selected={filter.state === s}>
            {valueLabel(s)}
          </option>
        ))}
      </select>
      {filter.all ? <input type="hidden" name="all" value="1" /> : null}
      <button type="submit">Filter</button>
      {filter.district || filter.grade || filter.state ? <a href="/console">Clear filters</a> : null}
    </form>
  );
}
