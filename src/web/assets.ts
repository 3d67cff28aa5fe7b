/**
 * Static files for the pages (stylesheets, the console's and the /reports page's scripts, the icon),
 * served from this server under /assets/ so that every page works under the strict
 * Content-Security-Policy (no inline style or script) and nothing is fetched from the internet (the
 * control room has none). htmx and its SSE extension come from their npm
 * packages (pinned to 2.x in package.json), not from a CDN. Read once at start.
 */
import type { Context, Hono } from 'hono';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppEnv } from '../http/types.js';

const here = join(dirname(fileURLToPath(import.meta.url)), 'assets');
const require = createRequire(import.meta.url);
const TYPES: Record<string, string> = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  svg: 'image/svg+xml',
};

/** The files under web/assets/ that are served, by name. */
export const ASSET_FILES = [
  'site.css',
  'partner.css',
  'reports.css',
  'reports-page.js',
  'icon.svg',
  'console.css',
  'console.js',
] as const;

/** Files from npm packages, served under /assets/vendor/<name>. */
export const VENDOR_FILES = {
  'htmx.min.js': 'htmx.org/dist/htmx.min.js',
  'htmx-sse.min.js': 'htmx-ext-sse/dist/sse.min.js',
} as const;

export function registerAssets(app: Hono<AppEnv>) {
  const typeOf = (name: string) => TYPES[name.split('.').pop()!] ?? 'text/plain';
  const files = new Map<string, { body: string; type: string }>([
    ...ASSET_FILES.map((name) => [name, { body: readFileSync(join(here, name), 'utf8'), type: typeOf(name) }] as const),
    ...Object.entries(VENDOR_FILES).map(
      ([name, path]) =>
        [`vendor/${name}`, { body: readFileSync(require.resolve(path), 'utf8'), type: typeOf(name) }] as const,
    ),
  ]);
  const serve = (c: Context, name: string) => {
    const f = files.get(name);
    if (!f) return c.notFound();
    return c.body(f.body, 200, { 'content-type': f.type, 'cache-control': 'public, max-age=3600' });
  };
  app.get('/assets/:file', (c) => serve(c, c.req.param('file')));
  app.get('/assets/vendor/:file', (c) => serve(c, `vendor/${c.req.param('file')}`));
  // Browsers ask for /favicon.ico on every site; answer with the icon rather than a 404 in their console.
  app.get('/favicon.ico', (c) => serve(c, 'icon.svg'));
}
