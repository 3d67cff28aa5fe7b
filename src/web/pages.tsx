/** Server-rendered pages: the landing page and the API docs (Swagger UI served from this server, no CDN). */
import type { Hono } from 'hono';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ForceConfig } from '../config/schema.js';
import type { AppEnv } from '../http/types.js';
import type { FinancialYear } from '../reports/period.js';

function Landing({ force }: { force: string }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>Mental-health demand and triage — {force}</title>
        <link rel="stylesheet" href="/assets/site.css" />
      </head>
      <body>
        <h1>Mental-health demand and triage</h1>
        <p>
          Records every mental-health-related incident for <strong>{force}</strong> from the first call — THRIVE
          assessment, response grade and the Right Care Right Person decision — through police deployment or referral to
          a partner agency, to closure. Every step is an event with who did it and when, so police time and handovers
          can be audited and demand evidenced.
        </p>
        <ul>
          <li>
            <a href="/docs">API documentation</a> (interactive) and the <a href="/api/openapi.json">OpenAPI document</a>
          </li>
          <li>
            <a href="/reports">Demand evidence pack</a> for Police and Crime Commissioners
          </li>
          <li>
            <a href="/healthz">Health check</a>
          </li>
        </ul>
        <p>
          API calls need a bearer token: <code>npm run token -- --name "A Handler" --role call_handler</code>.
        </p>
      </body>
    </html>
  );
}

export function registerPages(app: Hono<AppEnv>, config: ForceConfig) {
  const dist = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const assets: Record<string, { body: string; type: string }> = {
    'swagger-ui.css': { body: readFileSync(join(dist, 'swagger-ui.css'), 'utf8'), type: 'text/css' },
    'swagger-ui-bundle.js': { body: readFileSync(join(dist, 'swagger-ui-bundle.js'), 'utf8'), type: 'text/javascript' },
  };
  app.get('/', (c) => c.html(`<!doctype html>${String(<Landing force={config.force.name} />)}`));
  app.get('/docs', (c) =>
    c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>API — ${config.force.name}</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head><body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script></body></html>`),
  );
  app.get('/docs/assets/init.js', (c) =>
    c.body(
      `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#ui', persistAuthorization: true });`,
      200,
      { 'content-type': 'text/javascript' },
    ),
  );
  app.get('/docs/assets/:file', (c) => {
    const a = assets[c.req.param('file')];
    if (!a) return c.notFound();
    return c.body(a.body, 200, { 'content-type': a.type, 'cache-control': 'public, max-age=86400' });
  });
}

/**
 * GET /reports: the evidence pack for a signed-in user who may read reports (the route's access
 * rule sends anyone else to sign-in, or refuses them). The page's script (served as a file, so the
 * strict CSP holds) fetches the pack, the workbook, the ZIP of CSVs and the demand CSV from the API
 * with the session: the browser never holds a token. The period is a financial year (those with
 * data, newest first; the default is the last complete one, so it never moves when one incident is
 * entered) or custom dates. The page itself holds no figures.
 */
export function registerReportPage(
  app: Hono<AppEnv>,
  config: ForceConfig,
  periods: () => { years: FinancialYear[]; selected: FinancialYear },
) {
  app.get('/reports', (c) => {
    const user = c.var.user;
    const { years, selected } = periods();
    const choices = years.some((y) => y.label === selected.label) ? years : [selected, ...years];
    const options = choices
      .map(
        (y) =>
          `<option value="${y.label}" data-from="${y.from}" data-to="${y.to}"` +
          `${y.label === selected.label ? ' selected' : ''}>` +
          `${y.label} (1 April ${y.from.slice(0, 4)} to 31 March ${y.to.slice(0, 4)})</option>`,
      )
      .join('');
    const suppressed = c.var.access.policy['reports.read'][user.role] === 'suppressed';
    return c.html(`<!doctype html><html lang="en-GB"><head><meta charset="utf-8">
<title>Evidence pack — ${escapeHtml(config.force.name)}</title>
<link rel="stylesheet" href="/assets/site.css"><link rel="stylesheet" href="/assets/reports.css">
<script src="/assets/reports-page.js" defer></script></head>
<body><main><h1>Demand evidence — ${escapeHtml(config.force.name)}</h1>
<p class="muted">Signed in as ${escapeHtml(user.name)} (<code>${user.role}</code>) · <a href="/account">Account and
sign out</a></p>
<p>${suppressed ? 'Your role sees these figures suppressed: f' : 'F'}igures for the PCC analyst role are withheld
below ${config.reporting.suppressionThreshold} and shown as [c] (R44). Each view is recorded in the access log.</p>
<form id="f"><label>Financial year<select id="year">${options}<option value="custom">Custom dates</option></select>
</label>
<label>From<input id="from" type="date" value="${selected.from}" required></label>
<label>To<input id="to" type="date" value="${selected.to}" required></label>
<button type="submit">Open evidence pack</button><button type="button" id="xlsx">Download workbook (.xlsx)</button>
<button type="button" id="zip">Download CSVs (ZIP)</button>
<button type="button" id="csv">Demand report CSV</button></form>
<p id="msg" role="status"></p><iframe id="pack" title="Evidence pack"></iframe></main></body></html>`);
  });
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
