/**
 * Forms from the API's zod schemas (src/web/console/schema-form.tsx): what a schema renders as (a
 * required yes/no question is never answered in advance, an instant is a local time, an optional
 * group is marked optional), what a posted form reads back as (typed, local times as instants in
 * the force's zone, blank optional parts left out), and zod's issues as plain words by field.
 */
import { describe, expect, it } from 'vitest';
import { buildIncidentInputs } from '../../src/domain/incident-inputs.js';
import { loadForceConfig } from '../../src/config/load.js';
import { issuesByField, readForm, SchemaFields } from '../../src/web/console/schema-form.js';
import { fromLocalDate, fromLocalInput, toLocalInput } from '../../src/web/console/format.js';

const inputs = buildIncidentInputs(loadForceConfig());
const tz = 'Europe/London';
const now = new Date('2026-06-01T09:05:00Z');
const html = (schema: any, values: Record<string, string> = {}, errors: Record<string, string> = {}) =>
  String(<SchemaFields schema={schema} idPrefix="f" timeZone={tz} now={now} values={values} errors={errors} />);

describe('a form from an event schema', () => {
  it('asks each RCRP threshold question as Yes/No with neither ticked, and marks the override optional', () => {
    const out = html(inputs.events.RCRP_DECISION_RECORDED);
    for (const q of ['crimeOccurring', 'riskToLife', 'riskOfSeriousHarm']) {
      const radios = [...out.matchAll(new RegExp(`<input type="radio" id="f-${q}-\\d" name="${q}"[^>]*>`, 'g'))];
      expect(radios.map((m) => /value="(\w+)"/.exec(m[0])![1])).toEqual(['true', 'false']);
      expect(radios.some((m) => m[0].includes('checked'))).toBe(false);
    }
    expect(out).toContain('Is there a real and immediate risk to life?');
    expect(out).toMatch(/<legend>Supervisor override<span class="optional"> \(optional\)<\/span><\/legend>/);
    expect(out).toContain('<input type="hidden" name="type" value="RCRP_DECISION_RECORDED"/>');
    // "When it happened" is the server's now, in the force's local time (BST in June).
    expect(out).toMatch(/name="occurredAt"[^>]*value="01\/06\/2026 10:05"/);
    expect(out).toMatch(/<textarea[^>]*name="rationale"/);
  });

  it('shows what the user typed, and each error beside its field', () => {
    const out = html(
      inputs.events.RCRP_DECISION_RECORDED,
      { riskToLife: 'true', rationale: 'kept <text>' },
      { decision: 'choose one' },
    );
    expect(out).toMatch(/name="riskToLife" value="true" checked/);
    expect(out).toContain('kept &lt;text&gt;</textarea>');
    expect(out).toMatch(/id="f-decision-error">.*choose one/);
  });

  it('reads a posted form back as the input the API takes', () => {
    const input = readForm(
      inputs.events.RCRP_DECISION_RECORDED,
      {
        type: 'RCRP_DECISION_RECORDED',
        occurredAt: '01/06/2026 10:05',
        crimeOccurring: 'false',
        riskToLife: 'true',
        riskOfSeriousHarm: 'false',
        decision: 'deploy',
        rationale: 'risk to life',
        'override.name': '',
        'override.rank': '',
        'override.reason': '  ',
      },
      tz,
    );
    expect(input).toEqual({
      type: 'RCRP_DECISION_RECORDED',
      occurredAt: '2026-06-01T09:05:00.000Z',
      crimeOccurring: false,
      riskToLife: true,
      riskOfSeriousHarm: false,
      decision: 'deploy',
      rationale: 'risk to life',
    });
    expect(inputs.events.RCRP_DECISION_RECORDED.safeParse(input).success).toBe(true);
  });

  it('reads array rows, leaving out blank ones, with numbers typed', () => {
    const input = readForm(
      inputs.events.POLICE_DISPATCHED,
      {
        type: 'POLICE_DISPATCHED',
        occurredAt: '2026-01-10T23:30',
        'resources.0.callSign': 'KM21',
        'resources.0.officers': '2',
        'resources.0.type': 'response',
        'resources.1.callSign': '',
        'resources.1.officers': '',
        'resources.1.type': '',
      },
      tz,
    );
    expect(input).toEqual({
      type: 'POLICE_DISPATCHED',
      occurredAt: '2026-01-10T23:30:00.000Z',
      resources: [{ callSign: 'KM21', officers: 2, type: 'response' }],
    });
  });

  it("keeps a blank required text as '' so the rule that needs it can say so, and names missing choices", () => {
    const input = readForm(
      inputs.events.RCRP_DECISION_RECORDED,
      { type: 'RCRP_DECISION_RECORDED', occurredAt: '2026-06-01T10:05', rationale: '' },
      tz,
    );
    expect(input.rationale).toBe('');
    const r = inputs.events.RCRP_DECISION_RECORDED.safeParse(input);
    expect(r.success).toBe(false);
    expect(issuesByField(r.error!, input)).toEqual({
      crimeOccurring: 'this is needed',
      riskToLife: 'this is needed',
      riskOfSeriousHarm: 'this is needed',
      decision: 'choose one',
    });
  });
});

describe('local times in the force zone', () => {
  it('round-trips across the clock change, whatever zone the machine is in', () => {
    for (const iso of ['2026-03-29T00:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-10-25T00:30:00.000Z']) {
      expect(fromLocalInput(toLocalInput(iso, tz), tz)).toBe(iso);
    }
    expect(toLocalInput('2026-03-29T01:30:00.000Z', tz)).toBe('29/03/2026 02:30');
    expect(fromLocalInput('2026-03-29T02:30', tz)).toBe('2026-03-29T01:30:00.000Z');
    for (const bad of ['not a time', '31/02/2026 10:00', '12/13/2026 10:00', '01/01/2026 25:00'])
      expect(fromLocalInput(bad, tz), bad).toBeNull();
    expect(fromLocalDate('4/7/1958')).toBe('1958-07-04');
    expect(fromLocalDate('30/02/1958')).toBeNull();
  });
});
