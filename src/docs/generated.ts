/**
 * The parts of docs/ generated from the code: every state diagram and the table of report figures.
 * One function regenerates a page, so `npm run docs:diagrams` and the test that keeps the pages
 * current do exactly the same thing.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
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
  return replaceDefinitions(replaceDiagrams(markdown, diagramSections()), definitionsMarkdown());
}

/** The markers docs/ must carry, each in some page: one per diagram, and the definitions table. */
export function generatedMarkers(): string[] {
  return [...Object.keys(diagramSections()).map((name) => `<!-- diagram:${name} -->`), '<!-- definitions -->'];
}
