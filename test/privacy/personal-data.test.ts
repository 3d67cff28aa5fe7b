/**
 * Data protection: identifiers become pseudonymous HMAC keys and are then dropped. They never reach
 * the database file, the logs, or any response.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { isValidNhsNumber, PersonKeyer, resolvePersonKeySecret } from '../../src/domain/person-key.js';
import { createHarness } from '../support/harness.js';
import { createBody, createIncident, decision, emailReferral, steps, thrive } from '../support/flows.js';

const PERSON = {
  nhsNumber: '943 476 5919',
  name: 'Siobhán O’Reilly-Smith',
  dateOfBirth: '1979-03-14',
  forcePersonId: 'KP-778899',
};
const NEEDLES = ['9434765919', '943 476 5919', 'Siobhán', 'Reilly', '1979-03-14', 'KP-778899', 'kp-778899'];

describe('personal data', () => {
  it('identifiers never reach the database file, the logs or any response', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'debug' },
      new Writable({
        write: (chunk, _e, cb) => {
          lines.push(String(chunk));
          cb();
        },
      }),
    );
    const h = createHarness({ logger, mailEnabled: true });
    try {
      const responses: string[] = [];
      const r = await h.request('POST', '/api/incidents', {
        body: createBody(h, { subject: { identifiers: PERSON, gender: 'female', ethnicity: 'white' } }),
      });
      responses.push(JSON.stringify(r.body));
      const id = r.body.id as string;
      responses.push(
        JSON.stringify(
          (
            await h.event(id, {
              type: 'SUBJECT_RECORDED',
              subject: { identifiers: { ...PERSON, nhsNumber: '9434765918' } },
            })
          ).body,
        ),
      ); // bad check digit
      responses.push(
        JSON.stringify((await h.event(id, { type: 'SUBJECT_RECORDED', subject: { identifiers: PERSON } })).body),
      );
      responses.push(JSON.stringify((await h.event(id, thrive())).body));
      // A referral emailed to a partner (queued in the outbox, in the same database file) and its audit row.
      await steps(h, id, [{ type: 'GRADE_SET', grade: 'G3' }, decision('handover'), emailReferral('r1')]);
      responses.push(
        JSON.stringify((await h.request('GET', '/api/audit/handovers?format=csv', { token: h.tokens.mh_lead })).body),
      );
      responses.push(JSON.stringify((await h.request('GET', `/api/incidents/${id}`)).body));
      responses.push(JSON.stringify((await h.request('GET', `/api/incidents`)).body));
      h.db.$client.pragma('wal_checkpoint(TRUNCATE)');
      const file = readFileSync(h.dbPath).toString('latin1') + readFileSync(h.dbPath).toString('utf8');
      for (const n of NEEDLES) {
        expect(file.includes(n), `database contains ${n}`).toBe(false);
        expect(lines.join('').includes(n), `logs contain ${n}`).toBe(false);
        expect(responses.join('').includes(n), `responses contain ${n}`).toBe(false);
      }
      expect(lines.length).toBeGreaterThan(4); // requests were logged, just not their contents
    } finally {
      await h.close();
    }
  });

  it('the age is derived from the date of birth at the call date (Europe/London), then it is dropped', async () => {
    const h = createHarness();
    try {
      const id = await createIncident(h, {
        receivedAt: '2026-06-13T23:30:00Z',
        subject: { identifiers: { name: 'A B', dateOfBirth: '2008-06-14' } },
      });
      const got = await h.request('GET', `/api/incidents/${id}`);
      // 23:30 UTC on 13 June is 00:30 on 14 June in London: the 18th birthday has begun.
      expect(got.body.subject).toMatchObject({ ageYears: 18, ageBand: '18to24' });
    } finally {
      await h.close();
    }
  });

  it('person keys are keyed by the secret and stable across spelling and formatting of the same identifiers', () => {
    const a = new PersonKeyer('secret-one-0123456789abcdef');
    const b = new PersonKeyer('secret-two-0123456789abcdef');
    const k1 = a.keysFor({ nhsNumber: '943 476 5919', name: 'Siobhán  O’Reilly', dateOfBirth: '1979-03-14' });
    const k2 = a.keysFor({ nhsNumber: '9434765919', name: 'siobhan o reilly', dateOfBirth: '1979-03-14' });
    expect(k1).toEqual(k2);
    expect(b.keysFor({ nhsNumber: '9434765919' })[0]).not.toBe(k1[0]);
    expect(k1.every((k) => /^pk_[0-9a-f]{40}$/.test(k))).toBe(true);
  });

  it('NHS numbers are checked with the modulus 11 check digit', () => {
    expect(isValidNhsNumber('9434765919')).toBe(true);
    expect(isValidNhsNumber('943 476 5919')).toBe(true);
    expect(isValidNhsNumber('9434765918')).toBe(false);
    expect(isValidNhsNumber('12345')).toBe(false);
  });

  it('without PERSON_KEY_SECRET a secret is generated once beside the database, readable by owner only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mh-secret-'));
    try {
      const file = join(dir, 'triage.sqlite.person-key');
      const first = resolvePersonKeySecret(undefined, file);
      expect(first.source).toBe('generated');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const again = resolvePersonKeySecret(undefined, file);
      expect(again).toEqual({ secret: first.secret, source: 'file' });
      expect(resolvePersonKeySecret('from-env-secret-xyz', file).source).toBe('env');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('timeline entries hide person keys even though the events keep them for linking', async () => {
    const h = createHarness();
    try {
      const id = await createIncident(h, { subject: { identifiers: { forcePersonId: 'KP-1' } } });
      await steps(h, id, [thrive()]);
      const stored = h.db.$client
        .prepare('SELECT payload FROM incident_events WHERE incident_id = ? AND seq = 1')
        .pluck()
        .get(id) as string;
      expect(stored).toContain('pk_');
      const got = await h.request('GET', `/api/incidents/${id}`);
      expect(JSON.stringify(got.body)).not.toContain('pk_');
    } finally {
      await h.close();
    }
  });
});
