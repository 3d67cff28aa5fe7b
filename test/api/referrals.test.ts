/**
 * Referrals through the HTTP API on a real SQLite file, by rule number (R8–R15), with the deadline
 * sweeper on a manual clock. A refused command answers 4xx naming the rule and writes nothing.
 */
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it } from 'vitest';
import { HANDOVER_CSV_COLUMNS } from '../../src/reports/handovers.js';
import { sweepDeadlines } from '../../src/scheduler/sweeper.js';
import { createHarness, type Harness } from '../support/harness.js';
import {
  answer,
  close,
  createIncident,
  decision,
  dispatch,
  emailReferral,
  escalate,
  gradedIncident,
  referral,
  resolve,
  steps,
  thrive,
} from '../support/flows.js';

let h: Harness;
afterEach(() => h.close());

/** Expect `status` naming `rule`, and that nothing was written. */
async function refused(id: string, body: Record<string, unknown>, status: number, rule: string | null) {
  const before = h.count('incident_events');
  const outbox = h.count('outbox');
  const r = await h.event(id, body);
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.headers.get('content-type')).toContain('application/problem+json');
  if (status === 422) expect(r.body.rule).toBe(rule);
  expect(h.count('incident_events')).toBe(before);
  expect(h.count('outbox')).toBe(outbox);
  return r.body;
}

const referralRow = (id: string) =>
  h.db.$client.prepare('SELECT * FROM referrals WHERE incident_id = ?').get(id) as Record<string, unknown>;

describe('R8–R10: the RCRP decision governs referrals', () => {
  it('R8 refuses a referral before the RCRP decision, and after a decision that does not allow one', async () => {
    h = createHarness();
    const id = await gradedIncident(h);
    await refused(id, referral(), 422, 'R8');
    await steps(h, id, [decision('adviceOnly')]);
    const p = await refused(id, referral(), 422, 'R8');
    expect(p.code).toBe('RCRP_DECISION_CONFLICT');
  });

  it('R9 a handover despite a risk to life needs a supervisor override; with it the referral goes ahead', async () => {
    h = createHarness();
    const id = await gradedIncident(h);
    await refused(id, decision('handover', { riskToLife: true }), 422, 'R9');
    const last = await steps(h, id, [
      decision('handover', {
        riskToLife: true,
        override: { name: 'Insp A Khan', rank: 'inspector', reason: 'paramedics already with the person' },
      }),
      referral('r1', { agency: 'secamb', namedContact: 'EOC clinician' }),
    ]);
    expect(last.referrals).toMatchObject([{ id: 'r1', agency: 'secamb', state: 'acknowledged', status: 'pending' }]);
  });

  it('R10 a referral for a child is flagged when the force excludes children from RCRP', async () => {
    h = createHarness();
    const id = await createIncident(h, { subject: { ageYears: 15 } });
    const last = await steps(h, id, [
      thrive(),
      { type: 'GRADE_SET', grade: 'G3' },
      decision('handover'),
      referral('r1', { agency: 'kentChildrensSocialCare' }),
    ]);
    expect(last.flags.map((f: { rule: string }) => f.rule)).toEqual(['R10']);
  });
});

describe('R11 referral details', () => {
  it('R11 the agency comes from the directory: unknown → 400 naming the field, inactive → 422 R11', async () => {
    h = createHarness();
    const id = await gradedIncident(h);
    await steps(h, id, [decision('handover')]);
    const unknown = await refused(id, referral('r1', { agency: 'noSuchTeam' }), 400, null);
    expect(unknown.issues).toEqual([{ path: 'body.agency', message: "unknown agency 'noSuchTeam'" }]);
    const a = await h.request('GET', '/api/agencies/safeHaven');
    expect(
      (
        await h.request('DELETE', '/api/agencies/safeHaven', {
          token: h.tokens.admin,
          headers: { 'if-match': `"${a.body.version}"` },
        })
      ).status,
    ).toBe(200);
    const p = await refused(id, referral('r1', { agency: 'safeHaven' }), 422, 'R11');
    expect(p).toMatchObject({ code: 'AGENCY_INACTIVE', state: 'graded', currentVersion: 4 });
    expect(p.allowedEvents).toContain('REFERRAL_MADE');
  });

  it('R11 an email referral needs mail configured, an agency address and a written risk summary', async () => {
    h = createHarness();
    const id = await gradedIncident(h);
    await steps(h, id, [decision('handover')]);
    expect((await refused(id, emailReferral(), 422, null)).code).toBe('EMAIL_NOT_CONFIGURED');
    await h.close();
    h = createHarness({ mailEnabled: true });
    const id2 = await gradedIncident(h);
    await steps(h, id2, [decision('handover')]);
    expect((await refused(id2, emailReferral('r1', { agency: 'acuteEd' }), 422, 'R11')).code).toBe(
      'AGENCY_HAS_NO_EMAIL',
    );
    const { riskSummary: _r, ...noSummary } = emailReferral() as Record<string, unknown>;
    expect((await refused(id2, noSummary, 422, 'R11')).code).toBe('RISK_SUMMARY_REQUIRED');
    expect(
      (await refused(id2, emailReferral('r1', { agency: 'secamb', narrative: 'family history' }), 422, null)).code,
    ).toBe('FREE_TEXT_NOT_ALLOWED');
    const ok = await steps(h, id2, [emailReferral()]);
    expect(ok.referrals[0]).toMatchObject({
      state: 'drafted',
      delivery: 'email',
      status: 'pending',
      agencyLabel: 'KMPT Single Point of Access / crisis team',
    });
    expect(h.count('outbox')).toBe(1);
    // The routing facts in force are kept with the event: later directory edits never change them.
    const made = (await h.request('GET', `/api/incidents/${id2}`)).body.timeline.find(
      (e: { type: string }) => e.type === 'REFERRAL_MADE',
    );
    expect(made.data.route).toMatchObject({
      delivery: 'email',
      email: 'kmpt-spoa.referrals@partners.example',
      acknowledgeMinutes: 15,
      answerMinutes: 60,
      coversDistrict: true,
      openAtReferral: true,
    });
  });

  it('R11 records agency, method, time, named contact, reference and answer; a decline needs the reason', async () => {
    h = createHarness();
    const id = await gradedIncident(h);
    await steps(h, id, [decision('handover'), referral('r1', { agencyReference: 'SPOA-1' })]);
    await refused(id, { type: 'REFERRAL_ANSWERED', referralId: 'r1', answer: 'declined' }, 422, 'R11');
    h.clock.advanceMinutes(12);
    await steps(h, id, [answer('r1', 'declined', { respondent: 'J Smith, crisis nurse' })]);
    expect(referralRow(id)).toMatchObject({
      agency: 'kmptSpoa',
      contact_method: 'phone',
      named_contact: 'duty crisis nurse',
      delivery: 'conversation',
      status: 'declined',
      state: 'declined',
      answer: 'declined',
      reason: 'no capacity tonight',
      answered_via: 'call_handler',
      made_at: '2026-11-23T09:00:00.000Z',
      answered_at: '2026-11-23T09:12:00.000Z',
    });
  });
});

describe('R12 closure and re-THRIVE', () => {
  it('R12 refuses closure while a referral is pending; decline → the incident requires a re-THRIVE (R2)', async () => {
    h = createHarness();
    const id = await gradedIncident(h);
    await steps(h, id, [decision('handover'), referral()]);
    expect((await refused(id, close(), 422, 'R12')).detail).toContain('r1');
    const declined = await steps(h, id, [answer('r1', 'declined')]);
    expect(declined.reassessmentRequired).toMatchObject({ lastTrigger: 'REFERRAL_ANSWERED' });
    await refused(id, close(), 422, 'R2');
    await refused(id, decision('deploy'), 422, 'R2');
    const last = await steps(h, id, [thrive({ risk: 'high: no partner can attend' }), decision('deploy'), dispatch()]);
    expect(last.state).toBe('jointResponse');
  });

  it('R12 a withdrawn referral no longer blocks closure', async () => {
    h = createHarness();
    const id = await gradedIncident(h);
    await steps(h, id, [decision('handover'), referral()]);
    const w = await steps(h, id, [
      { type: 'REFERRAL_WITHDRAWN', referralId: 'r1', reason: 'person found safe by family' },
    ]);
    expect(w.referrals[0]).toMatchObject({
      state: 'withdrawn',
      status: 'withdrawn',
      withdrawn: { reason: 'person found safe by family' },
    });
    expect((await steps(h, id, [close({ closureCode: 'personFoundSafe' })])).state).toBe('closed');
  });
});

describe('R13 escalation', () => {
  it(
    'R13 no response by the deadline → exactly one escalation and one alert, however often the sweeper runs; then ' +
      'the ladder climbs',
    async () => {
      h = createHarness();
      const id = await gradedIncident(h, { category: 'concernForWelfare' });
      // by phone: acknowledged at 09:00; crisis team answers within 60 min
      await steps(h, id, [decision('handover'), referral()]);
      const deadlines = () =>
        h.db.$client
          .prepare('SELECT key, due_at AS dueAt, status FROM deadlines WHERE incident_id = ? ORDER BY key')
          .all(id);
      expect(deadlines()).toEqual([
        { key: 'referral:r1:answer', dueAt: '2026-11-23T10:00:00.000Z', status: 'pending' },
      ]);
      h.clock.advanceMinutes(59);
      expect(sweepDeadlines(h.deps).fired).toBe(0);
      h.clock.advanceMinutes(1);
      expect(sweepDeadlines(h.deps).fired).toBe(1);
      for (let k = 0; k < 4; k++) expect(sweepDeadlines(h.deps).fired).toBe(0);
      const got = (await h.request('GET', `/api/incidents/${id}`)).body;
      expect(got.referrals[0]).toMatchObject({
        state: 'escalated',
        status: 'noResponse',
        escalations: [
          {
            level: 1,
            reason: 'noAnswer',
            openedAt: '2026-11-23T10:00:00.000Z',
            openedBy: 'system',
            escalatedBy: null,
            outcome: null,
          },
        ],
      });
      expect(got.reassessmentRequired).not.toBeNull();
      expect(got.timeline.filter((e: { type: string }) => e.type === 'DEADLINE_REACHED')).toHaveLength(1);
      const alerts = (await h.request('GET', `/api/alerts?rule=R13&incidentId=${id}`)).body.items;
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({
        notify: 'sergeant',
        severity: 'warning',
        raisedAt: '2026-11-23T10:00:00.000Z',
      });
      expect(h.db.$client.prepare('SELECT count(*) FROM referral_escalations').pluck().get()).toBe(1);
      // Level 1 has 30 minutes for an outcome; then level 2 (inspector), exactly once.
      h.clock.advanceMinutes(30);
      expect(sweepDeadlines(h.deps).fired).toBe(1);
      expect(sweepDeadlines(h.deps).fired).toBe(0);
      expect(
        (await h.request('GET', `/api/alerts?rule=R13&incidentId=${id}`)).body.items
          .map((a: { notify: string }) => a.notify)
          .sort(),
      ).toEqual(['inspector', 'sergeant']);
      // A person records the outcome (R13): level, person, time, outcome.
      await refused(
        id,
        resolve('r1', 'policeWillRespond', { resolvedBy: { name: ' ', rank: 'inspector' } }),
        422,
        'R13',
      );
      const done = await steps(h, id, [resolve('r1', 'policeWillRespond')]);
      expect(done.referrals[0]).toMatchObject({
        state: 'resolved',
        status: 'resolved',
        resolution: { outcome: 'policeWillRespond', by: { name: 'Insp B Khan', rank: 'inspector' } },
      });
      expect(deadlines()).toEqual([]);
    },
  );

  it(
    'R13 a disputed decline is escalated by a named person to a configured level; an open escalation blocks ' +
      'closure',
    async () => {
      h = createHarness();
      const id = await gradedIncident(h);
      await steps(h, id, [
        decision('handover'),
        referral(),
        answer('r1', 'declined'),
        thrive({ safetyNet: 'police to attend if no partner by 23:00' }),
      ]);
      await refused(id, escalate('r1', 7), 422, 'R13');
      await refused(id, escalate('r1', 1, { escalatedBy: { name: '', rank: 'sergeant' } }), 422, 'R13');
      const bad = await h.event(id, escalate('r1', 1, { escalatedBy: { name: 'PC X', rank: 'cadet' } }));
      expect(bad.status).toBe(400);
      await steps(h, id, [escalate('r1', 1)]);
      expect((await refused(id, close(), 422, 'R13')).code).toBe('ESCALATION_OPEN');
      await steps(h, id, [
        escalate('r1', 2, { escalatedBy: { name: 'Insp B Khan', rank: 'inspector' } }),
        resolve('r1', 'partnerWillRespond'),
      ]);
      const rows = h.db.$client
        .prepare(
          'SELECT level, reason, escalated_by_name AS who, escalated_by_rank AS rank, outcome FROM ' +
            'referral_escalations WHERE incident_id = ? ORDER BY level',
        )
        .all(id);
      expect(rows).toEqual([
        { level: 1, reason: 'declineDisputed', who: 'Sgt A Patel', rank: 'sergeant', outcome: 'escalated to level 2' },
        { level: 2, reason: 'declineDisputed', who: 'Insp B Khan', rank: 'inspector', outcome: 'partnerWillRespond' },
      ]);
      expect(referralRow(id)).toMatchObject({
        status: 'accepted',
        state: 'resolved',
        escalation_level: 2,
        resolution: 'partnerWillRespond',
      });
      // R45: escalation records are immutable events.
      expect(() =>
        h.db.$client.prepare(`UPDATE incident_events SET payload = '{}' WHERE type = 'REFERRAL_ESCALATED'`).run(),
      ).toThrow(/append-only/);
    },
  );
});

describe('R14 AWOL needs a detained, CTO or guardianship legal status', () => {
  it('R14 refuses category awolPatient for an informal patient (legal status 01) or with no status', async () => {
    h = createHarness();
    const before = h.count('incident_events');
    const informal = await h.request('POST', '/api/incidents', {
      body: {
        receivedAt: h.clock.at(-5),
        channel: 'partnerAgency',
        category: 'awolPatient',
        mhFlagAtCall: true,
        subject: { legalStatus: '01' },
      },
    });
    expect(informal.status).toBe(422);
    expect(informal.body).toMatchObject({ rule: 'R14', code: 'AWOL_INFORMAL_PATIENT' });
    expect(informal.body.detail).toContain('walkOutFromHealthcare');
    const none = await h.request('POST', '/api/incidents', {
      body: { receivedAt: h.clock.at(-5), channel: 'partnerAgency', category: 'awolPatient', mhFlagAtCall: true },
    });
    expect(none.body).toMatchObject({ rule: 'R14', code: 'AWOL_LEGAL_STATUS_REQUIRED' });
    const s136 = await h.request('POST', '/api/incidents', {
      body: {
        receivedAt: h.clock.at(-5),
        channel: 'partnerAgency',
        category: 'awolPatient',
        mhFlagAtCall: true,
        subject: { legalStatus: '20' },
      },
    });
    expect(s136.body).toMatchObject({ rule: 'R14', code: 'AWOL_LEGAL_STATUS_REQUIRED' });
    expect(h.count('incident_events')).toBe(before);
    // The informal patient who walked out is a walk-out, not AWOL.
    await createIncident(h, {
      channel: 'partnerAgency',
      category: 'walkOutFromHealthcare',
      subject: { legalStatus: '01' },
    });
  });

  it(
    'R14 accepts a detained (s.3), CTO or guardianship patient as AWOL, and keeps the status through later subject ' +
      'records',
    async () => {
      h = createHarness();
      for (const legalStatus of ['03', 'CTO', '35'])
        await createIncident(h, { channel: 'partnerAgency', category: 'awolPatient', subject: { legalStatus } });
      const id = await createIncident(h, {
        channel: 'partnerAgency',
        category: 'awolPatient',
        subject: { legalStatus: '03', ageYears: 30 },
      });
      // A later subject record without a status keeps s.3; one saying informal is refused.
      const later = await steps(h, id, [
        { type: 'SUBJECT_RECORDED', subject: { identifiers: { forcePersonId: 'KP-1' } } },
      ]);
      expect(later.subject.legalStatus).toBe('03');
      await refused(id, { type: 'SUBJECT_RECORDED', subject: { legalStatus: '01' } }, 422, 'R14');
      expect((await h.event(id, { type: 'SUBJECT_RECORDED', subject: { legalStatus: 'xx' } })).status).toBe(400);
    },
  );
});

describe('handover audit (R15 re-contacts, R45 export)', () => {
  it(
    'lists who was asked, when, what they answered, how long it took, escalations, and re-contacts within 72 h ' +
      'after a no-deploy decision (R15)',
    async () => {
      h = createHarness({ start: '2026-11-23T21:00:00Z' });
      const subject = { identifiers: { nhsNumber: '943 476 5919' }, ageYears: 40 };
      const id = await gradedIncident(h, { reference: 'KENT-20261123-0421', subject });
      await steps(h, id, [decision('handover'), referral('r1', { agencyReference: 'SPOA-9' })]);
      h.clock.advanceMinutes(25);
      await steps(h, id, [
        answer('r1', 'declined', { respondent: 'J Smith' }),
        thrive({ safetyNet: 'crisis line number given; call back at 23:00' }),
      ]);
      await steps(h, id, [
        escalate('r1', 1),
        resolve('r1', 'partnerDeclineUpheld'),
        { type: 'REFERRAL_CALLER_INFORMED', referralId: 'r1', whoWillAttend: 'nobody', method: 'phone call back' },
      ]);
      await steps(h, id, [thrive(), close({ closureCode: 'adviceGiven' })]);
      // The same person calls again 30 hours later: a re-contact after the no-deploy decision.
      h.clock.advanceMinutes(30 * 60);
      const again = await createIncident(h, { reference: 'KENT-20261125-0007', subject });
      // And a different person's incident with a referral outside the agency filter.
      const other = await gradedIncident(h);
      await steps(h, other, [decision('handover'), referral('r1', { agency: 'secamb', namedContact: 'EOC' })]);

      const denied = await h.request('GET', '/api/audit/handovers', { token: h.tokens.pcc_analyst });
      expect(denied.status).toBe(403);
      expect(
        (
          await h.request('GET', '/api/audit/handovers?from=2026-11-25T00:00:00Z&to=2026-11-24T00:00:00Z', {
            token: h.tokens.mh_lead,
          })
        ).status,
      ).toBe(400);

      const r = await h.request(
        'GET',
        '/api/audit/handovers?from=2026-11-23T00:00:00Z&to=2026-11-26T00:00:00Z&agency=kmptSpoa',
        { token: h.tokens.mh_lead },
      );
      expect(r.status).toBe(200);
      expect(r.body.items).toHaveLength(1);
      const item = r.body.items[0];
      expect(item).toMatchObject({
        incidentReference: 'KENT-20261123-0421',
        referralId: 'r1',
        agency: 'kmptSpoa',
        agencyType: 'crisisTeam',
        namedContact: 'duty crisis nurse',
        madeBy: 'Test call_handler',
        madeAt: '2026-11-23T21:00:00.000Z',
        sentAt: '2026-11-23T21:00:00.000Z',
        acknowledgedAt: '2026-11-23T21:00:00.000Z',
        answeredAt: '2026-11-23T21:25:00.000Z',
        answer: 'declined',
        reason: 'no capacity tonight',
        status: 'declined',
        state: 'resolved',
        minutesToAcknowledge: 0,
        minutesToAnswer: 25,
        resolution: 'partnerDeclineUpheld',
        callerToldWhoWillAttend: 'nobody',
        noDeployAt: '2026-11-23T21:00:00.000Z',
      });
      expect(item.escalations).toEqual([
        expect.objectContaining({
          level: 1,
          escalatedBy: 'Sgt A Patel (sergeant)',
          reason: 'declineDisputed',
          outcome: 'partnerDeclineUpheld',
        }),
      ]);
      expect(item.recontacts).toEqual([
        { incidentId: again, reference: 'KENT-20261125-0007', receivedAt: '2026-11-25T03:15:00.000Z' },
      ]);
      expect(r.body.summary).toMatchObject({
        referrals: 1,
        byStatus: { declined: 1 },
        escalated: 1,
        callerInformed: 1,
        withRecontact: 1,
        medianMinutesToAnswer: 25,
      });
      expect(
        (
          await h.request('GET', '/api/audit/handovers?from=2026-11-23T00:00:00Z&to=2026-11-26T00:00:00Z', {
            token: h.tokens.supervisor,
          })
        ).body.items,
      ).toHaveLength(2);

      const csv = await h.request(
        'GET',
        '/api/audit/handovers?from=2026-11-23T00:00:00Z&to=2026-11-26T00:00:00Z&format=csv',
        { token: h.tokens.mh_lead },
      );
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toContain('text/csv');
      expect(csv.headers.get('content-disposition')).toBe('attachment; filename="handovers_2026-11-23_2026-11-26.csv"');
      const rows = parse(csv.body as string, { columns: true }) as Array<Record<string, string>>;
      expect(Object.keys(rows[0]!)).toEqual([...HANDOVER_CSV_COLUMNS]);
      expect(rows).toHaveLength(2);
      expect(rows[0]).toMatchObject({
        incidentReference: 'KENT-20261123-0421',
        answer: 'declined',
        minutesToAnswer: '25',
        escalationLevels: '1',
        recontactsWithinWindow: '1',
        recontactIncidents: 'KENT-20261125-0007',
      });
      expect(rows[0]!.escalations).toContain('L1 FCR sergeant');
    },
  );

  it('CSV cells a spreadsheet would run as formulas are escaped', async () => {
    h = createHarness();
    const id = await gradedIncident(h);
    await steps(h, id, [
      decision('handover'),
      referral('r1', { namedContact: '=HYPERLINK("http://evil.example","x")' }),
    ]);
    const csv = await h.request('GET', '/api/audit/handovers?format=csv', {
      token: h.tokens.mh_lead,
      headers: { accept: 'text/csv' },
    });
    const rows = parse(csv.body as string, { columns: true }) as Array<Record<string, string>>;
    expect(rows[0]!.namedContact!.startsWith("'=")).toBe(true);
  });
});
