/**
 * Screen 6c, the handover audit (issue 14): for a period, the handovers at places of safety (R35:
 * arrival → NHS acceptance → police departure, breaches by site with median times) and the
 * referral handovers to partner agencies (breaches and median acknowledgement and answer times by
 * agency); filters by site, agency and breach only; each list a page at a time; CSV of each through
 * the API (the same filters). The figures are the API's handover audits (src/reports/handovers.ts,
 * src/queries/place-of-safety-handovers.ts).
 */
import type { Context, Hono } from 'hono';
import { PLACE_TYPES } from '../../../../machines/detention/index.js';
import type { CommandDeps } from '../../../commands/deps.js';
import { labelOf, PLACE_TYPE_LABEL } from '../../../domain/detention-labels.js';
import { decodeTriple, encodeTriple } from '../../../http/cursor.js';
import type { AppEnv } from '../../../http/types.js';
import {
  handoverSummary,
  handoversBySite,
  pageOfHandovers,
  placeOfSafetyHandovers,
} from '../../../queries/place-of-safety-handovers.js';
import { reportPagePeriods } from '../../../queries/report-period.js';
import { answerMinutesOf, handoverReport } from '../../../reports/handovers.js';
import { Tag } from '../components.js';
import { valueLabel } from '../labels.js';
import { type ConsoleRequest, consoleRequest, renderConsole } from '../shell.js';
import { capitalised, dayTime, PeriodFields, type PickedPeriod, readPeriod } from './period.js';

const PAGE_SIZE = 50;

interface AuditQuery {
  period: PickedPeriod;
  site: string;
  agency: string;
  breach: boolean;
  /** The page of each list: after (sort value, ids) of the previous page's last row. */
  pcursor: string | undefined;
  rcursor: string | undefined;
}

function readQuery(c: Context<AppEnv>, deps: CommandDeps): AuditQuery {
  const q = c.req.query();
  const periods = reportPagePeriods(deps.db, deps.clock, deps.config.force.timezone);
  return {
    period: readPeriod(q, periods, deps.config.force.timezone, false),
    site: q.site ?? '',
    agency: q.agency ?? '',
    breach: q.breach === 'true',
    pcursor: q.pcursor || undefined,
    rcursor: q.rcursor || undefined,
  };
}

/** The filters as query parameters (links to the next page, the CSV downloads). */
function params(a: AuditQuery, extra: Record<string, string> = {}): URLSearchParams {
  const p = new URLSearchParams({ period: a.period.choice });
  if (a.period.choice === 'custom') {
    p.set('from', a.period.from!);
    p.set('to', a.period.to!);
  }
  if (a.site) p.set('site', a.site);
  if (a.agency) p.set('agency', a.agency);
  if (a.breach) p.set('breach', 'true');
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  return p;
}

/** The API's CSV of one of the audits, with the screen's filters. */
function csvHref(a: AuditQuery, path: string, filter: Record<string, string>): string {
  const p = new URLSearchParams({ from: a.period.fromIso!, to: a.period.toIso!, format: 'csv', ...filter });
  if (a.breach) p.set('breach', 'true');
  return `${path}?${p}`;
}

const mins = (m: number | null) => (m === null ? '—' : `${Math.round(m).toLocaleString('en-GB')} min`);
const share = (n: number, d: number) => (d === 0 ? '—' : `${Math.round((n / d) * 100)}%`);

function Filters({ r, a }: { r: ConsoleRequest; a: AuditQuery }) {
  const periods = reportPagePeriods(r.deps.db, r.deps.clock, r.timeZone);
  const agencies = r.deps.db.$client.prepare('SELECT code, label FROM agencies ORDER BY label').all() as Array<{
    code: string;
    label: string;
  }>;
  return (
    <form method="get" action="/console/handovers" class="filters" aria-label="Filter the handover audit">
      <PeriodFields picked={a.period} periods={periods} allowAll={false} />
      <label for="f-site">Place of safety</label>
      <select id="f-site" name="site">
        <option value="">All places</option>
        <optgroup label="Kind of place">
          {PLACE_TYPES.map((t) => (
            <option value={t} selected={a.site === t}>
              {capitalised(labelOf(PLACE_TYPE_LABEL, t))}
            </option>
          ))}
        </optgroup>
        <optgroup label="Site">
          {r.deps.config.s136.placesOfSafety.map((p) => (
            <option value={p.code} selected={a.site === p.code}>
              {p.label}
            </option>
          ))}
        </optgroup>
      </select>
      <label for="f-agency">Agency</label>
      <select id="f-agency" name="agency">
        <option value="">All agencies</option>
        {agencies.map((x) => (
          <option value={x.code} selected={a.agency === x.code}>
            {x.label}
          </option>
        ))}
      </select>
      <label class="check">
        <input type="checkbox" name="breach" value="true" checked={a.breach} /> Breaches only
      </label>
      <button type="submit">Filter</button>
      <a href="/console/handovers">Clear filters</a>
    </form>
  );
}

function Pager({
  a,
  name,
  next,
  first,
}: {
  a: AuditQuery;
  name: 'pcursor' | 'rcursor';
  next: string | null;
  first: boolean;
}) {
  const keep =
    name === 'pcursor'
      ? { ...(a.rcursor ? { rcursor: a.rcursor } : {}) }
      : { ...(a.pcursor ? { pcursor: a.pcursor } : {}) };
  const anchor = name === 'pcursor' ? '#place-of-safety' : '#referrals';
  return (
    <nav
      class="pager"
      aria-label={name === 'pcursor' ? 'Pages of handovers at places of safety' : 'Pages of referrals'}
    >
      {!first ? <a href={`/console/handovers?${params(a, keep)}${anchor}`}>First page</a> : null}
      {next ? (
        <a href={`/console/handovers?${params(a, { ...keep, [name]: next })}${anchor}`} rel="next">
          Next page
        </a>
      ) : null}
    </nav>
  );
}

function PlaceOfSafety({ r, a }: { r: ConsoleRequest; a: AuditQuery }) {
  const all = placeOfSafetyHandovers(r.deps.db, {
    from: a.period.fromIso!,
    to: a.period.toIso!,
    site: a.site || null,
    breach: a.breach ? true : null,
  });
  const sum = handoverSummary(all);
  const sites = handoversBySite(all);
  const { items: rows, start, next } = pageOfHandovers(all, a.pcursor ? decodeTriple(a.pcursor) : null, PAGE_SIZE);
  r.shown(
    'handover.audit',
    rows.map((h) => ({ type: 'detention', id: h.detentionId })),
  );
  const limit = r.deps.config.s136.handoverMinutes;
  return (
    <section id="place-of-safety" aria-labelledby="pos-title">
      <h2 id="pos-title">Handovers at places of safety (R35)</h2>
      <p class="hint">
        From arrival with a detained person to NHS acceptance and police leaving. The expectation is {limit} minutes
        unless an extended stay is agreed; it applies at health-based places of safety and other hospitals, and at
        emergency departments only where the force says so. A police station has no NHS handover.
      </p>
      <ul class="counts" aria-label="Handovers at places of safety">
        <li>
          <span class="count">{sum.handovers}</span> handovers
        </li>
        <li class={sum.breaches > 0 ? 'count-danger' : ''}>
          <span class="count">{sum.breaches}</span> over {limit} minutes (
          {share(sum.breaches, sum.subjectToExpectation)} of {sum.subjectToExpectation} where it applies)
        </li>
        <li>
          median to NHS acceptance <span class="count">{mins(sum.medianMinutesToAcceptance)}</span>
        </li>
        <li>
          median until police left <span class="count">{mins(sum.medianMinutesToDeparture)}</span>
        </li>
      </ul>
      <table class="grid by-site">
        <caption>Breaches by site, most first</caption>
        <thead>
          <tr>
            <th scope="col">Site</th>
            <th scope="col" class="n">
              Handovers
            </th>
            <th scope="col" class="n">
              Breaches
            </th>
            <th scope="col" class="n">
              Share
            </th>
            <th scope="col" class="n">
              Median to NHS acceptance
            </th>
            <th scope="col" class="n">
              Median until police left
            </th>
          </tr>
        </thead>
        <tbody>
          {sites.map((s) => (
            <tr>
              <th scope="row">{capitalised(s.label)}</th>
              <td class="n">{s.handovers}</td>
              {s.expectationApplies ? (
                <>
                  <td class="n">{s.breaches}</td>
                  <td class="n">{share(s.breaches, s.handovers)}</td>
                </>
              ) : (
                <td colspan={2}>No {limit}-minute expectation here</td>
              )}
              <td class="n">{mins(s.medianMinutesToAcceptance)}</td>
              <td class="n">{mins(s.medianMinutesToDeparture)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table class="grid pos-items" data-rows>
        <caption>
          Each stay, oldest first ({all.length} in all{start > 0 ? `; from number ${start + 1}` : ''})
        </caption>
        <thead>
          <tr>
            <th scope="col">Arrived</th>
            <th scope="col">Detention</th>
            <th scope="col">Place of safety</th>
            <th scope="col">NHS accepted</th>
            <th scope="col">Police left</th>
            <th scope="col">Handover</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((h) => (
            <tr>
              <td>{dayTime(h.arrivedAt, r.timeZone)}</td>
              <td>
                <a href={`/console/detentions/${h.detentionId}`} class="ref" data-row>
                  {h.incidentReference ?? h.detentionId}
                </a>
              </td>
              <td>{capitalised(h.placeLabel)}</td>
              <td>
                {h.nhsAcceptedAt ? `${dayTime(h.nhsAcceptedAt, r.timeZone)} (${mins(h.minutesToAcceptance)})` : '—'}
              </td>
              <td>
                {h.policeDepartedAt
                  ? `${dayTime(h.policeDepartedAt, r.timeZone)} (${mins(h.minutesToDeparture)})`
                  : '—'}
              </td>
              <td>
                {h.status === 'notApplicable' ? (
                  <Tag tone="neutral">No NHS handover</Tag>
                ) : !h.handoverRuleApplies ? (
                  <Tag tone="neutral">No {limit}-min expectation</Tag>
                ) : h.breach ? (
                  <Tag tone="danger">Over {limit} min</Tag>
                ) : h.extendedStay ? (
                  <Tag tone="info">Extended stay agreed</Tag>
                ) : h.status === 'completed' ? (
                  <Tag tone="ok">Within {limit} min</Tag>
                ) : (
                  <Tag tone="warn">{valueLabel(h.status)}</Tag>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {all.length === 0 ? <p class="muted">No handover at a place of safety matches these filters.</p> : null}
      <Pager a={a} name="pcursor" first={start === 0} next={next ? encodeTriple(next) : null} />
      <p>
        <a href={csvHref(a, '/api/audit/place-of-safety-handovers', a.site ? { site: a.site } : {})} download>
          Download these handovers (CSV)
        </a>
      </p>
    </section>
  );
}

function Referrals({ r, a }: { r: ConsoleRequest; a: AuditQuery }) {
  const report = handoverReport(
    r.deps.db,
    {
      from: a.period.fromIso!,
      to: a.period.toIso!,
      agency: a.agency || null,
      breach: a.breach ? true : null,
      windowHours: r.deps.config.repeatContact.windowHours,
      answerMinutes: answerMinutesOf(r.deps.config),
      now: r.now.toISOString(),
    },
    { limit: PAGE_SIZE, after: a.rcursor ? decodeTriple(a.rcursor) : null },
  );
  r.shown('handover.audit', [
    ...report.items.map((i) => ({ type: 'referral' as const, id: `${i.incidentId}/${i.referralId}` })),
    ...report.items.map((i) => ({ type: 'incident' as const, id: i.incidentId })),
  ]);
  const s = report.summary;
  const breaches = report.byAgency.reduce((n, x) => n + x.breaches, 0);
  return (
    <section id="referrals" aria-labelledby="referrals-title">
      <h2 id="referrals-title">Referral handovers to partner agencies</h2>
      <p class="hint">
        A breach is a referral the agency did not answer in the agreed time for its kind of agency (the answer came
        later, a response clock ran out, or no response was recorded). Times run from when the referral reached the
        agency.
      </p>
      <ul class="counts" aria-label="Referral handovers">
        <li>
          <span class="count">{s.referrals}</span> referrals
        </li>
        <li class={breaches > 0 ? 'count-danger' : ''}>
          <span class="count">{breaches}</span> not answered in time
        </li>
        <li>
          median to answer <span class="count">{mins(s.medianMinutesToAnswer)}</span>
        </li>
        <li>
          <span class="count">{s.escalated}</span> escalated
        </li>
        <li>
          <span class="count">{s.withRecontact}</span> with a re-contact (R15)
        </li>
      </ul>
      <table class="grid by-agency">
        <caption>Breaches and answer times by agency, most breaches first</caption>
        <thead>
          <tr>
            <th scope="col">Agency</th>
            <th scope="col" class="n">
              Referrals
            </th>
            <th scope="col" class="n">
              Answered
            </th>
            <th scope="col" class="n">
              Not answered in time
            </th>
            <th scope="col" class="n">
              Median to acknowledge
            </th>
            <th scope="col" class="n">
              Median to answer
            </th>
          </tr>
        </thead>
        <tbody>
          {report.byAgency.map((x) => (
            <tr>
              <th scope="row">{x.label}</th>
              <td class="n">{x.referrals}</td>
              <td class="n">{x.answered}</td>
              <td class="n">
                {x.breaches} ({share(x.breaches, x.referrals)})
              </td>
              <td class="n">{mins(x.medianMinutesToAcknowledge)}</td>
              <td class="n">{mins(x.medianMinutesToAnswer)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table class="grid referral-items" data-rows>
        <caption>Each referral, oldest first ({report.total} in all)</caption>
        <thead>
          <tr>
            <th scope="col">Made</th>
            <th scope="col">Incident</th>
            <th scope="col">Agency</th>
            <th scope="col">Answer</th>
            <th scope="col">Time to answer</th>
            <th scope="col">In time</th>
          </tr>
        </thead>
        <tbody>
          {report.items.map((i) => (
            <tr>
              <td>{dayTime(i.madeAt, r.timeZone)}</td>
              <td>
                <a href={`/console/incidents/${i.incidentId}`} class="ref" data-row>
                  {i.incidentReference ?? i.incidentId.slice(0, 8)}
                </a>
              </td>
              <td>{i.agencyLabel ?? i.agency}</td>
              <td>{i.answer ? valueLabel(i.answer) : valueLabel(i.status)}</td>
              <td>{mins(i.minutesToAnswer)}</td>
              <td>{i.breach ? <Tag tone="danger">Not in time</Tag> : <Tag tone="ok">In time</Tag>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.total === 0 ? <p class="muted">No referral matches these filters.</p> : null}
      <Pager a={a} name="rcursor" first={!a.rcursor} next={report.next ? encodeTriple(report.next) : null} />
      <p>
        <a href={csvHref(a, '/api/audit/handovers', a.agency ? { agency: a.agency } : {})} download>
          Download these referrals (CSV)
        </a>
      </p>
    </section>
  );
}

export function registerHandoversScreen(app: Hono<AppEnv>, deps: CommandDeps) {
  app.get('/console/handovers', (c) => {
    const r = consoleRequest(c, deps);
    if (!r.access.can('handover.audit'))
      return renderConsole(
        c,
        r,
        { title: 'Not available', body: <p>The handover audit is for the MH lead and supervisors.</p> },
        403,
      );
    const a = readQuery(c, deps);
    return renderConsole(c, r, {
      title: 'Handover audit',
      active: 'handovers',
      body: (
        <>
          <Filters r={r} a={a} />
          <p class="muted">
            {a.period.label}: the place-of-safety filter applies to the handovers at places of safety, the agency filter
            to the referrals.
          </p>
          <PlaceOfSafety r={r} a={a} />
          <Referrals r={r} a={a} />
        </>
      ),
    });
  });
}
