/** The generated parts of docs/ stay what the code generates: state diagrams, report definitions, access tables. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { docsPages, generatedMarkers, regenerate } from '../../src/docs/generated.js';

const pages = docsPages().map((path) => ({ path, text: readFileSync(path, 'utf8') }));

describe('generated blocks in docs/', () => {
  it('every state diagram and the table of report figures has its place in some page', () => {
    for (const marker of generatedMarkers())
      expect(
        pages.filter((p) => p.text.includes(marker)).map((p) => p.path),
        marker,
      ).toHaveLength(1);
  });

  it('carry state diagrams identical to the ones generated from the machines (run npm run docs:diagrams)', () => {
    for (const p of pages) expect(regenerate(p.text), p.path).toBe(p.text);
  });

  it('explain every report figure with the definition the report itself carries', () => {
    const reports = pages.find((p) => p.text.includes('<!-- definitions -->'))!;
    expect(reports.path).toBe('docs/reports.md');
    expect(reports.text).toMatch(/<!-- definitions -->\n\*\*Mental-health-related incidents\*\*/);
  });

  it('give the access matrix, the rule of every route and the operation of every event type in docs/access.md', () => {
    const access = pages.find((p) => p.text.includes('<!-- access:matrix -->'))!;
    expect(access.path).toBe('docs/access.md');
    // Only the auditor reads the access log; the PCC analyst has reports, suppressed, and nothing else.
    expect(access.text).toContain('| `accessLog.read` | access log (read, export) | – | – | – | – | – | – | ✓ | – |');
    expect(access.text).toContain(
      '| `reports.read` | demand report, evidence pack, workbook | – | – | ✓ | – | ✓ | ✓ suppressed | – | – |',
    );
    expect(access.text).toContain('| `GET /api/incidents/:id` | `incident.read` |');
    expect(access.text).toContain('| `S136_DETAINED` | `detention.record` | dispatcher, supervisor, officer |');
  });
});
