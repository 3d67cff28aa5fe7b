/**
 * The console's frame, the same on every screen: a header with the force, who is signed in and as
 * what, sign-out, the navigation the role may use, the live-connection indicator and the alert
 * badge; under it the banner of unacknowledged critical alerts (visible on every screen); the
 * page; the keyboard shortcut help. Scripts and styles are files this server serves (strict CSP):
 * htmx 2 and its SSE extension from npm, and /assets/console.js (shortcuts, clocks, live status).
 *
 * A screen builds a `ConsoleRequest` (`consoleRequest(c, deps)`) and answers `renderConsole(...)`.
 * Live parts are htmx partials (`live(path, …)`): they reload themselves when the page's event stream
 * (`sse-connect` on <body>, the change feed) reports a change they show.
 */
import type { Context } from 'hono';
import type { RecordRef } from '../../access/access-log.js';
import type { Operation } from '../../access/policy.js';
import type { ActiveSession } from '../../access/session/index.js';
import type { CommandDeps } from '../../commands/deps.js';
import type { AppEnv } from '../../http/types.js';
import { alertSummary, type AlertSummary } from '../../queries/alert-summary.js';
import { consoleAccess, type ConsoleAccess } from './access.js';
import { Tag } from './components.js';
import { localiseTimes, localTime } from './format.js';
import { roleLabel } from './labels.js';
import { GLOBAL_SHORTCUTS, NAV, type Shortcut } from './nav.js';
import { noteShown } from './shown.js';

/**
 * The page's event stream: the change feed (src/live/change-feed.ts), which says of every committed
 * change which incident it was and the unacknowledged-alert counts after it.
 */
export const LIVE_PATH = '/api/stream';

/**
 * htmx attributes of a part that reloads itself from `path` when the feed reports a change. `incident`:
 * only a change to that incident; `alerts`: only when the unacknowledged counts differ from these
 * (console.js compares them). After a reconnect that missed too much, the feed says `reload`: every
 * part reloads.
 */
export function live(
  path: string,
  o: { incident?: string; alerts?: { waiting: number; critical: number } } = {},
): Record<string, string> {
  // A burst of changes (a grade, then a dispatch) reloads once, 150 ms after the last: never a stale last one.
  return {
    'hx-get': path,
    'hx-trigger': 'sse:incident delay:150ms, sse:alert delay:150ms, sse:reload',
    'hx-swap': 'outerHTML',
    ...(o.incident ? { 'data-live-incident': o.incident } : {}),
    ...(o.alerts ? { 'data-live-alerts': `${o.alerts.waiting},${o.alerts.critical}` } : {}),
  };
}

/** Everything a console screen needs to know about this request. */
export interface ConsoleRequest {
  deps: CommandDeps;
  session: ActiveSession;
  user: ActiveSession['user'];
  access: ConsoleAccess;
  /** The server's clock (injected): every "now" on the page. */
  now: Date;
  timeZone: string;
  csrf: string;
  /** Says which records a list put on the page (written to the access log: src/web/console/shown.ts). */
  shown: (op: Operation, records: readonly RecordRef[]) => void;
}

/** The request's console context; only behind `requireSignedIn` (a session is there). */
export function consoleRequest(c: Context<AppEnv>, deps: CommandDeps): ConsoleRequest {
  const session = c.var.session!;
  return {
    deps,
    session,
    user: session.user,
    access: consoleAccess(session.user.role, c.var.access.policy),
    now: deps.clock.now(),
    timeZone: deps.config.force.timezone,
    csrf: session.csrfToken,
    shown: (op, records) => noteShown(c, op, records),
  };
}

export interface ConsolePage {
  title: string;
  /** The NAV key of the screen (marked as the current page). */
  active?: string;
  /** Keys this page adds to the help dialog (its elements carry data-key). */
  shortcuts?: readonly Shortcut[];
  /** A status line under the title (e.g. "Recorded: THRIVE assessment"). */
  flash?: unknown;
  body: unknown;
}

const HTMX_CONFIG = JSON.stringify({
  // No inline <style> (the CSP forbids it), no eval, no scripts from swapped content, only this site,
  // and nothing of a page (personal data) kept in the browser's storage for history.
  includeIndicatorStyles: false,
  allowEval: false,
  allowScriptTags: false,
  selfRequestsOnly: true,
  historyCacheSize: 0,
  refreshOnHistoryMiss: true,
});

/** The unacknowledged critical alerts: on every screen, until someone deals with them. */
export function AlertBanner({ r, summary }: { r: ConsoleRequest; summary: AlertSummary }) {
  const attrs = live('/console/partials/banner', {
    alerts: { waiting: summary.waiting, critical: summary.criticalCount },
  });
  if (!r.access.can('alert.read')) return <div id="alert-banner" />;
  if (summary.criticalCount === 0) return <div id="alert-banner" {...attrs} />;
  return (
    <div id="alert-banner" class="banner" role="alert" {...attrs}>
      <p class="banner-title">
        <Tag tone="danger">
          {summary.criticalCount} critical alert{summary.criticalCount === 1 ? '' : 's'} not acknowledged
        </Tag>{' '}
        <a href="/console/alerts?severity=critical">Acknowledge them</a>
      </p>
      <ul>
        {summary.critical.map((a) => (
          <li>
            <a href={`/console/incidents/${a.incidentId}`}>{a.reference ?? 'Incident'}</a>{' '}
            <span class="rule">{a.rule}</span> {localiseTimes(a.message, r.timeZone, r.now)}{' '}
            <span class="muted">({localTime(a.raisedAt, r.timeZone, r.now)})</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The number beside "Alerts" in the navigation. */
export function AlertBadge({ summary }: { summary: AlertSummary }) {
  return (
    <span
      id="alert-badge"
      class={`badge${summary.criticalCount > 0 ? ' badge-danger' : ''}`}
      {...live('/console/partials/badge', { alerts: { waiting: summary.waiting, critical: summary.criticalCount } })}
    >
      {summary.waiting > 0 ? (
        <>
          {summary.waiting}
          <span class="visually-hidden"> not acknowledged</span>
        </>
      ) : null}
    </span>
  );
}

function Header({ r, page, summary }: { r: ConsoleRequest; page: ConsolePage; summary: AlertSummary }) {
  const force = r.deps.config.force.name;
  return (
    <header class="top">
      <div class="brand">
        <span class="force">{force}</span>
        <span class="product">Mental-health triage console</span>
      </div>
      <nav aria-label="Console">
        <ul>
          {NAV.filter((n) => r.access.can(n.op)).map((n) => (
            <li>
              <a
                href={n.href}
                class="nav-link"
                data-key={n.shortcut}
                aria-current={page.active === n.key ? 'page' : undefined}
                aria-keyshortcuts={n.shortcut}
              >
                {n.label}
                <span class="key" aria-hidden="true">
                  {n.shortcut}
                </span>
                {n.key === 'alerts' ? <AlertBadge summary={summary} /> : null}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <p id="live-status" class="live" role="status" data-state="connecting" hidden={!r.access.can('incident.read')}>
        <span class="icon" aria-hidden="true">
          ●
        </span>
        <span class="live-text">Connecting…</span>
      </p>
      <div class="who">
        <span class="user-name">{r.user.name}</span>
        <span class="user-role">{roleLabel(r.user.role)}</span>
        <form method="post" action="/sign-out" class="sign-out">
          <input type="hidden" name="csrf" value={r.csrf} />
          <button type="submit">Sign out</button>
        </form>
      </div>
    </header>
  );
}

function ShortcutHelp({ page }: { page: ConsolePage }) {
  const rows = [...GLOBAL_SHORTCUTS, ...(page.shortcuts ?? [])];
  return (
    <dialog id="shortcut-help" aria-labelledby="shortcut-help-title">
      <h2 id="shortcut-help-title">Keyboard shortcuts</h2>
      <table>
        <caption class="visually-hidden">Keys and what they do</caption>
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Does</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr>
              <td>
                <kbd>{s.keys}</kbd>
              </td>
              <td>{s.label}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="dialog">
        <button type="submit">Close</button>
      </form>
    </dialog>
  );
}

/** A whole console page. */
export function ConsoleShell({ r, page, summary }: { r: ConsoleRequest; page: ConsolePage; summary: AlertSummary }) {
  return (
    <html lang="en-GB">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <meta name="htmx-config" content={HTMX_CONFIG} />
        <title>
          {page.title} — {r.deps.config.force.name} console
        </title>
        <link rel="icon" href="/assets/icon.svg" />
        <link rel="stylesheet" href="/assets/console.css" />
        <script src="/assets/vendor/htmx.min.js" defer></script>
        <script src="/assets/vendor/htmx-sse.min.js" defer></script>
        <script src="/assets/console.js" defer></script>
      </head>
      <body
        // Only roles that may read incidents get the change feed (the stream refuses the others).
        {...(r.access.can('incident.read') ? { 'hx-ext': 'sse', 'sse-connect': LIVE_PATH } : {})}
        data-server-now={r.now.toISOString()}
        data-time-zone={r.timeZone}
      >
        <a class="skip-link" href="#main">
          Skip to the page
        </a>
        <Header r={r} page={page} summary={summary} />
        <AlertBanner r={r} summary={summary} />
        <main id="main" tabindex={-1}>
          <h1>{page.title}</h1>
          {page.flash ? (
            <div class="flash" role="status">
              {page.flash}
            </div>
          ) : null}
          {page.body}
        </main>
        <footer class="bottom">
          <p>
            Press <kbd>?</kbd> for keyboard shortcuts. Times are {r.timeZone} local time.
          </p>
        </footer>
        <ShortcutHelp page={page} />
      </body>
    </html>
  );
}

/** Answers a console page (never cached: it carries personal data). */
export function renderConsole(c: Context<AppEnv>, r: ConsoleRequest, page: ConsolePage, status = 200) {
  const summary = alertSummary(r.deps.db);
  c.header('Cache-Control', 'no-store');
  return c.html(`<!doctype html>${String(<ConsoleShell r={r} page={page} summary={summary} />)}`, status as 200);
}

/** Answers an htmx partial (a fragment of a page). */
export function renderPartial(c: Context<AppEnv>, fragment: unknown, status = 200) {
  c.header('Cache-Control', 'no-store');
  return c.html(String(fragment), status as 200);
}
