/**
 * The API contract a client can trust: the OpenAPI document the app serves names every operation,
 * states its formats, enums and required headers, and can be met; and the check that holds every
 * response of the test suite to it (test/support/harness.ts → contract.ts) does refuse what the
 * document does not allow.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Contract, type OpenApiDocument } from '../support/contract.js';
import { createHarness, type Harness } from '../support/harness.js';

const addFormats = ajvFormats.default;

type Json = any;
let h: Harness;
let doc: Json;
beforeAll(async () => {
  h = createHarness();
  doc = (await h.request('GET', '/api/openapi.json', { token: null })).body;
});
afterAll(() => h.close());

const operations = () =>
  Object.entries(doc.paths as Record<string, Record<string, Json>>).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ path, method, op })),
  );
const schemaOf = (name: string) => doc.components.schemas[name];

describe('the OpenAPI document', () => {
  it('names every operation once, and the server clients call', () => {
    const ids = operations().map((o) => o.op.operationId);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.servers).toEqual([{ url: '/', description: 'This server' }]);
  });

  it('declares the answers middleware gives: 401 without a token, 413 and 415 for a body, 500', () => {
    for (const { path, method, op } of operations()) {
      const statuses = Object.keys(op.responses);
      if (path !== '/healthz') expect(statuses, `${method} ${path}`).toContain('401');
      expect(statuses, `${method} ${path}`).toContain('500');
      if (op.requestBody) expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(['413', '415']));
      if (path.includes('{')) expect(statuses, `${method} ${path}`).toContain('400');
    }
  });

  it('lists states, event types, statuses and severities as enums, and instants as date-times', () => {
    const incident = schemaOf('Incident').properties;
    expect(incident.state.enum).toEqual(expect.arrayContaining(['new', 'graded', 'closed']));
    expect(incident.allowedEvents.items.enum).toEqual(expect.arrayContaining(['THRIVE_RECORDED', 'S136_DETAINED']));
    expect(incident.allowedEvents.items.enum).not.toContain('DEADLINE_REACHED');
    expect(incident.receivedAt.format).toBe('date-time');
    expect(schemaOf('Problem').properties.allowedEvents.items.enum).toContain('INCIDENT_CLOSED');
    expect(schemaOf('TimelineEntry').properties.type.enum).toContain('DEADLINE_REACHED');
    expect(schemaOf('Alert').properties.severity.enum).toEqual(['info', 'warning', 'critical']);
    expect(schemaOf('Referral').properties.status.enum).toEqual(expect.arrayContaining(['pending', 'withdrawn']));
    expect(schemaOf('DetentionListItem').properties.status.enum).toContain('lapsed');
    expect(schemaOf('DemandReport').properties.period.properties.from.format).toBe('date');
  });

  it('types the ADR return, the demand report and the configuration instead of open maps', () => {
    for (const name of ['AdrReturn', 'DemandReport', 'ForceConfig']) {
      expect(schemaOf(name).type, name).toBe('object');
      expect(Object.keys(schemaOf(name).properties).length, name).toBeGreaterThan(5);
    }
    expect(schemaOf('ForceConfig').properties).not.toHaveProperty('alerts');
  });

  it('requires If-Match (or declares X-Access-Reason) where the server answers 428; the Idempotency-Key format', () => {
    for (const { path, method, op } of operations()) {
      const ifMatch = (op.parameters ?? []).find((p: Json) => p.name === 'if-match');
      const reason = (op.parameters ?? []).find((p: Json) => p.name === 'x-access-reason');
      // 428 is a change without If-Match, a read of a closed record without a reason, or a disclosure
      // without its justification: each declares the header it needs.
      if ('428' in op.responses && method !== 'get') expect(ifMatch?.required, `${method} ${path}`).toBe(true);
      if ('428' in op.responses && method === 'get') expect(reason, `${method} ${path}`).toBeDefined();
      const key = (op.parameters ?? []).find((p: Json) => p.name === 'idempotency-key');
      if (key) expect(key.schema).toMatchObject({ minLength: 1, maxLength: 200, pattern: expect.any(String) });
    }
  });

  it('declares the headers responses carry: ETag, Location, Idempotent-Replayed, Content-Disposition, no-store', () => {
    const created = doc.paths['/api/incidents'].post.responses['201'].headers;
    expect(Object.keys(created)).toEqual(['ETag', 'Location', 'Idempotent-Replayed', 'Cache-Control']);
    // Every API answer but the document itself may carry personal data: declared never to be stored.
    for (const [path, item] of Object.entries<any>(doc.paths))
      for (const op of Object.values<any>(item))
        for (const [status, r] of Object.entries<any>(op.responses))
          expect(JSON.stringify(r.headers?.['Cache-Control']?.schema) ?? 'none', `${path} ${status}`).toContain(
            path.startsWith('/api/') && path !== '/api/openapi.json' ? 'no-store' : 'none',
          );
    expect(doc.paths['/api/incidents/{id}'].get.responses['200'].headers).toHaveProperty('ETag');
    expect(doc.paths['/api/returns/adr'].get.responses['200'].headers).toHaveProperty('Content-Disposition');
  });

  it('has a POST /api/agencies body that an admin can actually send', () => {
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    ajv.addSchema(doc, 'openapi.json');
    const validate = ajv.compile({
      $ref: 'openapi.json#/paths/~1api~1agencies/post/requestBody/content/application~1json/schema',
    });
    expect(
      validate({ code: 'crisisLine', label: 'Crisis line', type: 'crisisTeam' }),
      ajv.errorsText(validate.errors),
    ).toBe(true);
    expect(validate({ label: 'Crisis line', type: 'crisisTeam' })).toBe(false);
    expect(validate({ code: 'crisisLine', label: 'Crisis line', type: 'crisisTeam', colour: 'red' })).toBe(false);
  });
});

describe('the contract check on every response the tests receive', () => {
  const contract = () => new Contract(doc as OpenApiDocument);
  const json = (extra: Record<string, string> = {}) => new Headers({ 'content-type': 'application/json', ...extra });
  const problemJson = new Headers({ 'content-type': 'application/problem+json' });
  const aProblem = JSON.stringify({ type: 'about:blank#X', status: 404, code: 'X', title: 'X', detail: 'x' });

  it('refuses a status the operation does not declare', () => {
    const r = { method: 'GET', path: '/api/incidents/abc', status: 418, headers: problemJson, text: aProblem };
    expect(contract().violations(r)).toEqual([expect.stringContaining('status not declared')]);
  });

  it('refuses a body that does not match, or a media type not declared', () => {
    const c = contract();
    const bare = { method: 'GET', path: '/api/incidents/abc', status: 404, headers: problemJson, text: '{}' };
    expect(c.violations(bare)).toEqual([expect.stringContaining("must have required property 'type'")]);
    expect(c.violations({ ...bare, headers: json(), text: aProblem })).toEqual([
      expect.stringContaining("content type 'application/json' not declared"),
    ]);
  });

  it('refuses a header the response does not announce, and a required header missing', () => {
    const c = contract();
    const alerts = { method: 'GET', path: '/api/alerts?limit=1', status: 200, headers: json({ Location: '/x' }) };
    expect(c.violations({ ...alerts, text: '{"items":[]}' })).toEqual([
      expect.stringContaining('header location is sent but not declared'),
    ]);
    const incident = { method: 'GET', path: '/api/incidents/abc', status: 200, headers: json(), text: '{}' };
    expect(c.violations(incident)).toContainEqual(expect.stringContaining('required header ETag is missing'));
  });

  it('accepts what the document allows, and leaves pages it does not describe alone', () => {
    const c = contract();
    const ok = { method: 'GET', path: '/api/alerts', status: 200, headers: json(), text: '{"items":[]}' };
    expect(c.violations(ok)).toEqual([]);
    expect(c.violations({ ...ok, path: '/reports', headers: new Headers(), text: '<html>' })).toEqual([]);
  });
});
