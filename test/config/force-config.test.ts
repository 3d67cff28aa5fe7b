/** Force configuration: the default is valid and realistic; a bad file names the bad field. */
import { describe, expect, it } from 'vitest';
import { loadForceConfig, parseForceConfig } from '../../src/config/load.js';
import { createHarness } from '../support/harness.js';
import { createIncident, steps, thrive } from '../support/flows.js';

describe('force configuration', () => {
  it('the bundled default (modelled on Kent) validates, with the categories, grades and agencies named', () => {
    const c = loadForceConfig();
    expect(c.force.name).toBe('Kent Police');
    expect(c.categories.map((x) => x.code)).toEqual(
      expect.arrayContaining([
        'concernForWelfare',
        'walkOutFromHealthcare',
        'awolPatient',
        'mhCrisisInPublic',
        'suicideSelfHarmConcern',
        'missingPersonMhConcern',
        'transportRequest',
        's136Handover',
        'voluntaryPatient',
        'other',
      ]),
    );
    expect(c.agencies.map((a) => a.type)).toEqual(
      expect.arrayContaining([
        'nhs111MentalHealth',
        'crisisTeam',
        'ambulance',
        'amhpService',
        'adultSocialCare',
        'childrensSocialCare',
        'emergencyDepartment',
        'voluntarySector',
      ]),
    );
    expect(c.grades[0]!.attendanceTarget).toEqual({ startEvent: 'callReceived', urbanMinutes: 15, ruralMinutes: 20 });
    expect(c.reporting.suppressionThreshold).toBe(5);
  });

  it('an invalid configuration fails with a message naming each bad field', () => {
    const c = structuredClone(loadForceConfig()) as any;
    c.grades[1].attendanceTarget = { startEvent: 'whenever', minutes: -5 };
    c.categories[0].rcrpPhase = null;
    c.agencies.push({ ...c.agencies[0] });
    expect(() => parseForceConfig(c, 'kent.json')).toThrowError(
      new RegExp(
        String.raw`grades\.1\.attendanceTarget\.startEvent[\s\S]*grades\.1\.attendanceTarget\.minutes` +
          String.raw`[\s\S]*categories\.0\.rcrpPhase|duplicate code`,
      ),
    );
    try {
      parseForceConfig(c, 'kent.json');
    } catch (e) {
      const m = (e as Error).message;
      for (const field of [
        'grades.1.attendanceTarget.startEvent',
        'grades.1.attendanceTarget.minutes',
        'categories.0.rcrpPhase',
        'agencies.12.code',
      ])
        expect(m).toContain(field);
    }
  });

  it('R13 referral settings are validated: contact methods, the escalation ladder numbering, agency districts', () => {
    const c = structuredClone(loadForceConfig()) as any;
    c.referrals.contactMethodDelivery.pigeon = 'message';
    c.referrals.escalation.levels[1].level = 5;
    c.agencies[1].districts = ['Atlantis'];
    c.agencies[1].email = 'not an address';
    let message = '';
    try {
      parseForceConfig(c, 'kent.json');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain('agencies.1.email');
    // Cross-field checks run once the shapes are valid.
    c.agencies[1].email = null;
    try {
      parseForceConfig(c, 'kent.json');
    } catch (e) {
      message = (e as Error).message;
    }
    for (const field of [
      'referrals.contactMethodDelivery.pigeon',
      'referrals.escalation.levels.1.level',
      'agencies.1.districts.0',
    ])
      expect(message).toContain(field);
  });

  it('the default escalation ladder and response times are configuration (R13), with the Kent-modelled values', () => {
    const c = loadForceConfig();
    expect(c.referrals.escalation.levels.map((l) => [l.level, l.notify, l.responseMinutes])).toEqual([
      [1, 'sergeant', 30],
      [2, 'inspector', 60],
      [3, 'superintendent', 120],
      [4, 'mhLead', null],
    ]);
    expect(c.referrals.responseTimes.byAgencyType.ambulance).toEqual({ acknowledgeMinutes: 10, answerMinutes: 30 });
    expect(c.categories.filter((x) => x.requiresDetainedLegalStatus).map((x) => x.code)).toEqual(['awolPatient']);
  });

  it('R4 grades and their labels come from configuration, not code', async () => {
    const h = createHarness({
      config: (c) => ({
        ...c,
        grades: [
          {
            code: 'P1',
            label: 'Immediate',
            requiresDeployment: true,
            attendanceTarget: { startEvent: 'dispatched', minutes: 15 },
            unresourcedAlert: null,
          },
          {
            code: 'P5',
            label: 'Telephone resolution',
            requiresDeployment: false,
            attendanceTarget: null,
            unresourcedAlert: null,
          },
        ],
      }),
    });
    try {
      const id = await createIncident(h);
      await steps(h, id, [thrive()]);
      expect((await h.event(id, { type: 'GRADE_SET', grade: 'G1' })).status).toBe(400);
      const ok = await steps(h, id, [{ type: 'GRADE_SET', grade: 'P1' }]);
      expect(ok.grade).toMatchObject({ code: 'P1', label: 'Immediate' });
    } finally {
      await h.close();
    }
  });
});
