/**
 * Screen 6a, the MH lead's detentions (issue 14): every s.136/s.135 detention of a period, newest
 * first, filtered by place of safety, outcome, the alert it carries (R23 lapsed, R24, R26, R31,
 * R34, R35, R37) and whether it has been reviewed; "n reviewed, m not" for the filters; a page at a
 * time; each row opens its review. The CSV of the list is a disclosure: it asks for the reason and
 * is logged (routes/detentions/disclosure.ts).
 */
import type { Context, Hono } from 'hono';
import { OUTCOMES, PLACE_TYPES } from '../../../../machines/detention/index.js';
import type { CommandDeps } from '../../../commands/deps.js';
import { labelOf, OUTCOME_LABEL, PLACE_TYPE_LABEL } from '../../../domain/detention-labels.js';
import { DETENTION_FLAG_RULES, type DetentionFlagRule } from '../../../domain/rule-titles.js';
import { decodeCursor, encodeCursor } from '../../../http/cursor.js';
import type { AppEnv } from '../../../http/types.js';
import { type DetentionFilter, listDetentions } from '../../../queries/detentions.js';
import { reportPagePeriods } from '../../../queries/report-period.js';
import { detentionListCsv } from '../../../reports/detention-list-csv.js';
import { allDetentions } from '../../../routes/detentions/detentions.handlers.js';
import { authorizeDisclosure } from '../../../access/authorize.js';
import type { AccessConfig } from '../../../config/schema.js';
import { disclosureReasonFromForm } from '../../../routes/detentions/disclosure.js';
import { isProblem } from '../../../http/problem.js';
import { Tag } from '../components.js';
import { valueLabel } from '../labels.js';
import type { Shortcut } from '../nav.js';
import { type ConsoleRequest, consoleRequest, renderConsole } from '../shell.js';
import { capitalised, dayTime, PeriodFields, type PickedPeriod, readPeriod } from './period.js';

export const FLAG_LABEL: Record<DetentionFlagRule, string> = {
  R23: 'Lapsed',
  R24: 'Child at a police station',
  R26: 'Healthcare check gap',
  R31: 'Released by police',
  R34: 'No ambulance requested',
  R35: 'Late handover',
  R37: 'Late assessment',
};

export const DETENTION_LIST_SHORTCUTS: readonly Shortcut[] = [
  { keys: 'j / ↓', label: 'Next detention' },
  { keys: 'k / ↑', label: 'Previous detention' },
  { keys: 'Enter', label: 'Open the review of the detention that has the focus' },
  { keys: ']', label: 'Next page of detentions' },
];

const PAGE_SIZE = 50;

interface ListQuery {
  period: PickedPeriod;
  place: string;
  outcome: string;
  flag: string;
  reviewed: string;
}

function readQuery(q: Record<string, string | undefined>, deps: CommandDeps): ListQuery {
  const periods = reportPagePeriods(deps.db, deps.clock, deps.config.force.timezone);
  return {
    period: readPeriod(q, periods, deps.config.force.timezone, true),
    place: q.place ?? '',
    outcome: (OUTCOMES as readonly string[]).includes(q.outcome ?? '') ? q.outcome! : '',
    flag: (DETENTION_FLAG_RULES as readonly string[]).includes(q.flag ?? '') ? q.flag! : '',
    reviewed: q.reviewed === 'true' || q.reviewed === 'false' ? q.reviewed : '',
  };
}

const filterOf = (l: ListQuery): DetentionFilter => ({
  from: l.period.fromIso,
  to: l.period.toIso,
  firstPlaceOfSafety: l.place || undefined,
  outcome: l.outcome || undefined,
  flag: (l.flag || undefined) as DetentionFlagRule | undefined,
  reviewed: (l.reviewed || undefined) as 'true' | 'false' | undefined,
  order: 'newest',
  limit: PAGE_SIZE,
});

/** The filters as query parameters (for the next page's link and the CSV form). */
function params(l: ListQuery): Record<string, string> {
  const p: Record<string, string> = { period: l.period.choice };
  if (l.period.choice === 'custom') Object.assign(p, { from: l.period.from, to: l.period.to });
  for (const k of ['place', 'outcome', 'flag', 'reviewed'] as const) if (l[k]) p[k] = l[k];
  return p;
}

function Filters({ r, l }: { r: ConsoleRequest; l: ListQuery }) {
  const periods = reportPagePeriods(r.deps.db, r.deps.clock, r.timeZone);
  return (
    <form method="get" action="/console/detentions" class="filters" aria-label="Filter the detentions">
      <PeriodFields picked={l.period} periods={periods} allowAll={true} />
      <label for="f-place">First place of safety</label>
      <select id="f-place" name="place">
        <option value="">Any</option>
        <optgroup label="Kind of place">
          {PLACE_TYPES.map((t) => (
            <option value={t} selected={l.place === t}>
              {labelOf(PLACE_TYPE_LABEL, t)}
            </option>
          ))}
        </optgroup>
        <optgroup label="Site">
          {r.deps.config.s136.placesOfSafety.map((p) => (
            <option value={p.code} selected={l.place === p.code}>
              {p.label}
            </option>
          ))}
        </optgroup>
      </select>
      <label for="f-outcome">Outcome</label>
      <select id="f-outcome" name="outcome">
        <option value="">Any</option>
        {OUTCOMES.map((o) => (
          <option value={o} selected={l.outcome === o}>
            {labelOf(OUTCOME_LABEL, o)}
          </option>
        ))}
      </select>
      <label for="f-flag">Alert</label>
      <select id="f-flag" name="flag">
        <option value="">Any</option>
        {DETENTION_FLAG_RULES.map((f) => (
          <option value={f} selected={l.flag === f}>
            {FLAG_LABEL[f]} ({f})
          </option>
        ))}
      </select>
      <label for="f-reviewed">Review</label>
      <select id="f-reviewed" name="reviewed">
        <option value="">Reviewed or not</option>
        <option value="false" selected={l.reviewed === 'false'}>
          Not reviewed
        </option>
        <option value="true" selected={l.reviewed === 'true'}>
          Reviewed
        </option>
      </select>
      <button type="submit">Filter</button>
      <a href="/console/detentions">Clear filters</a>
    </form>
  );
}

export function ReviewTag({ review }: { review: { conclusion: string } | null }) {
  if (!review) return <Tag tone="neutral">Not reviewed</Tag>;
  return review.conclusion === 'lawfulAndTimely' ? (
    <Tag tone="ok">Reviewed: lawful and timely</Tag>
  ) : (
    <Tag tone="warn">Reviewed: concerns</Tag>
  );
}

function DetentionsTable({ r, l, cursor }: { r: ConsoleRequest; l: ListQuery; cursor: string | undefined }) {
  const after = cursor ? decodeCursor(cursor) : null;
  const page = listDetentions(r.deps.db, r.now, filterOf(l), after);
  r.shown(
    'detention.review',
    page.items.map((d) => ({ type: 'detention', id: d.id })),
  );
  const sites = new Map(r.deps.config.s136.placesOfSafety.map((p) => [p.code, p.label]));
  const place = (p: { type: string; site: string | null } | null) =>
    p ? (p.site ? (sites.get(p.site) ?? p.site) : labelOf(PLACE_TYPE_LABEL, p.type)) : 'None';
  const next = page.next ? new URLSearchParams({ ...params(l), cursor: encodeCursor(...page.next) }) : null;
  return (
    <section id="detentions" aria-labelledby="detentions-title">
      <ul class="counts" aria-label="Detentions matching the filters">
        <li>
          <span class="count">{page.total}</span> detention{page.total === 1 ? '' : 's'} ({l.period.label})
        </li>
        <li>
          <span class="count">{page.reviewed.reviewed}</span> reviewed
        </li>
        <li class={page.reviewed.notReviewed > 0 ? 'count-warn' : ''}>
          <span class="count">{page.reviewed.notReviewed}</span> not reviewed
        </li>
      </ul>
      <table class="grid detentions" data-rows>
        <caption id="detentions-title">
          {after ? 'Detentions, newest first (a later page)' : 'Detentions, newest first'}
        </caption>
        <thead>
          <tr>
            <th scope="col">Detained</th>
            <th scope="col">Incident</th>
            <th scope="col">Power</th>
            <th scope="col">First place of safety</th>
            <th scope="col">Outcome</th>
            <th scope="col">Alerts</th>
            <th scope="col">ADR record</th>
            <th scope="col">Review</th>
          </tr>
        </thead>
        <tbody>
          {page.items.map((d) => (
            <tr>
              <td>{dayTime(d.detainedAt ?? d.startedAt, r.timeZone)}</td>
              <td>
                <a href={`/console/detentions/${d.id}`} id={`row-${d.id}`} class="ref" data-row>
                  {d.incidentReference ?? d.id}
                </a>
              </td>
              <td>{d.power === 's136' ? 's.136' : d.power === 's135_1' ? 's.135(1)' : 's.135(2)'}</td>
              <td>{place(d.firstPlaceOfSafety)}</td>
              <td>
                {d.outcome ? (
                  capitalised(labelOf(OUTCOME_LABEL, d.outcome))
                ) : (
                  <Tag tone="info">{valueLabel(d.status)}</Tag>
                )}
              </td>
              <td>
                <div class="tags">
                  {d.flaggedRules.length === 0 ? (
                    <span class="muted">None</span>
                  ) : (
                    d.flaggedRules.map((f) => (
                      <Tag tone={f === 'R23' || f === 'R24' ? 'danger' : 'warn'}>
                        {FLAG_LABEL[f]} <span class="rule">{f}</span>
                      </Tag>
                    ))
                  )}
                </div>
              </td>
              <td>
                {d.adrMissing.length === 0 && d.status !== 'considering' && d.status !== 'notDetained' ? (
                  <Tag tone="ok">Complete</Tag>
                ) : d.adrMissing.length > 0 ? (
                  <Tag tone="warn">Missing {d.adrMissing.length}</Tag>
                ) : (
                  <span class="muted">—</span>
                )}
              </td>
              <td>
                <ReviewTag review={d.review} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.items.length === 0 ? <p class="muted">No detention matches these filters.</p> : null}
      <nav class="pager" aria-label="Pages">
        {after ? <a href={`/console/detentions?${new URLSearchParams(params(l))}`}>First page</a> : null}
        {next ? (
          <a href={`/console/detentions?${next}`} rel="next" data-key="]">
            Next page
          </a>
        ) : null}
      </nav>
    </section>
  );
}

/** The CSV of every detention matching the filters: a disclosure, so it asks for the reason. */
function CsvForm({ r, l, refused }: { r: ConsoleRequest; l: ListQuery; refused?: string }) {
  return (
    <details class="action" open={refused ? true : undefined}>
      <summary>Download the list as CSV</summary>
      <form method="post" action="/console/detentions/csv" class="action-body disclosure-form">
        <input type="hidden" name="csrf" value={r.csrf} />
        {Object.entries(params(l)).map(([k, v]) => (
          <input type="hidden" name={k} value={v} />
        ))}
        <p class="hint">
          The file holds record-level data: the download is logged with your reason (Data Protection Act 2018 s.62).
        </p>
        <ReasonFields idPrefix="csv" reasons={r.deps.config.access.reasons} />
        {refused ? (
          <p class="error" role="alert">
            {refused}
          </p>
        ) : null}
        <button type="submit">Download CSV</button>
      </form>
    </details>
  );
}

/** The reason code and free text a disclosure asks for. */
export function ReasonFields({
  idPrefix,
  reasons,
  selected,
}: {
  idPrefix: string;
  reasons: AccessConfig['reasons'];
  selected?: string;
}) {
  return (
    <div class="reason-fields">
      <label for={`${idPrefix}-reason`}>Reason</label>
      <select id={`${idPrefix}-reason`} name="reason" required>
        <option value="">Choose a reason</option>
        {reasons.map((x) => (
          <option value={x.code} selected={selected === x.code}>
            {x.label}
          </option>
        ))}
      </select>
      <label for={`${idPrefix}-why`}>Details (optional)</label>
      <input id={`${idPrefix}-why`} name="why" type="text" size={50} maxlength={500} />
    </div>
  );
}

export function registerDetentionsScreen(app: Hono<AppEnv>, deps: CommandDeps) {
  const page = (c: Context<AppEnv>, r: ConsoleRequest, l: ListQuery, refused?: string) =>
    renderConsole(
      c,
      r,
      {
        title: 'Detentions',
        active: 'detentions',
        shortcuts: DETENTION_LIST_SHORTCUTS,
        body: (
          <>
            <Filters r={r} l={l} />
            <DetentionsTable r={r} l={l} cursor={c.req.query('cursor')} />
            <CsvForm r={r} l={l} refused={refused} />
          </>
        ),
      },
      refused ? 400 : 200,
    );
  const notForRole = (c: Context<AppEnv>, r: ConsoleRequest) =>
    renderConsole(
      c,
      r,
      { title: 'Not available', body: <p>The detention review is for the mental-health lead.</p> },
      403,
    );

  app.get('/console/detentions', (c) => {
    const r = consoleRequest(c, deps);
    if (!r.access.can('detention.review')) return notForRole(c, r);
    return page(c, r, readQuery(c.req.query(), deps));
  });

  app.post('/console/detentions/csv', async (c) => {
    const r = consoleRequest(c, deps);
    if (!r.access.can('detention.review')) return notForRole(c, r);
    const form = await c.req.parseBody();
    const query = Object.fromEntries(Object.entries(form).filter(([, v]) => typeof v === 'string')) as Record<
      string,
      string
    >;
    const l = readQuery(query, deps);
    const why = disclosureReasonFromForm(deps.config, form);
    if (isProblem(why)) return page(c, r, l, why.status === 428 ? 'Choose the reason for the download.' : why.detail);
    const items = allDetentions(deps, r.now, filterOf(l));
    const access = await authorizeDisclosure(c, 'detention.review', {
      action: 'detentions.csv',
      reason: why,
      records: items.map((d) => ({ type: 'detention', id: d.id })),
      params: { format: 'csv', ...params(l) },
    });
    if (!access.ok) return page(c, r, l, access.problem.detail);
    return c.body(detentionListCsv(items), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="detentions_${r.now.toISOString().slice(0, 10)}.csv"`,
      'cache-control': 'no-store',
    });
  });
}
