/** Server-rendered pages: the landing page and the API docs (Swagger UI served from this server, no CDN). */
import type { Hono } from 'hono';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ForceConfig } from '../config/schema.js';
import type { AppEnv } from '../http/types.js';
import type { FinancialYear } from '../reports/period.js';
import { REPORTS_PAGE_SCRIPT } from './reports-page-script.js';

const css = `body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5;
color:#1b1b1b}
h1{font-size:1.6rem}code{background:#f3f3f3;padding:0 .25rem}a{color:#1d4f91}`;

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
 * GET /reports: a page to open the evidence pack in a browser. The API needs a bearer token, which a
 * link cannot carry: the page asks for one (kept in this tab only), fetches the pack with it and
 * shows it; the workbook, the ZIP of CSVs and the demand CSV download the same way. The period is a
 * financial year (those with data, newest first; the default is the last complete one, so it never
 * moves when one incident is entered) or custom dates. The page itself holds no figures.
 */
export function registerReportPage(
  app: Hono<AppEnv>,
  config: ForceConfig,
  periods: () => { years: FinancialYear[]; selected: FinancialYear },
) {
  app.get('/reports', (c) => {
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
    return c.html(`<!doctype html><html lang="en-GB"><head><meta charset="utf-8">
<title>Evidence pack — ${config.force.name}</title>
<style>${css}body{max-width:none;margin:1rem 2rem}form{display:flex;gap:.8rem;flex-wrap:wrap;align-items:end}
label{display:flex;flex-direction:column;font-size:.9rem}
input,select{font:inherit;padding:.2rem .3rem}button{font:inherit;padding:.3rem .8rem}
iframe{width:100%;height:80vh;border:1px solid #bbb;margin-top:1rem}#msg{color:#a00}</style></head>
<body><main><h1>Demand evidence — ${config.force.name}</h1>
<p>Paste an API token for a role that may read reports (PCC analyst, MH lead, supervisor, admin;
<code>npm run demo</code> prints two). It stays in this browser tab only. Figures for the PCC analyst role are
withheld below ${config.reporting.suppressionThreshold} and shown as [c] (R44). Each view is audited.</p>
<form id="f"><label>Token<input id="token" type="password" size="48" autocomplete="off" required></label>
<label>Financial year<select id="year">${options}<option value="custom">Custom dates</option></select></label>
<label>From<input id="from" type="date" value="${selected.from}" required></label>
<label>To<input id="to" type="date" value="${selected.to}" required></label>
<button type="submit">Open evidence pack</button><button type="button" id="xlsx">Download workbook (.xlsx)</button>
<button type="button" id="zip">Download CSVs (ZIP)</button>
<button type="button" id="csv">Demand report CSV</button></form>
<p id="msg" role="status"></p><iframe id="pack" title="Evidence pack"></iframe></main>
<script>${REPORTS_PAGE_SCRIPT}</script></body></html>`);
  });
}
