/**
 * Screen 6b, a detention's review (issue 14): the legal timeline step by step in the law's order,
 * each step with when it happened, who recorded it and when (and how much later), and beside it the
 * rules it was checked against with the result — passed, flagged or not recorded — in words, an
 * icon and colour; the rules at a glance; ADR completeness; the MH lead's findings (the current one
 * and the history) and the form to record a new one; and the export of the record for the IOPC or a
 * coroner, which asks for the reason and is logged as a disclosure.
 */
import { randomUUID } from 'node:crypto';
import type { Context, Hono } from 'hono';
import type { CommandDeps } from '../../../commands/deps.js';
import { requestHash } from '../../../commands/idempotency.js';
import { recordDetentionFinding } from '../../../commands/record-detention-finding.js';
import { labelOf, OUTCOME_LABEL, PLACE_TYPE_LABEL } from '../../../domain/detention-labels.js';
import { canonicalJson } from '../../../domain/incident-aggregate.js';
import { isProblem } from '../../../http/problem.js';
import { notSaved } from '../../../http/respond.js';
import { cspOverride } from '../../../http/security-headers.js';
import type { AppEnv } from '../../../http/types.js';
import type { Finding } from '../../../queries/detention-findings.js';
import {
  type CheckResult,
  type DetentionReview,
  detentionReview,
  PHASE_LABEL,
  REVIEW_PHASES,
  type ReviewStep,
} from '../../../queries/detention-review.js';
import { RESULT_TEXT } from '../../../reports/detention-record.js';
import { exportDetention } from '../../../routes/detentions/detentions.handlers.js';
import { findingInputSchema } from '../../../routes/detentions/detentions.routes.js';
import { Tag, type Tone } from '../components.js';
import { valueLabel } from '../labels.js';
import { duration } from '../format.js';
import { type ConsoleRequest, consoleRequest, renderConsole } from '../shell.js';
import { consult } from '../consult.js';
import { disclosureReasonFromForm } from '../../../routes/detentions/disclosure.js';
import { ReasonFields, ReviewTag } from './detentions.js';
import { dayTime } from './period.js';

const RESULT_TONE: Record<CheckResult, Tone> = { passed: 'ok', flagged: 'danger', notRecorded: 'warn' };

export function ResultTag({ result }: { result: CheckResult }) {
  return <Tag tone={RESULT_TONE[result]}>{RESULT_TEXT[result]}</Tag>;
}

/** A step written down this many minutes or more after it happened is marked as recorded late. */
const LATE_RECORD_MINUTES = 15;

/** What a refused finding form keeps: the values typed and the message. */
interface KeptFinding {
  values: { conclusion: string; concernRules: string[]; learningPoints: string; note: string };
  message: string;
  field: string | null;
}

function Summary({ r, v }: { r: ConsoleRequest; v: DetentionReview }) {
  const d = v.detention;
  const t = (iso: string | null) => (iso ? dayTime(iso, r.timeZone) : 'not recorded');
  const place = d.firstPlaceOfSafety;
  return (
    <div class="panel review-summary">
      <div class="header-line">
        <span class="ref">{d.incidentReference ?? d.incidentId}</span>
        <span>
          {d.power === 's136' ? 's.136 detention' : d.power === 's135_1' ? 's.135(1) warrant' : 's.135(2) warrant'}
        </span>
        <Tag tone={d.status === 'lapsed' ? 'danger' : d.status === 'running' ? 'info' : 'neutral'}>
          {valueLabel(d.status)}
        </Tag>
        <ReviewTag review={d.review} />
        <a href={`/console/incidents/${d.incidentId}`}>Open the incident</a>
      </div>
      <dl class="facts">
        <dt>Detained</dt>
        <dd>{t(d.detainedAt)}</dd>
        <dt>Clock started</dt>
        <dd>{t(d.clockStart)}</dd>
        <dt>Permitted period ends</dt>
        <dd>
          {t(d.expiresAt)}
          {d.extensionHours ? ` (extended by ${d.extensionHours} h)` : ''}
        </dd>
        <dt>First place of safety</dt>
        <dd>
          {place
            ? place.site
              ? (r.deps.config.s136.placesOfSafety.find((p) => p.code === place.site)?.label ?? place.site)
              : labelOf(PLACE_TYPE_LABEL, place.type)
            : 'none'}
        </dd>
        <dt>Outcome</dt>
        <dd>{d.outcome ? `${labelOf(OUTCOME_LABEL, d.outcome)}, ${t(d.endedAt)}` : 'not recorded'}</dd>
        <dt>ADR record (R42)</dt>
        <dd>
          {d.adr.complete ? (
            <Tag tone="ok">Complete</Tag>
          ) : (
            <Tag tone="warn">Missing: {d.adr.missing.join(', ') || 'not yet a detention'}</Tag>
          )}
        </dd>
      </dl>
    </div>
  );
}

function RulesAtAGlance({ v }: { v: DetentionReview }) {
  return (
    <table class="grid rules">
      <caption>Rules checked</caption>
      <thead>
        <tr>
          <th scope="col">Rule</th>
          <th scope="col">Result</th>
        </tr>
      </thead>
      <tbody>
        {v.rules.map((x) => (
          <tr data-rule={x.rule}>
            <th scope="row">
              <span class="rule">{x.rule}</span> {x.title}
            </th>
            <td>
              <ResultTag result={x.result} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Recorded({ r, s }: { r: ConsoleRequest; s: ReviewStep }) {
  if (!s.recordedBy || !s.recordedAt) return <span class="muted">—</span>;
  const late = (s.recordedAfterMinutes ?? 0) >= LATE_RECORD_MINUTES;
  return (
    <>
      {s.recordedBy.name} <span class="muted">({s.recordedBy.role})</span>
      <br />
      {dayTime(s.recordedAt, r.timeZone)}
      {late ? (
        <>
          {' '}
          <Tag tone="warn">{duration((s.recordedAfterMinutes ?? 0) * 60_000)} after it happened</Tag>
        </>
      ) : null}
    </>
  );
}

function Timeline({ r, v }: { r: ConsoleRequest; v: DetentionReview }) {
  return (
    <>
      {REVIEW_PHASES.filter((p) => v.steps.some((s) => s.phase === p)).map((phase) => (
        <section class="phase" aria-labelledby={`phase-${phase}`}>
          <h2 id={`phase-${phase}`}>{PHASE_LABEL[phase]}</h2>
          <table class="grid steps">
            <caption class="visually-hidden">
              {PHASE_LABEL[phase]}: each step, when it happened, who recorded it, and the rules it was checked against
            </caption>
            <thead>
              <tr>
                <th scope="col">Step</th>
                <th scope="col">Happened</th>
                <th scope="col">Recorded by, and when</th>
                <th scope="col">Checked against</th>
              </tr>
            </thead>
            <tbody>
              {v.steps
                .filter((s) => s.phase === phase)
                .map((s) => (
                  <tr data-step={s.key} class={s.recordedBy ? undefined : 'not-recorded'}>
                    <th scope="row">
                      {s.label}
                      {s.facts.length > 0 ? (
                        <ul class="facts-list">
                          {s.facts.map((f) => (
                            <li>{f}</li>
                          ))}
                        </ul>
                      ) : null}
                    </th>
                    <td>{s.occurredAt ? dayTime(s.occurredAt, r.timeZone) : <span class="muted">—</span>}</td>
                    <td>
                      <Recorded r={r} s={s} />
                    </td>
                    <td>
                      {s.checks.length === 0 ? (
                        <span class="muted">No rule</span>
                      ) : (
                        <ul class="checks">
                          {s.checks.map((k) => (
                            <li data-rule={k.rule}>
                              <ResultTag result={k.result} /> <span class="rule">{k.rule}</span> {k.title}
                              <span class="check-detail">{k.detail}</span>
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        </section>
      ))}
    </>
  );
}

function FindingView({ r, f, current }: { r: ConsoleRequest; f: Finding; current: boolean }) {
  return (
    <article class={`finding${current ? ' current' : ''}`}>
      <p>
        <ReviewTag review={f} /> {current ? <strong>Current finding</strong> : <span class="muted">Earlier</span>}:{' '}
        {f.reviewedBy.name}, {dayTime(f.recordedAt, r.timeZone)}
      </p>
      {f.concernRules.length > 0 ? <p>Concerns about: {f.concernRules.join(', ')}</p> : null}
      {f.learningPoints.length > 0 ? (
        <ul>
          {f.learningPoints.map((p) => (
            <li>{p}</li>
          ))}
        </ul>
      ) : null}
      {f.note ? <p class="note">{f.note}</p> : null}
    </article>
  );
}

function FindingForm({ r, v, kept }: { r: ConsoleRequest; v: DetentionReview; kept?: KeptFinding }) {
  const id = v.detention.id;
  const val = kept?.values ?? { conclusion: '', concernRules: [], learningPoints: '', note: '' };
  // The rules this detention was checked against, those not passed first.
  const rules = [...v.rules].sort((a, b) => Number(a.result === 'passed') - Number(b.result === 'passed'));
  const concerned = (rule: string) => val.concernRules.includes(rule);
  return (
    <form method="post" action={`/console/detentions/${id}/findings`} class="finding-form" id="finding-form">
      <input type="hidden" name="csrf" value={r.csrf} />
      <input type="hidden" name="key" value={randomUUID()} />
      {kept ? (
        <p class="error" role="alert">
          {kept.message}
        </p>
      ) : null}
      <fieldset>
        <legend>Conclusion</legend>
        <label class="choice">
          <input
            type="radio"
            name="conclusion"
            value="lawfulAndTimely"
            required
            checked={val.conclusion === 'lawfulAndTimely'}
          />{' '}
          Lawful and timely
        </label>
        <label class="choice">
          <input type="radio" name="conclusion" value="concerns" checked={val.conclusion === 'concerns'} /> Concerns
        </label>
      </fieldset>
      <fieldset>
        <legend>Rules of concern (with "Concerns")</legend>
        <div class="rule-choices">
          {rules.map((x) => (
            <label class="choice">
              <input type="checkbox" name="concernRules" value={x.rule} checked={concerned(x.rule)} /> {x.rule}{' '}
              {x.title} {x.result !== 'passed' ? <ResultTag result={x.result} /> : null}
            </label>
          ))}
        </div>
      </fieldset>
      <label for="f-learning">Learning points (one a line)</label>
      <textarea id="f-learning" name="learningPoints" rows={3}>
        {val.learningPoints}
      </textarea>
      <label for="f-note">Note</label>
      <textarea id="f-note" name="note" rows={4} maxlength={4000}>
        {val.note}
      </textarea>
      <button type="submit" class="primary">
        Record finding
      </button>
      <p class="hint">A finding is never changed: a new finding supersedes it, and both are kept.</p>
    </form>
  );
}

function ExportForm({ r, v, refused }: { r: ConsoleRequest; v: DetentionReview; refused?: string }) {
  return (
    <form method="post" action={`/console/detentions/${v.detention.id}/export`} class="export-form" id="export-form">
      <input type="hidden" name="csrf" value={r.csrf} />
      <p class="hint">For the IOPC or a coroner. The export is logged as a disclosure to you, with your reason.</p>
      <ReasonFields idPrefix="export" reasons={r.deps.config.access.reasons} selected="courtOrCoroner" />
      <fieldset>
        <legend>Format</legend>
        <label class="choice">
          <input type="radio" name="format" value="html" checked /> Printable page
        </label>
        <label class="choice">
          <input type="radio" name="format" value="json" /> JSON file
        </label>
      </fieldset>
      {refused ? (
        <p class="error" role="alert">
          {refused}
        </p>
      ) : null}
      <button type="submit">Export the record</button>
    </form>
  );
}

function ReviewPage({
  r,
  v,
  kept,
  refusedExport,
}: {
  r: ConsoleRequest;
  v: DetentionReview;
  kept?: KeptFinding;
  refusedExport?: string;
}) {
  return (
    <>
      <p>
        <a href="/console/detentions" data-key="l">
          Back to the detentions
        </a>
      </p>
      <Summary r={r} v={v} />
      <div class="review-columns">
        <div class="review-main">
          <Timeline r={r} v={v} />
        </div>
        <aside class="review-side" aria-label="Rules, findings and export">
          <RulesAtAGlance v={v} />
          <section aria-labelledby="findings-title">
            <h2 id="findings-title">The MH lead's findings</h2>
            {v.findings.length === 0 ? <p class="muted">Not reviewed yet.</p> : null}
            {v.findings.map((f, i) => (
              <FindingView r={r} f={f} current={i === 0} />
            ))}
            {r.access.can('detention.review') ? (
              <details class="action" open={kept || v.findings.length === 0 ? true : undefined}>
                <summary>{v.findings.length === 0 ? 'Record a finding' : 'Record a new finding'}</summary>
                <div class="action-body">
                  <FindingForm r={r} v={v} kept={kept} />
                </div>
              </details>
            ) : null}
          </section>
          <section aria-labelledby="export-title">
            <h2 id="export-title">Export for the IOPC or a coroner</h2>
            <ExportForm r={r} v={v} refused={refusedExport} />
          </section>
        </aside>
      </div>
    </>
  );
}

/** The finding a posted form means (learning points one a line), before the schema checks it. */
function findingFromForm(form: Record<string, string | File | (string | File)[]>) {
  const text = (k: string) => (typeof form[k] === 'string' ? (form[k] as string) : '');
  const list = (k: string) => [form[k] ?? []].flat().filter((x): x is string => typeof x === 'string');
  return {
    values: {
      conclusion: text('conclusion'),
      concernRules: list('concernRules'),
      learningPoints: text('learningPoints'),
      note: text('note'),
    },
    input: {
      conclusion: text('conclusion'),
      concernRules: list('concernRules'),
      learningPoints: text('learningPoints')
        .split(/\r?\n/)
        .map((x) => x.trim())
        .filter(Boolean),
      note: text('note').trim(),
    },
  };
}

export function registerDetentionReviewScreen(app: Hono<AppEnv>, deps: CommandDeps) {
  // The printable record is one self-contained document with its own style (as the API's export).
  app.use('/console/detentions/:id/export', cspOverride({ styleSrc: ["'unsafe-inline'"] }));

  function open(c: Context<AppEnv>) {
    const r = consoleRequest(c, deps);
    if (!r.access.can('detention.review'))
      return renderConsole(
        c,
        r,
        { title: 'Not available', body: <p>The detention review is for the mental-health lead.</p> },
        403,
      );
    const id = c.req.param('id') ?? '';
    const v = detentionReview(deps.db, r.now, id, r.timeZone);
    if (!v)
      return renderConsole(
        c,
        r,
        {
          title: 'No such detention',
          body: (
            <p>
              There is no detention with this id. <a href="/console/detentions">Back to the detentions</a>
            </p>
          ),
        },
        404,
      );
    return { r, v };
  }

  const page = (
    c: Context<AppEnv>,
    r: ConsoleRequest,
    v: DetentionReview,
    o: { kept?: KeptFinding; refusedExport?: string; status?: number } = {},
  ) =>
    renderConsole(
      c,
      r,
      {
        title: `Review of detention ${v.detention.incidentReference ?? v.detention.id}`,
        active: 'detentions',
        shortcuts: [{ keys: 'l', label: 'Back to the list of detentions' }],
        flash:
          c.req.query('done') === 'finding' && !o.kept ? (
            <>
              <Tag tone="ok">Recorded</Tag> Your finding is recorded.
            </>
          ) : undefined,
        body: <ReviewPage r={r} v={v} kept={o.kept} refusedExport={o.refusedExport} />,
      },
      o.status ?? 200,
    );

  app.get('/console/detentions/:id', async (c) => {
    const o = open(c);
    if (o instanceof Response) return o;
    const records = [
      { type: 'detention' as const, id: o.v.detention.id },
      { type: 'incident' as const, id: o.v.detention.incidentId },
    ];
    const refused = await consult(c, o.r, 'detention.review', { action: 'detention.review', records });
    return refused ?? page(c, o.r, o.v);
  });

  app.post('/console/detentions/:id/findings', async (c) => {
    const o = open(c);
    if (o instanceof Response) return o;
    const { r, v } = o;
    const form = await c.req.parseBody({ all: true });
    const { values, input } = findingFromForm(form);
    const parsed = findingInputSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = String(issue.path[0] ?? '');
      const message =
        field === 'conclusion'
          ? 'Choose the conclusion: lawful and timely, or concerns.'
          : `${field}: ${issue.message}`;
      return page(c, r, v, { kept: { values, message, field }, status: 400 });
    }
    const key = typeof form.key === 'string' && /^[\x21-\x7e]{1,200}$/.test(form.key) ? form.key : null;
    const result = recordDetentionFinding(
      deps,
      {
        actor: { id: r.user.id, role: r.user.role },
        idempotencyKey: key,
        requestHash: requestHash('POST', `/api/detentions/${v.detention.id}/findings`, canonicalJson(parsed.data)),
      },
      v.detention.id,
      parsed.data,
    );
    if (!result.ok) {
      const ref = result.refusal;
      const field = ref.kind === 'invalid' ? (ref.issues[0]?.path.replace(/^body\./, '') ?? null) : null;
      return page(c, r, v, { kept: { values, message: ref.message, field }, status: 400 });
    }
    const failed = await notSaved(deps);
    if (failed) return page(c, r, v, { kept: { values, message: failed.detail, field: null }, status: 503 });
    return c.redirect(`/console/detentions/${v.detention.id}?done=finding`, 303);
  });

  app.post('/console/detentions/:id/export', async (c) => {
    const o = open(c);
    if (o instanceof Response) return o;
    const { r, v } = o;
    const form = await c.req.parseBody();
    const why = disclosureReasonFromForm(deps.config, form);
    if (isProblem(why))
      return page(c, r, v, {
        refusedExport: why.status === 428 ? 'Choose the reason for the export.' : why.detail,
        status: 400,
      });
    const format = form.format === 'json' ? 'json' : 'html';
    const out = (await exportDetention(deps, c, v.detention.id, format, why))!;
    if (!out.ok) return page(c, r, v, { refusedExport: out.problem.detail, status: out.problem.status });
    c.header('Cache-Control', 'no-store');
    if (format === 'html') return c.html(out.html());
    return c.body(JSON.stringify(out.record, null, 2), 200, {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="detention-${v.detention.id}.json"`,
    });
  });
}
