/**
 * The partner agency directory: seeded from the force configuration, edited by admins (If-Match,
 * history), filled from Open Referral UK JSON (API and CLI). Referrals stamp what they used, so an
 * edit changes new referrals only.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { seedDirectory } from '../../src/directory/directory.js';
import { createHarness, type Harness } from '../support/harness.js';
import { decision, gradedIncident, referral, steps } from '../support/flows.js';

const FIXTURE = new URL('../fixtures/oruk-kent-partners.json', import.meta.url);
const oruk = () => JSON.parse(readFileSync(FIXTURE, 'utf8'));

let h: Harness;
afterEach(() => h.close());

const newAgency = {
  code: 'medwayCrisisCafe',
  label: 'Medway crisis cafe',
  type: 'voluntarySector',
  organization: 'Example Mind',
  email: 'cafe@mind.example',
  phone: '01632 960300',
  hours: { alwaysOpen: false, sessions: [{ days: ['FR', 'SA'], opens: '18:00', closes: '02:00' }] },
  districts: ['Medway'],
  escalationContacts: [{ level: 1, role: 'cafe manager', phone: '01632 960301' }],
};

describe('agency directory API', () => {
  it(
    'starts with the configured agencies; an admin adds, replaces (If-Match) and deactivates; every change is in ' +
      'the history',
    async () => {
      h = createHarness();
      const list = await h.request('GET', '/api/agencies');
      expect(list.status).toBe(200);
      expect(list.body.items.map((a: { code: string }) => a.code)).toEqual(
        [...h.config.agencies.map((a) => a.code)].sort(),
      );
      expect(list.body.items.find((a: { code: string }) => a.code === 'kmptSpoa')).toMatchObject({
        source: 'config',
        active: true,
        version: 1,
        email: 'kmpt-spoa.referrals@partners.example',
      });

      const created = await h.request('POST', '/api/agencies', { body: newAgency, token: h.tokens.admin });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.headers.get('etag')).toBe('"1"');
      expect(created.headers.get('location')).toBe('/api/agencies/medwayCrisisCafe');
      expect(created.body).toMatchObject({
        source: 'api',
        active: true,
        freeTextAllowed: false,
        contacts: [],
        escalationContacts: [{ level: 1, role: 'cafe manager', phone: '01632 960301', email: null }],
      });

      const { code: _c, ...body } = newAgency;
      const put = await h.request('PUT', '/api/agencies/medwayCrisisCafe', {
        body: { ...body, email: 'referrals@mind.example' },
        token: h.tokens.admin,
        headers: { 'if-match': '"1"' },
      });
      expect(put.status, JSON.stringify(put.body)).toBe(200);
      expect(put.body).toMatchObject({ version: 2, email: 'referrals@mind.example' });
      const del = await h.request('DELETE', '/api/agencies/medwayCrisisCafe', {
        token: h.tokens.admin,
        headers: { 'if-match': '"2"' },
      });
      expect(del.body).toMatchObject({ version: 3, active: false });

      const hist = await h.request('GET', '/api/agencies/medwayCrisisCafe/history', { token: h.tokens.mh_lead });
      expect(
        hist.body.items.map(
          (x: { version: number; change: string; actorName: string; data: { email: string; active: boolean } }) => [
            x.version,
            x.change,
            x.actorName,
            x.data.email,
            x.data.active,
          ],
        ),
      ).toEqual([
        [1, 'created', 'Test admin', 'cafe@mind.example', true],
        [2, 'updated', 'Test admin', 'referrals@mind.example', true],
        [3, 'deactivated', 'Test admin', 'referrals@mind.example', false],
      ]);
      expect(() => h.db.$client.prepare('DELETE FROM agency_changes').run()).toThrow(/append-only/);
    },
  );

  it(
    'refuses non-admins (403), bad input (400 naming the field), duplicates and stale versions (409), missing ' +
      'If-Match (428), unknown codes (404)',
    async () => {
      h = createHarness();
      const before = h.count('agency_changes');
      expect((await h.request('POST', '/api/agencies', { body: newAgency, token: h.tokens.call_handler })).status).toBe(
        403,
      );
      expect((await h.request('GET', '/api/agencies/kmptSpoa/history', { token: h.tokens.call_handler })).status).toBe(
        403,
      );
      const bad = await h.request('POST', '/api/agencies', {
        body: { ...newAgency, districts: ['Atlantis'], email: 'nope', type: 'wizard' },
        token: h.tokens.admin,
      });
      expect(bad.status).toBe(400);
      expect(bad.body.issues.map((i: { path: string }) => i.path).sort()).toEqual([
        'body.districts.0',
        'body.email',
        'body.type',
      ]);
      expect(
        (await h.request('POST', '/api/agencies', { body: { ...newAgency, code: 'kmptSpoa' }, token: h.tokens.admin }))
          .status,
      ).toBe(409);
      const { code: _c, ...body } = newAgency;
      expect((await h.request('PUT', '/api/agencies/kmptSpoa', { body, token: h.tokens.admin })).status).toBe(428);
      const stale = await h.request('PUT', '/api/agencies/kmptSpoa', {
        body,
        token: h.tokens.admin,
        headers: { 'if-match': '"7"' },
      });
      expect(stale.status).toBe(409);
      expect(stale.body.currentVersion).toBe(1);
      expect(
        (
          await h.request('PUT', '/api/agencies/nobody', {
            body,
            token: h.tokens.admin,
            headers: { 'if-match': '"1"' },
          })
        ).status,
      ).toBe(404);
      expect((await h.request('GET', '/api/agencies/nobody')).status).toBe(404);
      expect(h.count('agency_changes')).toBe(before);
    },
  );

  it('an edit applies to new referrals only: past referrals keep the routing facts they were made with', async () => {
    h = createHarness({ mailEnabled: true });
    const id = await gradedIncident(h);
    await steps(h, id, [
      decision('handover'),
      referral('r1', { contactMethod: 'secureEmail', riskSummary: 'welfare' }),
    ]);
    const kmpt = (await h.request('GET', '/api/agencies/kmptSpoa')).body;
    const {
      code: _c,
      source: _s,
      orukServiceId: _o,
      version: _v,
      createdAt: _ca,
      updatedAt: _ua,
      updatedBy: _ub,
      ...editable
    } = kmpt;
    await h.request('PUT', '/api/agencies/kmptSpoa', {
      body: { ...editable, email: 'new-mailbox@partners.example' },
      token: h.tokens.admin,
      headers: { 'if-match': `"${kmpt.version}"` },
    });
    await steps(h, id, [referral('r2', { contactMethod: 'secureEmail', riskSummary: 'welfare' })]);
    const recipients = h.db.$client.prepare('SELECT correlation, recipient FROM outbox ORDER BY id').all();
    expect(recipients).toEqual([
      { correlation: 'r1', recipient: 'kmpt-spoa.referrals@partners.example' },
      { correlation: 'r2', recipient: 'new-mailbox@partners.example' },
    ]);
    expect(h.db.$client.prepare('SELECT id, recipient FROM referrals ORDER BY id').all()).toEqual([
      { id: 'r1', recipient: 'kmpt-spoa.referrals@partners.example' },
      { id: 'r2', recipient: 'new-mailbox@partners.example' },
    ]);
  });

  it(
    'filters by type, district (agencies covering it or the whole force) and opening hours, overnight sessions ' +
      'included',
    async () => {
      h = createHarness();
      await h.request('POST', '/api/agencies', { body: newAgency, token: h.tokens.admin });
      const codes = async (q: string) =>
        (await h.request('GET', `/api/agencies?${q}`)).body.items.map((a: { code: string }) => a.code);
      expect(await codes('type=voluntarySector')).toEqual(['medwayCrisisCafe', 'safeHaven']);
      expect(await codes('type=voluntarySector&district=Maidstone')).toEqual(['safeHaven']);
      expect(await codes('type=adultSocialCare&district=Medway')).toEqual([
        'kccAdultSocialCare',
        'medwayAdultSocialCare',
      ]);
      // Saturday 01:30 UK time: inside Friday's 18:00–02:00 session.
      expect(await codes('type=voluntarySector&open=true&openAt=2026-11-28T01:30:00Z')).toEqual(['medwayCrisisCafe']);
      expect(await codes('type=voluntarySector&open=true&openAt=2026-11-24T20:00:00Z')).toEqual(['safeHaven']);
      const one = (await h.request('GET', '/api/agencies?type=adultSocialCare&openAt=2026-11-23T18:30:00Z')).body
        .items[0];
      expect(one.openAt).toBe(false);
    },
  );

  it('seeding adds configured codes the directory lacks and never overwrites what admins changed', async () => {
    h = createHarness();
    const kmpt = (await h.request('GET', '/api/agencies/kmptSpoa')).body;
    await h.request('DELETE', '/api/agencies/kmptSpoa', {
      token: h.tokens.admin,
      headers: { 'if-match': `"${kmpt.version}"` },
    });
    const config = {
      ...h.config,
      agencies: [...h.config.agencies, { ...h.config.agencies[0]!, code: 'newTeam', label: 'New team' }],
    };
    expect(seedDirectory(h.db, config, h.clock.at())).toEqual(['newTeam']);
    expect(seedDirectory(h.db, config, h.clock.at())).toEqual([]);
    expect((await h.request('GET', '/api/agencies/kmptSpoa')).body.active).toBe(false);
  });
});

describe('Open Referral UK import', () => {
  it(
    'imports services inactive for review, maps type, email, phone, hours and districts, and reports what it ' +
      'skipped',
    async () => {
      h = createHarness();
      const r = await h.request('POST', '/api/agencies/import', { body: oruk(), token: h.tokens.admin });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.created).toEqual([
        {
          code: 'maidstoneCrisisResolutionAndHomeTrea',
          label: 'Maidstone Crisis Resolution and Home Treatment Team',
          type: 'crisisTeam',
          typeSource: 'taxonomy',
          active: false,
        },
        {
          code: 'canterburyCrisisCafe',
          label: 'Canterbury Crisis Cafe',
          type: 'voluntarySector',
          typeSource: 'guessed',
          active: false,
        },
        {
          code: 'maidstoneSafeHaven',
          label: 'Maidstone Safe Haven',
          type: 'voluntarySector',
          typeSource: 'guessed',
          active: false,
        },
        {
          code: 'listeningLine',
          label: 'Listening Line',
          type: 'voluntarySector',
          typeSource: 'guessed',
          active: false,
        },
      ]);
      expect(r.body.skipped).toEqual([
        { serviceId: '5f0c8d1e-6a1b-4f7e-8e41-0a9b2c3d0005', name: null, reason: expect.stringContaining('name') },
      ]);
      const warnings = r.body.warnings.map((w: { message: string }) => w.message).join('\n');
      expect(warnings).toContain('"not-an-email" is not a valid address');
      expect(warnings).toContain('a MONTHLY schedule was not imported');
      expect(warnings).toContain('"West Kent" names none of the force\'s districts');

      const crht = (await h.request('GET', '/api/agencies/maidstoneCrisisResolutionAndHomeTrea')).body;
      expect(crht).toMatchObject({
        organization: 'Example Mental Health NHS Trust',
        email: 'crht.referrals@trust.example',
        phone: '01632 960201',
        hours: { alwaysOpen: true, sessions: [] },
        districts: ['Maidstone', 'Tonbridge and Malling'],
        contacts: [{ name: 'Duty coordinator', title: 'Shift coordinator', phone: '01632 960201', email: null }],
        source: 'oruk',
        orukServiceId: '5f0c8d1e-6a1b-4f7e-8e41-0a9b2c3d0001',
        active: false,
      });
      expect((await h.request('GET', '/api/agencies/maidstoneSafeHaven')).body).toMatchObject({
        hours: { alwaysOpen: false, sessions: [{ days: ['FR', 'SA', 'SU'], opens: '18:00', closes: '02:00' }] },
        districts: ['Maidstone'],
        phone: '01632 960202',
      });
      expect((await h.request('GET', '/api/agencies/listeningLine')).body.email).toBeNull();

      // Not reviewed yet: a referral to it is refused (R11), until an admin activates it.
      const id = await gradedIncident(h);
      await steps(h, id, [decision('handover')]);
      expect((await h.event(id, referral('r1', { agency: 'maidstoneSafeHaven' }))).body).toMatchObject({
        status: 422,
        rule: 'R11',
        code: 'AGENCY_INACTIVE',
      });
    },
  );

  it(
    're-importing updates by ORUK service id, keeps what admins own, and deactivates a service listed as not ' +
      'active',
    async () => {
      h = createHarness();
      await h.request('POST', '/api/agencies/import?activateNew=true', { body: oruk(), token: h.tokens.admin });
      const haven = (await h.request('GET', '/api/agencies/maidstoneSafeHaven')).body;
      expect(haven.active).toBe(true);
      const {
        code: _c,
        source: _s,
        orukServiceId: _o,
        version: _v,
        createdAt: _ca,
        updatedAt: _ua,
        updatedBy: _ub,
        ...editable
      } = haven;
      await h.request('PUT', '/api/agencies/maidstoneSafeHaven', {
        body: {
          ...editable,
          type: 'voluntarySector',
          freeTextAllowed: true,
          escalationContacts: [{ level: 1, role: 'on-call manager', phone: '01632 960299' }],
        },
        token: h.tokens.admin,
        headers: { 'if-match': `"${haven.version}"` },
      });
      const doc = oruk();
      const mind = doc.organizations[1].services[0];
      mind.email = 'new-haven@mind.example';
      mind.status = 'inactive';
      const again = await h.request('POST', '/api/agencies/import', { body: doc, token: h.tokens.admin });
      expect(again.body.created).toEqual([]);
      expect(again.body.updated).toEqual([
        { code: 'maidstoneSafeHaven', label: 'Maidstone Safe Haven', changes: ['email', 'active'] },
      ]);
      expect(again.body.deactivated).toEqual(['maidstoneSafeHaven']);
      expect(again.body.unchanged).toBe(3);
      expect((await h.request('GET', '/api/agencies/maidstoneSafeHaven')).body).toMatchObject({
        email: 'new-haven@mind.example',
        active: false,
        freeTextAllowed: true,
        escalationContacts: [{ level: 1, role: 'on-call manager' }],
      });
    },
  );

  it('refuses a body that is not an ORUK document, and non-admins', async () => {
    h = createHarness();
    expect(
      (await h.request('POST', '/api/agencies/import', { body: { hello: 'world' }, token: h.tokens.admin })).status,
    ).toBe(400);
    expect((await h.request('POST', '/api/agencies/import', { body: oruk(), token: h.tokens.supervisor })).status).toBe(
      403,
    );
    expect(h.count('agency_changes')).toBe(h.config.agencies.length);
  });

  it('imports from a file with the CLI (npm run directory:import)', async () => {
    h = createHarness();
    const cli = new URL('../../src/cli/import-directory.ts', import.meta.url).pathname;
    const run = spawnSync(process.execPath, ['--import', 'tsx', cli, new URL(FIXTURE).pathname, '--activate'], {
      env: { ...process.env, DATABASE_PATH: h.dbPath },
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).created).toHaveLength(4);
    expect(run.stderr).toContain('4 created, 0 updated');
    expect((await h.request('GET', '/api/agencies/maidstoneSafeHaven')).body).toMatchObject({
      active: true,
      updatedBy: 'cli:directory-import',
    });
    const bad = spawnSync(process.execPath, ['--import', 'tsx', cli, cli], {
      env: { ...process.env, DATABASE_PATH: h.dbPath },
      encoding: 'utf8',
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('cannot read');
  });
});
