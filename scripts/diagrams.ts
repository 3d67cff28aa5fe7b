/**
 * npm run docs:diagrams — regenerate the Mermaid state diagrams in docs/ from the machines, the
 * table of report figures in docs/reports.md from the report's section modules, and the access
 * tables in docs/access.md from the access policy and the route table.
 * Each diagram sits between <!-- diagram:NAME --> and <!-- /diagram:NAME --> markers; the figures
 * between <!-- definitions --> and <!-- /definitions -->.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { docsPages, regenerate } from '../src/docs/generated.js';

for (const page of docsPages()) {
  const before = readFileSync(page, 'utf8');
  const after = regenerate(before);
  if (after !== before) {
    writeFileSync(page, after);
    console.log(`${page}: generated blocks updated`);
  }
}
console.log('docs/ diagrams, definitions and access tables are current');
