/**
 * npm run docs:diagrams — regenerate the Mermaid diagrams in README.md from the machines.
 * Each diagram sits between <!-- diagram:NAME --> and <!-- /diagram:NAME --> markers.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { diagramSections, replaceDiagrams } from '../src/docs/readme-diagrams.js';

const path = new URL('../README.md', import.meta.url);
const before = readFileSync(path, 'utf8');
const after = replaceDiagrams(before, diagramSections());
if (after !== before) {
  writeFileSync(path, after);
  console.log('README.md diagrams updated');
} else console.log('README.md diagrams already current');
