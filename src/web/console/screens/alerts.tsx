/**
 * Screen 5, alerts: what the rules raised on open incidents (R6 unresourced, R10 a child and RCRP,
 * R13 referral escalation, R15 repeat contact, R23 the s.136 clock, R26 healthcare checks, R35
 * handover …), newest first, those nobody has acknowledged first in view; acknowledge with a note,
 * escalate (a supervisor) — each recorded by the API's own commands (respond-to-alert.ts), with
 * the API's own input schemas. The list reloads itself as alerts change; a note being typed is kept
 * (hx-preserve).
 */
import type { Context, Hono } from 'hono';
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { CommandDeps } from '../../../commands/deps.js';
import { requestHash } from '../../../commands/idempotency.js';
import { acknowledgeAlert, escalateAlert } from '../../../commands/respond-to-alert.js';
import type { Refusal } from '../../../commands/refusal.js';
import { canonicalJson } from '../../../domain/incident-aggregate.js';
import { notSaved } from '../../../http/respond.js';
import type { AppEnv } from '../../../http/types.js';
import { type AlertView, listAlerts } from '../../../queries/alerts.js';
import { acknowledge as acknowledgeRoute, escalate as escalateRoute } from '../../../routes/alerts/alerts.routes.js';
import { Tag, type Tone } from '../components.js';
import { localiseTimes, localTime } from '../format.js';
import { valueLabel } from '../labels.js';
import { formValues, issuesByField, readForm } from '../schema-form.js';
import { type ConsoleRequest, consoleRequest, live, renderConsole, renderPartial } from '../shell.js';

const SEVERITIES = ['critical', 'warning', 'info'] as const;
type Severity = (typeof SEVERITIES)[number];
export const severityTone = (s: string): Tone => (s === 'critical' ? 'danger' : s === 'warning' ? 'warn' : 'info');

/** The API's own input schemas of the two actions. */
const ACK_SCHEMA = acknowledgeRoute.request.body.content['application/json'].schema as unknown as z.ZodType;
const ESCALATE_SCHEMA = escalateRoute.request.body.content['application/json'].schema as unknown as z.ZodType;

interface AlertsFilter {
  severity: Severity | undefined;
  /** Also the acknowledged ones. */
  all: boolean;
}

function readFilter(q: Record<string, string | undefined>): AlertsFilter {
  const s = q.severity ?? '';
  return {
    severity: (SEVERITIES as readonly string[]).includes(s) ? (s as Severity) : undefined,
    all: q.all === '1',
  };
}

const filterQuery = (f: AlertsFilter) =>
  new URLSearchParams([...(f.severity ? [['severity', f.severity]] : []), ...(f.all ? [['all', '1']] : [])]).toString();

/** What was done about an alert: acknowledged (who, when, note) and escalations. */
function Handled({ r, a }: { r: ConsoleRequest; a: AlertView }) {
  const ack = a.acknowledgement;
  return (
    <>
      {ack ? (
        <p class="handled">
          <Tag tone="ok">Acknowledged</Tag> by {ack.by.name} ({valueLabel(ack.by.role)}),{' '}
          {localTime(ack.at, r.timeZone, r.now)}
          {ack.note ? `: ${ack.note}` : ''}
        </p>
      ) : null}
      {a.escalations.map((x) => (
        <p class="handled">
          <Tag tone="warn">Escalated</Tag> to {x.to}
          {x.level ? ` (level ${x.level})` : ''} by {x.by.name}, {localTime(x.at, r.timeZone, r.now)}
          {x.note ? `: ${x.note}` : ''}
        </p>
      ))}
    </>
  );
}

function Actions({ r, a, back }: { r: ConsoleRequest; a: AlertView; back: string }) {
  const id = a.id.replace(/[^A-Za-z0-9_-]/g, '-');
  return (
    <div class="alert-actions">
      {!a.acknowledgement && r.access.can('alert.acknowledge') ? (
        <form method="post" action={`/console/alerts/${encodeURIComponent(a.id)}/acknowledge`} class="inline-form">
          <input type="hidden" name="csrf" value={r.csrf} />
          <input type="hidden" name="key" value={randomUUID()} />
          <input type="hidden" name="back" value={back} />
          <label for={`ack-note-${id}`}>Note</label>
          <input type="text" id={`ack-note-${id}`} name="note" maxlength={1000} hx-preserve="true" autocomplete="off" />
          <button type="submit">Acknowledge</button>
        </form>
      ) : null}
      {r.access.can('alert.escalate') ? (
        <details class="escalate" id={`esc-${id}`} hx-preserve="true">
          <summary>Escalate</summary>
          <form method="post" action={`/console/alerts/${encodeURIComponent(a.id)}/escalate`} class="inline-form">
            <input type="hidden" name="csrf" value={r.csrf} />
            <input type="hidden" name="key" value={randomUUID()} />
            <input type="hidden" name="back" value={back} />
            <label for={`esc-to-${id}`}>To</label>
            <input type="text" id={`esc-to-${id}`} name="to" maxlength={200} autocomplete="off" />
            <label for={`esc-level-${id}`}>Level (optional)</label>
            <input type="number" id={`esc-level-${id}`} name="level" min={1} max={10} class="narrow" />
            <label for={`esc-note-${id}`}>Note (optional)</label>
            <input type="text" id={`esc-note-${id}`} name="note" maxlength={1000} autocomplete="off" />
            <button type="submit">Escalate</button>
          </form>
        </details>
      ) : null}
    </div>
  );
}

export function AlertsSection({ r, filter }: { r: ConsoleRequest; filter: AlertsFilter }) {
  const rows = listAlerts(r.deps.db, {
    incidentStatus: 'open',
    severity: filter.severity,
    ...(filter.all ? {} : { acknowledged: false }),
    limit: 500,
  });
  r.shown('alert.read', [
    ...rows.map((a) => ({ type: 'alert' as const, id: a.id })),
    ...rows.map((a) => ({ type: 'incident' as const, id: a.incidentId })),
  ]);
  const back = `/console/alerts${filterQuery(filter) ? `?${filterQuery(filter)}` : ''}`;
  return (
    <section id="alerts" {...live(`/console/partials/alerts?${filterQuery(filter)}`)}>
      <table class="grid alerts" data-rows>
        <caption>
          {rows.length} {filter.all ? '' : 'unacknowledged '}alert{rows.length === 1 ? '' : 's'} on open incidents
          {filter.severity ? ` (${filter.severity})` : ''}, newest first
        </caption>
        <thead>
          <tr>
            <th scope="col">Severity</th>
            <th scope="col">Rule</th>
            <th scope="col">Incident</th>
            <th scope="col">What</th>
            <th scope="col">Raised</th>
            <th scope="col">For</th>
            <th scope="col">Dealt with</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr id={`alert-${a.id.replace(/[^A-Za-z0-9_-]/g, '-')}`}>
              <td>
                <Tag tone={severityTone(a.severity)}>{valueLabel(a.severity)}</Tag>
              </td>
              <td>
                <span class="rule">{a.rule}</span>
              </td>
              <td>
                <a href={`/console/incidents/${a.incidentId}`} class="ref" data-row>
                  {a.incidentReference ?? a.incidentId.slice(0, 8)}
                </a>
              </td>
              <td>{localiseTimes(a.message, r.timeZone, r.now)}</td>
              <td>{localTime(a.raisedAt, r.timeZone, r.now)}</td>
              <td>{a.notify ? valueLabel(a.notify) : '—'}</td>
              <td>
                <Handled r={r} a={a} />
                <Actions r={r} a={a} back={back} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 ? <p class="muted">No alert waiting.</p> : null}
    </section>
  );
}

function AlertsFilters({ filter }: { filter: AlertsFilter }) {
  return (
    <form method="get" action="/console/alerts" class="filters" aria-label="Filter the alerts">
      <label for="f-severity">Severity</label>
      <select id="f-severity" name="severity" data-key-focus>
        <option value="">All</option>
        {SEVERITIES.map((s) => (
          <option value={s} selected={filter.severity === s}>
            {valueLabel(s)}
          </option>
        ))}
      </select>
      <label for="f-all">Show</label>
      <select id="f-all" name="all">
        <option value="">Not yet acknowledged</option>
        <option value="1" selected={filter.all}>
          All, with what was done
        </option>
      </select>
      <button type="submit">Filter</button>
    </form>
  );
}

export function registerAlertsScreen(app: Hono<AppEnv>, deps: CommandDeps) {
  const page = (c: Context<AppEnv>, r: ConsoleRequest, refusal?: Refusal, status = 200) => {
    const filter = readFilter(c.req.query());
    const done = c.req.query('done');
    return renderConsole(
      c,
      r,
      {
        title: 'Alerts',
        active: 'alerts',
        flash: done ? (
          <>
            <Tag tone="ok">Recorded</Tag> {done === 'escalated' ? 'Escalated' : 'Acknowledged'}
          </>
        ) : undefined,
        body: (
          <>
            {refusal ? (
              <div class="refusal" role="alert" tabindex={-1} data-focus-on-load>
                <p>
                  <span aria-hidden="true">✖ </span>Not recorded: {localiseTimes(refusal.message, r.timeZone, r.now)}.
                </p>
              </div>
            ) : null}
            <AlertsFilters filter={filter} />
            <AlertsSection r={r} filter={filter} />
          </>
        ),
      },
      status,
    );
  };

  app.get('/console/alerts', (c) => {
    const r = consoleRequest(c, deps);
    if (!r.access.can('alert.read'))
      return renderConsole(c, r, { title: 'Not available', body: <p>Your role cannot see alerts.</p> }, 403);
    return page(c, r);
  });
  app.get('/console/partials/alerts', (c) => {
    const r = consoleRequest(c, deps);
    if (!r.access.can('alert.read')) return renderPartial(c, '', 403);
    return renderPartial(c, <AlertsSection r={r} filter={readFilter(c.req.query())} />);
  });

  /** Acknowledge or escalate: the API's schema, the API's command, then back to the list it came from. */
  const respond = (action: 'acknowledge' | 'escalate') => async (c: Context<AppEnv>) => {
    const r = consoleRequest(c, deps);
    const op = action === 'acknowledge' ? 'alert.acknowledge' : 'alert.escalate';
    if (!r.access.can(op))
      return renderConsole(c, r, { title: 'Not available', body: <p>Your role cannot {action} alerts.</p> }, 403);
    const alertId = c.req.param('id') ?? '';
    const values = formValues(await c.req.parseBody());
    const schema = action === 'acknowledge' ? ACK_SCHEMA : ESCALATE_SCHEMA;
    const input = readForm(schema, values, r.timeZone);
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      const issues = issuesByField(parsed.error, input);
      const message = Object.entries(issues)
        .map(([k, v]) => `${k}: ${v}`)
        .join('; ');
      return page(
        c,
        r,
        { kind: 'invalid', code: 'VALIDATION_FAILED', title: 'Check the form', message, issues: [] },
        400,
      );
    }
    const body = parsed.data as { note?: string; to?: string; level?: number };
    const key = /^[\x21-\x7e]{1,200}$/.test(values.key ?? '') ? values.key! : null;
    const meta = {
      actor: { id: r.user.id, role: r.user.role },
      idempotencyKey: key,
      requestHash: requestHash('POST', `/api/alerts/${alertId}/${action}`, canonicalJson(body)),
    };
    const result =
      action === 'acknowledge'
        ? acknowledgeAlert(deps, meta, alertId, body.note ?? null)
        : escalateAlert(deps, meta, alertId, { to: body.to!, level: body.level ?? null, note: body.note ?? null });
    if (!result.ok) return page(c, r, result.refusal, result.refusal.kind === 'notFound' ? 404 : 409);
    const failed = await notSaved(deps);
    if (failed)
      return page(c, r, { kind: 'conflict', code: failed.code, title: failed.title, message: failed.detail }, 503);
    const back = values.back?.startsWith('/console/alerts') ? values.back : '/console/alerts';
    return c.redirect(`${back}${back.includes('?') ? '&' : '?'}done=${result.body.action}`, 303);
  };
  app.post('/console/alerts/:id/acknowledge', respond('acknowledge'));
  app.post('/console/alerts/:id/escalate', respond('escalate'));
}
