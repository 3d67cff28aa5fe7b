/**
 * Static files for the pages (stylesheets, the /reports page's script, the icon), served from this
 * server under /assets/ so that every page works under the strict Content-Security-Policy (no inline
 * style or script) and nothing is fetched from the internet (the control room has none). Read once
 * at start.
 */
import type { Context, Hono } from 'hono';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppEnv } from '../http/types.js';

const here = join(dirname(fileURLToPath(import.meta.url)), 'assets');
const TYPES: Record<string, string> = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  svg: 'image/svg+xml',
};

/** The files under web/assets/ that are served, by name. */
export const ASSET_FILES = ['site.css', 'partner.css', 'reports.css', 'reports-page.js', 'icon.svg'] as const;

export function registerAssets(app: Hono<AppEnv>) {
  const files = new Map<string, { body: string; type: string }>(
    ASSET_FILES.map((name) => [
      name,
      { body: readFileSync(join(here, name), 'utf8'), type: TYPES[name.split('.').pop()!] ?? 'text/plain' },
    ]),
  );
  const serve = (c: Context, name: string) => {
    const f = files.get(name);
    if (!f) return c.notFound();
    return c.body(f.body, 200, { 'content-type': f.type, 'cache-control': 'public, max-age=3600' });
  };
  app.get('/assets/:file', (c) => serve(c, c.req.param('file')));
  // Browsers ask for /favicon.ico on every site; answer with the icon rather than a 404 in their console.
  app.get('/favicon.ico', (c) => serve(c, 'icon.svg'));
}
