/**
 * The parts of docs/ generated from the code: every state diagram, the table of report figures and
 * the access tables (the role matrix, the rule of every route, the operation of every event type).
 * One function regenerates a page, so `npm run docs:diagrams` and the test that keeps the pages
 * current do exactly the same thing.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { accessTables, replaceAccessTables } from './access-tables.js';
import { definitionsMarkdown, replaceDefinitions } from './definitions.js';
import { diagramSections, replaceDiagrams } from './diagrams.js';

export const DOCS_DIR = 'docs';

/** Every markdown page of the manual, as paths relative to the repository root. */
export function docsPages(dir = DOCS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => join(dir, f));
}

/** A page with its generated blocks rewritten from the code (a page without markers is unchanged). */
export function regenerate(markdown: string): string {
  return replaceAccessTables(
    replaceDefinitions(replaceDiagrams(markdown, diagramSections()), definitionsMarkdown()),
    accessTables(),
  );
}

/** The markers docs/ must carry, each in some page: one per diagram, the definitions table, the access tables. */
export function generatedMarkers(): string[] {
  return [
    ...Object.keys(diagramSections()).map((name) => `<!-- diagram:${name} -->`),
    '<!-- definitions -->',
    ...Object.keys(accessTables()).map((name) => `<!-- access:${name} -->`),
  ];
}
