/**
 * The rule titles the MH lead's review and the exported record show beside each step are the
 * headings of docs/rules.md, so a title a person reads leads to its rule's page.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DETENTION_RULE_TITLES } from '../../src/domain/rule-titles.js';

describe('rule titles on the review page', () => {
  it('each is the heading of its rule in docs/rules.md', () => {
    const headings = new Map(
      [...readFileSync('docs/rules.md', 'utf8').matchAll(/^### (R\d+) (.+)$/gm)].map((m) => [m[1]!, m[2]!]),
    );
    for (const [rule, title] of Object.entries(DETENTION_RULE_TITLES)) expect(title, rule).toBe(headings.get(rule));
  });
});
