/**
 * Screen 1, the queue: every open incident, most urgent first (src/queries/queue.ts), with the clock
 * since the call against the grade's target, the state and the flags a handler triages by; filters
 * by district, grade and state; counts at the top. The section reloads itself on every change
 * (`sse:incident`), keeping the row that has the keyboard focus (rows keep their ids).
 */
import { INCIDENT_STATES } from '../../../domain/vocabulary.js';
import { loadQueue, QUEUE_WINDOW_HOURS, type Queue, type QueueFilter, type QueueRow } from '../../../queries/queue.js';
import { Countdown, Elapsed, GradeBadge, Tag } from '../components.js';
import { humanise, valueLabel } from '../labels.js';
import type { Shortcut } from '../nav.js';
import type { ConsoleRequest } from '../shell.js';

export const QUEUE_SHORTCUTS: readonly Shortcut[] = [
  { keys: 'j / ↓', label: 'Next incident in the queue' },
  { keys: 'k / ↑', label: 'Previous incident in the queue' },
  { keys: 'Enter', label: 'Open the incident that has the focus' },
];

const query = (f: QueueFilter) =>
  new URLSearchParams(
    Object.entries(f)
      .filter(([, v]) => v)
      .map(([k, v]) => [k, v === true ? '1' : String(v)]),
  ).toString();

export function readQueueFilter(q: Record<string, string | undefined>): QueueFilter {
  return {
    district: q.district || undefined,
    grade: q.grade || undefined,
    state: q.state || undefined,
    all: q.all === '1' || undefined,
  };
}

function gradeTag(r: ConsoleRequest, code: string | null) {
  const g = r.deps.config.grades.find((x) => x.code === code);
  return <GradeBadge code={code} label={g?.label} first={r.deps.config.grades[0]?.code === code} />;
}

function Flags({ r, row }: { r: ConsoleRequest; row: QueueRow }) {
  const answer = [
    { minutesBefore: 30, tone: 'danger' as const },
    { minutesBefore: 120, tone: 'warn' as const },
  ];
  const s136 = r.deps.config.s136.clockWarningsMinutesBeforeExpiry.map((m, _i, all) => ({
    minutesBefore: m,
    tone: m === Math.min(...all) ? ('danger' as const) : ('warn' as const),
  }));
  return (
    <div class="tags">
      {row.detentionExpiresAt ? (
        <Countdown due={row.detentionExpiresAt} now={r.now} stages={s136} prefix="s.136 running · " />
      ) : null}
      {row.pendingReferrals > 0 ? (
        row.referralDueAt ? (
          <Countdown due={row.referralDueAt} now={r.now} stages={answer} prefix="Referral pending · answer " />
        ) : (
          <Tag tone="info">Referral pending</Tag>
        )
      ) : null}
      {row.child ? <Tag tone="warn">Child</Tag> : null}
      {row.repeatContact ? <Tag tone="info">Repeat contact</Tag> : null}
      {row.criticalAlerts > 0 ? (
        <Tag tone="danger">
          {row.criticalAlerts} critical alert{row.criticalAlerts === 1 ? '' : 's'}
        </Tag>
      ) : row.alerts > 0 ? (
        <Tag tone="warn">
          {row.alerts} alert{row.alerts === 1 ? '' : 's'}
        </Tag>
      ) : null}
    </div>
  );
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
export function QueueSection({ r, filter }: { r: ConsoleRequest; filter: QueueFilter }) {
  const q = loadQueue(r.deps.db, r.deps.config, filter, r.now);
  const cat = new Map(r.deps.config.categories.map((c) => [c.code, c.label]));
  return (
    <section
      id="queue"
      aria-labelledby="queue-title"
      hx-get={`/console/partials/queue?${query(filter)}`}
      hx-trigger="sse:incident throttle:250ms"
      hx-swap="outerHTML"
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
        <tbody>
          {q.rows.map((row) => (
            <tr>
              <td>{gradeTag(r, row.grade)}</td>
              <td>
                {row.attended ? (
                  <Tag tone="ok">Attended</Tag>
                ) : (
                  <Elapsed since={row.receivedAt} due={row.dueAt} now={r.now} />
                )}
              </td>
              <td>
                <a href={`/console/incidents/${row.id}`} id={`row-${row.id}`} class="ref" data-row>
                  {row.reference ?? row.id.slice(0, 8)}
                </a>
              </td>
              <td>{cat.get(row.category) ?? humanise(row.category)}</td>
              <td>{row.district ?? '—'}</td>
              <td>{valueLabel(row.state)}</td>
              <td>
                <Flags r={r} row={row} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {q.rows.length === 0 ? <p class="muted">No open incident matches these filters.</p> : null}
    </section>
  );
}

export function QueueFilters({ r, filter }: { r: ConsoleRequest; filter: QueueFilter }) {
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
