/**
 * Screen 5, alerts: what the rules raised on open incidents (R6 unresourced, R10 a child and RCRP,
 * R15 repeat contact, R23 the s.136 clock, R26 healthcare checks, R35 handover …), newest first,
 * critical ones filterable, each linking to its incident. Reloads itself when alerts change.
 */
import type { Hono } from 'hono';
import type { CommandDeps } from '../../../commands/deps.js';
import type { AppEnv } from '../../../http/types.js';
import { listAlerts } from '../../../queries/alerts.js';
import { Tag, type Tone } from '../components.js';
import { localTime } from '../format.js';
import { valueLabel } from '../labels.js';
import { type ConsoleRequest, consoleRequest, renderConsole, renderPartial } from '../shell.js';

const SEVERITIES = ['critical', 'warning', 'info'] as const;
type Severity = (typeof SEVERITIES)[number];
export const severityTone = (s: string): Tone => (s === 'critical' ? 'danger' : s === 'warning' ? 'warn' : 'info');

const readSeverity = (s: string | undefined): Severity | undefined =>
  (SEVERITIES as readonly string[]).includes(s ?? '') ? (s as Severity) : undefined;

export function AlertsSection({ r, severity }: { r: ConsoleRequest; severity: Severity | undefined }) {
  const rows = listAlerts(r.deps.db, { incidentStatus: 'open', severity, limit: 500 });
  return (
    <section
      id="alerts"
      hx-get={`/console/partials/alerts${severity ? `?severity=${severity}` : ''}`}
      hx-trigger="sse:alert throttle:250ms, sse:incident throttle:250ms"
      hx-swap="outerHTML"
    >
      <table class="grid alerts" data-rows>
        <caption>
          {rows.length} alert{rows.length === 1 ? '' : 's'} on open incidents{severity ? ` (${severity})` : ''}, newest
          first
        </caption>
        <thead>
          <tr>
            <th scope="col">Severity</th>
            <th scope="col">Rule</th>
            <th scope="col">Incident</th>
            <th scope="col">What</th>
            <th scope="col">Raised</th>
            <th scope="col">For</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr>
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
              <td>{a.message}</td>
              <td>{localTime(a.raisedAt, r.timeZone, r.now)}</td>
              <td>{a.notify ? valueLabel(a.notify) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 ? <p class="muted">No alert waiting.</p> : null}
    </section>
  );
}

export function registerAlertsScreen(app: Hono<AppEnv>, deps: CommandDeps) {
  app.get('/console/alerts', (c) => {
    const r = consoleRequest(c, deps);
    if (!r.access.can('alert.read'))
      return renderConsole(c, r, { title: 'Not available', body: <p>Your role cannot see alerts.</p> }, 403);
    const severity = readSeverity(c.req.query('severity'));
    return renderConsole(c, r, {
      title: 'Alerts',
      active: 'alerts',
      body: (
        <>
          <form method="get" action="/console/alerts" class="filters" aria-label="Filter the alerts">
            <label for="f-severity">Severity</label>
            <select id="f-severity" name="severity" data-key-focus>
              <option value="">All</option>
              {SEVERITIES.map((s) => (
                <option value={s} selected={severity === s}>
                  {valueLabel(s)}
                </option>
              ))}
            </select>
            <button type="submit">Filter</button>
          </form>
          <AlertsSection r={r} severity={severity} />
        </>
      ),
    });
  });
  app.get('/console/partials/alerts', (c) => {
    const r = consoleRequest(c, deps);
    if (!r.access.can('alert.read')) return renderPartial(c, '', 403);
    return renderPartial(c, <AlertsSection r={r} severity={readSeverity(c.req.query('severity'))} />);
  });
}
