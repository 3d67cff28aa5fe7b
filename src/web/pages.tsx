/** Server-rendered pages: the landing page and the API docs (Swagger UI served from this server, no CDN). */
import type { Hono } from 'hono';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ForceConfig } from '../config/schema.js';

const css = `body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}
h1{font-size:1.6rem}code{background:#f3f3f3;padding:0 .25rem}a{color:#1d4f91}`;

function Landing({ force }: { force: string }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>Mental-health demand and triage — {force}</title>
        <style>{css}</style>
      </head>
      <body>
        <h1>Mental-health demand and triage</h1>
        <p>
          Records every mental-health-related incident for <strong>{force}</strong> from the first call — THRIVE assessment, response grade
          and the Right Care Right Person decision — through police deployment or referral to a partner agency, to closure. Every step is
          an event with who did it and when, so police time and handovers can be audited and demand evidenced.
        </p>
        <ul>
          <li>
            <a href="/docs">API documentation</a> (interactive) and the <a href="/api/openapi.json">OpenAPI document</a>
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

export function registerPages(app: Hono<any>, config: ForceConfig) {
  const dist = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const assets: Record<string, { body: string; type: string }> = {
    'swagger-ui.css': { body: readFileSync(join(dist, 'swagger-ui.css'), 'utf8'), type: 'text/css' },
    'swagger-ui-bundle.js': { body: readFileSync(join(dist, 'swagger-ui-bundle.js'), 'utf8'), type: 'text/javascript' },
  };
  app.get('/', (c) => c.html('<!doctype html>' + String(<Landing force={config.force.name} />)));
  app.get('/docs', (c) =>
    c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>API — ${config.force.name}</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head><body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script></body></html>`),
  );
  app.get('/docs/assets/init.js', (c) =>
    c.body(`window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#ui', persistAuthorization: true });`, 200, { 'content-type': 'text/javascript' }),
  );
  app.get('/docs/assets/:file', (c) => {
    const a = assets[c.req.param('file')];
    if (!a) return c.notFound();
    return c.body(a.body, 200, { 'content-type': a.type, 'cache-control': 'public, max-age=86400' });
  });
}
