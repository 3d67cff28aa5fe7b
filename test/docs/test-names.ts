/**
 * The names of the tests in a test file, as vitest shows them (`it` and `test`, with a name written as
 * one string literal or as several joined with `+`), so docs/rules.md can be checked
 * against the tests it cites.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const LITERAL = String.raw`'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"|\x60(?:\\.|[^\x60\\$])*\x60`;
const CALL = new RegExp(
  String.raw`\b(?:it|test)(?:\.each\([\s\S]*?\))?\(\s*((?:${LITERAL})(?:\s*\+\s*(?:${LITERAL}))*)`,
  'g',
);

/** `'a' + "b"` → `ab` (the literals of one name, unescaped). */
function joinLiterals(source: string): string {
  return [...source.matchAll(new RegExp(LITERAL, 'g'))].map((m) => m[0].slice(1, -1).replace(/\\(.)/g, '$1')).join('');
}

export function testNames(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(CALL)].map((m) => joinLiterals(m[1]!));
}

/** Every `*.test.ts(x)` file under `dir`, as paths relative to the repository root. */
export function testFiles(dir = 'test'): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.test\.tsx?$/.test(f))
    .map((f) => join(dir, f))
    .sort();
}
