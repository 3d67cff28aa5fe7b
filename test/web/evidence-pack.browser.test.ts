/**
 * The PCC's evidence pack as a reader gets it, in real Chromium against the real app on a real
 * SQLite file holding two demo financial years (2024/25 and 2025/26): printed to A4 PDF (every page
 * carries the protective marking at top and bottom and "Page n of N"; the summary is two pages;
 * the contents come third), no serious or critical axe-core finding, no internal field name in the
 * text a reader sees, each chart downloadable as SVG; the /reports page's financial-year picker and
 * the workbook download. Screenshots of the first pages are kept in .test-results/screens/.
 */
import { serve, type ServerType } from '@hono/node-server';
import ExcelJS from 'exceljs';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../src/demo/run-demo.js';
import { launchChromium, signInAndOpen } from '../support/browser.js';
import { createHarness, type Harness } from '../support/harness.js';

const SCREENS = '.test-results/screens';
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let h: Harness;
let server: ServerType;
let base: string;
let browser: Browser;

beforeAll(async () => {
  h = createHarness({ start: '2026-06-01T09:00:00Z' });
  const { clock: _c, uow: _u, ...deps } = h.deps;
  await runDemo(deps, { seed: 3, start: '2024-04-01', days: 365, scale: 0.02 });
  await runDemo(deps, { seed: 7, start: '2025-04-01', days: 365, scale: 0.02 });
  server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  mkdirSync(SCREENS, { recursive: true });
}, 180_000);
afterAll(async () => {
  await browser?.close();
  server?.close();
  await h?.close();
});

async function packHtml(token: string, from = '2025-04-01', to = '2026-03-31') {
  const r = await fetch(`${base}/api/reports/evidence-pack?from=${from}&to=${to}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(r.status).toBe(200);
  return r.text();
}

/** The text of each page of a PDF, read with Mozilla's PDF.js. */
async function pdfPages(pdf: Uint8Array): Promise<string[]> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await getDocument({ data: pdf, useSystemFonts: false, isEvalSupported: false }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const content = await (await doc.getPage(i)).getTextContent();
    pages.push(content.items.map((x) => ('str' in x ? x.str : '')).join(' '));
  }
  await doc.destroy();
  return pages;
}

async function axe(page: Page) {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return r.violations
      .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
      .map((v: any) => `${v.id}: ${v.nodes.length} × ${v.nodes[0]?.target}`);
  });
}

describe('the evidence pack a PCC lifts into a paper', () => {
  it('prints to A4 with the marking and "Page n of N" on every page, a two-page summary, then contents', async () => {
    const html = await packHtml(h.tokens.pcc_analyst);
    const page = await browser.newPage({ viewport: { width: 794, height: 1123 } });
    await page.setContent(html);
    await page.screenshot({ path: `${SCREENS}/evidence-pack-screen.png`, fullPage: false });
    const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    writeFileSync('.test-results/evidence-pack.pdf', pdf);
    const pages = await pdfPages(new Uint8Array(pdf));
    writeFileSync('.test-results/evidence-pack-pages.txt', `${pages.length} pages\n`);
    expect(pages.length).toBeGreaterThanOrEqual(8);
    pages.forEach((text, i) => {
      expect(text.match(/OFFICIAL-SENSITIVE/g)?.length, `page ${i + 1}: marking at top and bottom`).toBe(2);
      expect(text, `page ${i + 1}`).toContain(`Page ${i + 1} of ${pages.length}`);
    });
    expect(pages[0]).toContain('Headline figures');
    expect(pages[0]).toContain('Key findings');
    expect(pages[1]).toContain('Key charts');
    expect(pages[2]).toContain('Contents');
    // Screenshots of the first printed pages, as the PDF lays them out.
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 718, height: 1000 });
    await page.screenshot({ path: `${SCREENS}/evidence-pack-print.png`, fullPage: true });
    await page.close();
  });

  it('axe-core finds nothing serious or critical, and the reader sees no internal field name', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.setContent(await packHtml(h.tokens.pcc_analyst));
    expect(await axe(page)).toEqual([]);
    // biome-ignore lint/performance/useDomNodeTextContent: the text as a reader sees it, with its line breaks.
    const text = await page.evaluate(() => document.body.innerText);
    expect(text.match(/\b[a-z]+[A-Z][A-Za-z]*\b/g) ?? [], 'camelCase identifiers').toEqual([]);
    expect(text.match(/\b[a-z]+_[a-z_]+\b/g) ?? [], 'snake_case identifiers').toEqual([]);
    expect(text).not.toContain('<5');
    // Every table has a caption and its header cells a scope.
    const tables = await page.evaluate(() =>
      [...document.querySelectorAll('table')].map((t) => ({
        caption: !!t.querySelector('caption')?.textContent,
        unscoped: t.querySelectorAll('th:not([scope])').length,
      })),
    );
    expect(tables.length).toBeGreaterThan(12);
    expect(tables.filter((t) => !t.caption || t.unscoped > 0)).toEqual([]);
    await page.close();
  });

  it('each chart has axes and units, bars sorted by value, and downloads as a standalone SVG', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.setContent(await packHtml(h.tokens.mh_lead));
    const figures = page.locator('figure.chart');
    expect(await figures.count()).toBe(7);
    // Agencies by median answer time, longest first.
    const medians = await page
      .locator('#agency-answer-times svg text.value')
      .allTextContents()
      .then((t) => t.filter((x) => x !== '[c]').map((x) => Number(x.replace(/,/g, ''))));
    expect(medians.length).toBeGreaterThan(3);
    expect([...medians].sort((a, b) => b - a)).toEqual(medians);
    expect(await page.locator('#agency-answer-times svg').textContent()).toContain('Minutes (median)');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#hours-by-segment a.dl')]);
    expect(download.suggestedFilename()).toBe('hours-by-segment.svg');
    const svg = readFileSync((await download.path())!, 'utf8');
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain('<title id="hours-by-segment-t">Officer-hours by activity</title>');
    expect(svg).toContain('Officer-hours</text></svg>'); // the axis title with its unit
    await page.close();
  });

  it('R43 /reports defaults to the last complete financial year, offers each year, gives the workbook', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signInAndOpen(page, base, '/reports', h.tokens.pcc_analyst);
    expect(await page.inputValue('#year')).toBe('2025/26');
    expect(await page.inputValue('#from')).toBe('2025-04-01');
    expect(await page.inputValue('#to')).toBe('2026-03-31');
    await page.selectOption('#year', '2024/25');
    expect(await page.inputValue('#from')).toBe('2024-04-01');
    expect(await page.inputValue('#to')).toBe('2025-03-31');
    await page.fill('#from', '2024-05-01');
    await page.dispatchEvent('#from', 'change');
    expect(await page.inputValue('#year')).toBe('custom');
    await page.selectOption('#year', '2025/26');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Download workbook (.xlsx)')]);
    expect(download.suggestedFilename()).toBe('evidence-tables.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync((await download.path())!) as any);
    expect(wb.worksheets.map((w) => w.name).slice(0, 4)).toEqual(['Cover', 'Contents', 'Notes', 'Table_1']);
    await page.click('text=Open evidence pack');
    await page.frameLocator('#pack').locator('h2', { hasText: 'Key findings' }).waitFor();
    expect(await axe(page)).toEqual([]);
    await page.screenshot({ path: `${SCREENS}/reports-page.png` });
    await page.close();
  });
});
