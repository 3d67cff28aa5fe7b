/**
 * npm run docs:diagrams — regenerate the Mermaid diagrams in README.md from the machines, and the
 * table of report figures from the report's section modules.
 * Each diagram sits between <!-- diagram:NAME --> and <!-- /diagram:NAME --> markers; the figures
 * between <!-- definitions --> and <!-- /definitions -->.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { diagramSections, replaceDiagrams } from '../src/docs/readme-diagrams.js';
import { replaceDefinitions } from '../src/docs/readme-definitions.js';

const path = new URL('../README.md', import.meta.url);
const before = readFileSync(path, 'utf8');
const after = replaceDefinitions(replaceDiagrams(before, diagramSections()));
if (after !== before) {
  writeFileSync(path, after);
  console.log('README.md diagrams and definitions updated');
} else console.log('README.md diagrams and definitions already current');
