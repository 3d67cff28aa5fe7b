/** The README stays true: its diagrams come from the machines and its curl walkthrough works. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diagramSections, replaceDiagrams } from '../../src/docs/readme-diagrams.js';
import { replaceDefinitions } from '../../src/docs/readme-definitions.js';
import { createHarness } from '../support/harness.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('shows the start and test commands near the top', () => {
    const top = readme.split('\n').slice(0, 40).join('\n');
    expect(top).toMatch(/^npm start\b/m);
    expect(top).toMatch(/^npm test\b/m);
  });

  it('carries state diagrams identical to the ones generated from the machines (run npm run docs:diagrams)', () => {
    expect(replaceDiagrams(readme, diagramSections())).toBe(readme);
  });

  it('explains every report figure with the definition the report itself carries (run npm run docs:diagrams)', () => {
    expect(readme).toContain('<!-- definitions -->');
    expect(replaceDefinitions(readme)).toBe(readme);
  });

  it('the curl walkthrough, replayed against a real database, is accepted step by step and ends closed', async () => {
    const h = createHarness({ start: '2026-11-23T21:50:00Z' });
    try {
      const section = readme.slice(readme.indexOf('## A call, step by step'), readme.indexOf('A refused step answers'));
      const bodies = [...section.matchAll(/-d '(\{[\s\S]*?\})'/g)].map((m) => JSON.parse(m[1]!) as Record<string, unknown>);
      expect(bodies.length).toBeGreaterThanOrEqual(7);
      const created = await h.request('POST', '/api/incidents', { body: bodies[0] });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      let version = 1;
      let last: any = created.body;
      for (const b of bodies.slice(1)) {
        const r = await h.event(created.body.id, b, { version });
        expect(r.status, `${String(b.type)}: ${JSON.stringify(r.body)}`).toBe(200);
        version = r.body.version;
        last = r.body;
      }
      expect(last.state).toBe('closed');
      // The refusal example in the README is what the API really says for R9.
      const example = JSON.parse(/```json\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('A refused step answers')))![1]!);
      const h2 = await h.request('POST', '/api/incidents', { body: { ...bodies[0], reference: 'other' } });
      const id = h2.body.id as string;
      await h.event(id, bodies[1]!, { version: 1 });
      await h.event(id, bodies[2]!, { version: 2 });
      const refused = await h.event(id, { ...bodies[3], riskToLife: true }, { version: 3 });
      expect(refused.body).toEqual(example);
    } finally {
      await h.close();
    }
  });
});
