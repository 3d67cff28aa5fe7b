/**
 * The MHA s.136/s.135 rules (R16–R37, R42, R43, R45 in docs/rules.md) through the HTTP API on a real SQLite
 * file. A refused command answers 422 naming the rule and writes nothing; flags become alerts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sweepDeadlines } from '../../src/scheduler/sweeper.js';
import { createHarness, type Harness } from '../support/harness.js';
import {
  arrived,
  assessmentStarted,
  clearResources,
  closeDetention,
  considered,
  consulted,
  conveyed,
  departed,
  detained,
  extension,
  nhsAccepted,
  officer,
  outcome,
  policeIncident,
  policeStation,
  steps,
} from '../support/flows.js';

let h: Harness;
afterEach(() => h?.close());

const T0 = '2026-11-23T21:00:00Z';
const at = (iso: string) => h.clock.set(iso);

/** Expect a 422 naming `rule`, and that nothing was written. */
async function refused(id: string, body: Record<string, unknown>, rule: string | null, code?: string) {
  const before = h.count('incident_events');
  const r = await h.event(id, body);
  expect(r.status, JSON.stringify(r.body)).toBe(422);
  expect(r.headers.get('content-type')).toContain('application/problem+json');
  expect(r.body.rule, JSON.stringify(r.body)).toBe(rule);
  if (code) expect(r.body.code).toBe(code);
  expect(Array.isArray(r.body.allowedEvents)).toBe(true);
  expect(h.count('incident_events')).toBe(before);
  return r.body;
}

async function detention(id: string) {
  const r = await h.request('GET', `/api/detentions/${id}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

async function alerts(query = '') {
  return (await h.request('GET', `/api/alerts${query}`)).body.items as Array<{
    rule: string;
    severity: string;
    message: string;
    incidentId: string;
    notify: string;
  }>;
}

/** Incident with police on scene, a s.136 detention in the street at 21:10 (after consulting). */
async function streetDetention(
  over: Record<string, unknown> = {},
  incident: Record<string, unknown> = {},
  detentionId = 'd1',
) {
  at(T0); // each scenario starts at 21:00 (a second scenario in one test moves the clock back)
  const id = await policeIncident(h, incident);
  at('2026-11-23T21:08:00Z');
  await steps(h, id, [considered(detentionId), consulted(detentionId)]);
  at('2026-11-23T21:10:00Z');
  await steps(h, id, [detained(detentionId, over)]);
  return id;
}

/** …conveyed by ambulance and arrived at a place of safety at 21:55. */
async function atPlaceOfSafety(
  place: Record<string, unknown> = { site: 'kmptMaidstone' },
  incident: Record<string, unknown> = {},
  detentionId = 'd1',
) {
  const id = await streetDetention({}, incident, detentionId);
  at('2026-11-23T21:30:00Z');
  await steps(h, id, [conveyed(detentionId)]);
  at('2026-11-23T21:55:00Z');
  await steps(h, id, [arrived(detentionId, place)]);
  return id;
}

const adult = { subject: { ageYears: 34, gender: 'female', ethnicity: 'black', ethnicityBasis: 'selfDefined' } };
const child = { subject: { ageYears: 16, gender: 'male', ethnicity: 'white' } };

describe('s.136 legality checks through the API', () => {
  it('R16 refuses s.136 in a dwelling or its private garden; accepts a communal stairwell', async () => {
    h = createHarness({ start: T0 });
    const id = await policeIncident(h);
    await steps(h, id, [considered(), consulted()]);
    const p = await refused(id, detained('d1', { locationType: 'ownHome' }), 'R16', 'DWELLING');
    expect(p.detail).toContain('s.136(1A)');
    expect(p.allowedEvents).toContain('S136_DETAINED');
    await refused(id, detained('d1', { locationType: 'otherPersonsHome' }), 'R16');
    await refused(id, detained('d1', { locationType: 'dwellingGardenYardGarageOrOuthouse' }), 'R16');
    const ok = await h.event(id, detained('d1', { locationType: 'communalAreaOfFlats' }));
    expect(ok.status).toBe(200);
  });

  it(
    'R17 refuses a PCSO or police staff as the detaining officer; a special constable may detain unless the force ' +
      'says otherwise',
    async () => {
      h = createHarness({ start: T0 });
      const id = await policeIncident(h);
      await steps(h, id, [considered(), consulted()]);
      await refused(
        id,
        detained('d1', { officer: { name: 'PCSO 9001 B. King', role: 'pcso' } }),
        'R17',
        'NOT_A_CONSTABLE',
      );
      await refused(id, detained('d1', { officer: { name: 'J. Smith', role: 'policeStaff' } }), 'R17');
      expect(
        (await h.event(id, detained('d1', { officer: { name: 'SC 311 D. Ray', role: 'specialConstable' } }))).status,
      ).toBe(200);

      const h2 = createHarness({
        start: T0,
        config: (c) => ({ ...c, s136: { ...c.s136, specialConstablesMayDetain: false } }),
      });
      const prev = h;
      h = h2;
      const id2 = await policeIncident(h);
      await steps(h, id2, [considered(), consulted()]);
      await refused(id2, detained('d1', { officer: { name: 'SC 311 D. Ray', role: 'specialConstable' } }), 'R17');
      await prev.close();
    },
  );

  it('R18 refuses a detention unless all three statutory criteria are recorded as met, with grounds', async () => {
    h = createHarness({ start: T0 });
    const id = await policeIncident(h);
    await steps(h, id, [considered(), consulted()]);
    const p = await refused(
      id,
      detained('d1', {
        criteria: { apparentMentalDisorder: true, immediateNeedOfCareOrControl: false, necessaryForProtection: true },
      }),
      'R18',
      'CRITERIA_NOT_MET',
    );
    expect(p.detail).toContain('immediate need of care or control');
    await refused(id, detained('d1', { grounds: '  ' }), 'R18', 'GROUNDS_REQUIRED');
  });

  it(
    'R19 refuses detention before a consultation (or a reason it was impracticable), and consultees outside the ' +
      'list',
    async () => {
      h = createHarness({ start: T0 });
      const id = await policeIncident(h);
      await steps(h, id, [considered()]);
      const p = await refused(id, detained(), 'R19', 'CONSULTATION_REQUIRED');
      expect(p.state).toBe('policeResponse');
      await refused(id, consulted('d1', { profession: 'custodySergeant' }), 'R19', 'CONSULTEE_NOT_ALLOWED');
      await refused(
        id,
        consulted('d1', { practicable: false, profession: undefined, advice: undefined }),
        'R19',
        'REASON_REQUIRED',
      );
      await steps(h, id, [
        consulted('d1', {
          practicable: false,
          profession: undefined,
          advice: undefined,
          notPracticableReason: 'climbing over the railings; no time to call',
        }),
      ]);
      expect((await h.event(id, detained())).status).toBe(200);
      // Every listed profession is accepted (s.136(1C) and reg 8).
      for (const profession of [
        'registeredMedicalPractitioner',
        'registeredNurse',
        'amhp',
        'registeredParamedic',
        'registeredOccupationalTherapist',
      ]) {
        await steps(h, id, [considered(`d-${profession}`), consulted(`d-${profession}`, { profession })]);
      }
    },
  );

  it('R19 refuses a consultation dated after the decision to detain', async () => {
    h = createHarness({ start: T0 });
    const id = await policeIncident(h);
    await steps(h, id, [considered()]);
    await steps(h, id, [consulted('d1', { occurredAt: '2026-11-23T21:00:30Z' })]);
    await refused(id, detained('d1', { occurredAt: '2026-11-23T20:59:00Z' }), 'R19', 'CONSULTATION_AFTER_DECISION');
  });

  it('R20 does not refuse s.136 for a child: a 16-year-old is detained and taken to a health-based PoS', async () => {
    h = createHarness({ start: T0 });
    const id = await atPlaceOfSafety({ site: 'kmptMaidstone' }, child);
    const d = await detention('d1');
    expect(d).toMatchObject({
      state: 'atPlaceOfSafety',
      status: 'running',
      person: { ageYears: 16, ageBand: '10to17' },
    });
    expect(id).toBeTruthy();
  });

  it(
    'R21 street detention 21:10, arrival at the suite 21:55: the clock starts 21:55 and expires 21:55 next day; it ' +
      'is set once',
    async () => {
      h = createHarness({ start: T0 });
      const id = await atPlaceOfSafety();
      const d = await detention('d1');
      expect(d.detainedAt).toBe('2026-11-23T21:10:00.000Z');
      expect(d.clock).toMatchObject({
        start: '2026-11-23T21:55:00.000Z',
        basis: 'arrivalAtPlaceOfSafety',
        expiresAt: '2026-11-24T21:55:00.000Z',
      });
      expect(d.timeLeftSeconds).toBe(86_400);
      // There is no second arrival: the clock start cannot be moved.
      const again = await refused(id, arrived('d1', { site: 'kmptDartford' }), null, 'EVENT_NOT_ALLOWED');
      expect(again.allowedEvents).toContain('S136_TRANSFERRED');
      expect((await detention('d1')).clockStart).toBe('2026-11-23T21:55:00.000Z');
    },
  );

  it('R21 already in A&E, the officer decides at 03:20 to keep the person there: clock starts 03:20', async () => {
    h = createHarness({ start: '2026-11-24T03:00:00Z' });
    const id = await policeIncident(h);
    await steps(h, id, [considered(), consulted()]);
    at('2026-11-24T03:20:00Z');
    await steps(h, id, [
      detained('d1', { mode: 'kept', locationType: 'emergencyDepartment', placeOfSafety: { site: 'edMaidstone' } }),
    ]);
    const d = await detention('d1');
    expect(d).toMatchObject({
      state: 'atPlaceOfSafety',
      clockStart: '2026-11-24T03:20:00.000Z',
      clockBasis: 'decisionToKeep',
      conveyanceMethod: 'noneAlreadyAtPoS',
    });
    expect(d.expiresAt).toBe('2026-11-25T03:20:00.000Z');
  });

  it('R21 a s.135(1) warrant where the person is kept at the premises: the clock starts at first entry', async () => {
    h = createHarness({ start: T0 });
    const id = await policeIncident(h);
    await steps(h, id, [
      {
        type: 'S135_WARRANT_EXECUTED',
        detentionId: 'w1',
        occurredAt: '2026-11-23T20:58:00Z',
        power: 's135_1',
        mode: 'kept',
        warrant: {
          reference: 'MC/2026/0042',
          court: 'Maidstone Magistrates',
          amhpName: 'AMHP J. Cole',
          doctorName: 'Dr R. Iqbal',
        },
        officer,
        placeOfSafety: {
          type: 'socialServicesAccommodation',
          description: 'supported living unit named in the warrant',
        },
      },
    ]);
    expect(await detention('w1')).toMatchObject({
      power: 's135_1',
      clockStart: '2026-11-23T20:58:00.000Z',
      clockBasis: 'entryToPremises',
      expiresAt: '2026-11-24T20:58:00.000Z',
    });
  });

  it('R22 a transfer records by whom and where, and never moves the clock start or the expiry', async () => {
    h = createHarness({ start: T0 });
    const id = await atPlaceOfSafety({ site: 'edMedway' });
    at('2026-11-24T02:00:00Z');
    await refused(
      id,
      { type: 'S136_TRANSFERRED', detentionId: 'd1', placeOfSafety: { site: 'kmptDartford' }, by: 'amhp', byName: ' ' },
      'R22',
      'TRANSFER_BY_REQUIRED',
    );
    await steps(h, id, [
      {
        type: 'S136_TRANSFERRED',
        detentionId: 'd1',
        placeOfSafety: { site: 'kmptDartford' },
        by: 'amhp',
        byName: 'AMHP J. Cole',
      },
    ]);
    const d = await detention('d1');
    expect(d.clock).toMatchObject({ start: '2026-11-23T21:55:00.000Z', expiresAt: '2026-11-24T21:55:00.000Z' });
    expect(d.transfers).toBe(1);
    expect(d.firstPlaceOfSafety).toEqual({ type: 'emergencyDepartment', site: 'edMedway' });
    expect(d.currentPlaceOfSafety).toEqual({ type: 'healthBasedPlaceOfSafety', site: 'kmptDartford' });
    expect(d.stays[1]).toMatchObject({ arrivedAt: '2026-11-24T02:00:00.000Z', policeInAttendance: false });
    expect(d.timeline.find((e: { type: string }) => e.type === 'S136_TRANSFERRED').data).toMatchObject({
      by: 'amhp',
      byName: 'AMHP J. Cole',
    });
  });

  it(
    'R23 after expiry with no outcome refuses anything implying continuing detention, and accepts the outcome ' +
      'lapsed',
    async () => {
      h = createHarness({ start: T0 });
      const id = await atPlaceOfSafety({ site: 'edMedway' });
      at('2026-11-24T22:00:00Z');
      sweepDeadlines(h.deps);
      await refused(
        id,
        {
          type: 'S136_TRANSFERRED',
          detentionId: 'd1',
          placeOfSafety: { site: 'kmptDartford' },
          by: 'constable',
          byName: 'PC 1',
        },
        'R23',
        'DETENTION_EXPIRED',
      );
      await refused(id, nhsAccepted(), 'R23');
      await refused(id, outcome('d1', 'dischargedNFA', { doctorExaminedAt: '2026-11-24T10:00:00Z' }), 'R23');
      const lapsedWarning = (await alerts('?rule=R23&severity=critical'))[0]!;
      expect(lapsedWarning.message).toContain('lapsed');
      const d = await detention('d1');
      expect(d).toMatchObject({ status: 'lapsed', expired: true, timeLeftSeconds: 0 });
      expect(d.allowedEvents).not.toContain('S136_TRANSFERRED');
      await steps(h, id, [outcome('d1', 'lapsed')]);
      expect((await detention('d1')).status).toBe('ended');
    },
  );

  it('R24 refuses a police station as place of safety for a 16-year-old (arrival, keep, or transfer)', async () => {
    h = createHarness({ start: T0 });
    const id = await streetDetention({}, child);
    await steps(h, id, [conveyed()]);
    const p = await refused(id, arrived('d1', policeStation()), 'R24', 'CHILD_AT_POLICE_STATION');
    expect(p.detail).toContain('under 18');
    await steps(h, id, [arrived('d1', { site: 'kmptMaidstone' })]);
    await refused(
      id,
      { type: 'S136_TRANSFERRED', detentionId: 'd1', placeOfSafety: policeStation(), by: 'constable', byName: 'PC 1' },
      'R24',
    );
  });

  it('R24 refuses a police station when the date of birth is unknown but the person appears under 18', async () => {
    h = createHarness({ start: T0 });
    const id = await policeIncident(h, { subject: { ageBand: '10to17' } });
    await steps(h, id, [considered(), consulted()]);
    await refused(
      id,
      detained('d1', { mode: 'kept', locationType: 'policeStation', placeOfSafety: policeStation() }),
      'R24',
    );
    // The detention's own record of the person counts too.
    const id2 = await policeIncident(h);
    await steps(h, id2, [
      considered('d2'),
      consulted('d2'),
      detained('d2', { person: { ageBand: '10to17' } }),
      conveyed('d2'),
    ]);
    await refused(id2, arrived('d2', policeStation()), 'R24');
  });

  it(
    'R25 an adult at a police station needs every Regulations condition and inspector authorisation below ' +
      'inspector',
    async () => {
      h = createHarness({ start: T0 });
      const id = await streetDetention({}, adult);
      await steps(h, id, [conveyed()]);
      const ps = (over: Record<string, unknown>) => arrived('d1', policeStation(over));
      await refused(id, arrived('d1', { site: 'custodyMaidstone' }), 'R25', 'POLICE_STATION_CONDITIONS_REQUIRED');
      await refused(id, ps({ imminentRiskOfSeriousHarm: false }), 'R25', 'NO_IMMINENT_RISK');
      await refused(id, ps({ noOtherPlaceReason: '' }), 'R25', 'NO_OTHER_PLACE_REASON_REQUIRED');
      await refused(id, ps({ healthcareRequirementWillBeMet: false }), 'R25', 'HEALTHCARE_REQUIREMENT');
      await refused(id, ps({ authorisation: undefined }), 'R25', 'INSPECTOR_AUTHORISATION_REQUIRED');
      await refused(
        id,
        ps({ authorisation: { name: 'Sgt 5 T. Hale', rank: 'sergeant', at: '2026-11-23T21:00:00Z' } }),
        'R25',
        'AUTHORISATION_RANK',
      );
      await refused(id, ps({ consultation: { consulted: false } }), 'R25', 'CONSULTATION_REQUIRED');
      await steps(h, id, [ps({})]);
      expect((await detention('d1')).currentPlaceOfSafety).toEqual({ type: 'policeStation', site: 'custodyMaidstone' });
    },
  );

  it('R25 the police-station path is behind a configuration flag (pending legislation)', async () => {
    h = createHarness({
      start: T0,
      config: (c) => ({ ...c, s136: { ...c.s136, policeStationAsPlaceOfSafety: false } }),
    });
    const id = await streetDetention({}, adult);
    await steps(h, id, [conveyed()]);
    await refused(id, arrived('d1', policeStation()), null, 'POLICE_STATION_NOT_PERMITTED');
  });

  it(
    'R26 at a police station, a gap over 30 min between healthcare checks, or no professional present, raises an ' +
      'alert',
    async () => {
      h = createHarness({ start: T0 });
      const id = await atPlaceOfSafety(policeStation(), adult);
      at('2026-11-23T22:15:00Z');
      await steps(h, id, [
        {
          type: 'S136_HEALTHCARE_CHECK_RECORDED',
          detentionId: 'd1',
          professional: 'custody nurse',
          professionalPresent: true,
        },
      ]);
      at('2026-11-23T22:44:00Z');
      expect(sweepDeadlines(h.deps).fired).toBe(0);
      at('2026-11-23T22:46:00Z');
      expect(sweepDeadlines(h.deps).fired).toBe(1);
      expect(sweepDeadlines(h.deps).fired).toBe(0);
      let r26 = await alerts('?rule=R26');
      expect(r26).toHaveLength(1);
      expect(r26[0]).toMatchObject({ severity: 'warning', notify: 'custodySergeant' });
      await steps(h, id, [
        {
          type: 'S136_HEALTHCARE_CHECK_RECORDED',
          detentionId: 'd1',
          professional: 'custody nurse',
          professionalPresent: false,
        },
      ]);
      r26 = await alerts('?rule=R26');
      expect(r26.map((a) => a.message).join('\n')).toContain('no healthcare professional present');
      // Checks belong to a police station only.
      const id2 = await atPlaceOfSafety({ site: 'kmptMaidstone' }, {}, 'd2');
      await refused(
        id2,
        { type: 'S136_HEALTHCARE_CHECK_RECORDED', detentionId: 'd2', professional: 'nurse', professionalPresent: true },
        'R26',
        'NOT_AT_POLICE_STATION',
      );
    },
  );

  it('R27 a home as "other suitable place" needs the consents; another suitable place needs its manager', async () => {
    h = createHarness({ start: T0 });
    const id = await streetDetention();
    await steps(h, id, [conveyed()]);
    const home = (consent: Record<string, unknown> | undefined) =>
      arrived('d1', {
        type: 'privateDwelling',
        description: "the person's sister's flat",
        ...(consent ? { consent } : {}),
      });
    await refused(id, home(undefined), 'R27', 'CONSENT_REQUIRED');
    await refused(
      id,
      home({ personAgreed: true, personLivesThere: true, soleOccupier: false }),
      'R27',
      'OCCUPIER_CONSENT_REQUIRED',
    );
    await refused(id, home({ personAgreed: true, personLivesThere: false }), 'R27', 'OCCUPIER_CONSENT_REQUIRED');
    await refused(
      id,
      arrived('d1', { type: 'otherSuitablePlace', description: 'church hall' }),
      'R27',
      'MANAGER_CONSENT_REQUIRED',
    );
    await steps(h, id, [home({ personAgreed: true, personLivesThere: false, occupierAgreed: true })]);
    expect((await detention('d1')).firstPlaceOfSafety).toEqual({ type: 'privateDwelling', site: null });
  });

  it(
    'R28 refuses an extension for "no bed", by anyone but the responsible doctor, after expiry, or beyond 12 hours ' +
      'in total',
    async () => {
      h = createHarness({ start: T0 });
      const id = await atPlaceOfSafety();
      at('2026-11-24T20:00:00Z');
      const p = await refused(id, extension('d1', { ground: 'noBed' }), 'R28', 'EXTENSION_GROUND_NOT_LAWFUL');
      expect(p.detail).toContain("person's condition");
      await refused(id, extension('d1', { ground: 'amhpUnavailable' }), 'R28');
      await refused(
        id,
        extension('d1', { authoriser: { name: 'AMHP J. Cole', profession: 'amhp', responsibleForExamination: true } }),
        'R28',
        'EXTENSION_AUTHORISER',
      );
      await refused(
        id,
        extension('d1', {
          authoriser: { name: 'Dr X', profession: 'registeredMedicalPractitioner', responsibleForExamination: false },
        }),
        'R28',
      );
      await refused(id, extension('d1', { hours: 13 }), 'R28', 'EXTENSION_TOO_LONG');
      await steps(h, id, [extension('d1', { hours: 8 })]);
      await refused(id, extension('d1', { hours: 5 }), 'R28', 'EXTENSION_TOO_LONG');
      await steps(h, id, [extension('d1', { hours: 4 })]);
      const d = await detention('d1');
      expect(d.clock).toMatchObject({
        baseExpiresAt: '2026-11-24T21:55:00.000Z',
        expiresAt: '2026-11-25T09:55:00.000Z',
      });
      expect(d.extensionHours).toBe(12);
    },
  );

  it('R28 refuses an extension authorised after the 24-hour period expired', async () => {
    h = createHarness({ start: T0 });
    const id = await atPlaceOfSafety();
    at('2026-11-24T21:56:00Z');
    const p = await refused(id, extension('d1', { hours: 2 }), 'R28', 'EXTENSION_AFTER_EXPIRY');
    expect(p.detail).toContain('2026-11-24T21:55:00.000Z');
  });

  it('R29 at a police station an extension needs a superintendent’s approval', async () => {
    h = createHarness({ start: T0 });
    const id = await atPlaceOfSafety(policeStation(), adult);
    at('2026-11-24T12:00:00Z');
    await refused(id, extension('d1', { hours: 6 }), 'R29', 'SUPERINTENDENT_APPROVAL_REQUIRED');
    await refused(
      id,
      extension('d1', {
        hours: 6,
        superintendentApproval: { name: 'CI A. Moss', rank: 'chiefInspector', at: '2026-11-24T11:50:00Z' },
      }),
      'R29',
      'SUPERINTENDENT_RANK',
    );
    await steps(h, id, [
      extension('d1', {
        hours: 6,
        superintendentApproval: { name: 'Supt K. Dale', rank: 'superintendent', at: '2026-11-24T11:50:00Z' },
      }),
    ]);
    expect((await detention('d1')).expiresAt).toBe('2026-11-25T03:55:00.000Z');
  });

  it(
    'R30 refuses a consecutive detention of the same person (across incidents) until the earlier one has a release ' +
      'or outcome',
    async () => {
      h = createHarness({ start: T0 });
      const person = {
        subject: { identifiers: { forcePersonId: 'KP-55012' }, ageYears: 41, gender: 'male', ethnicity: 'asian' },
      };
      const first = await atPlaceOfSafety({ site: 'kmptMaidstone' }, person);
      at('2026-11-24T22:30:00Z');
      sweepDeadlines(h.deps); // the first detention lapses with no outcome
      const second = await policeIncident(h, person);
      await steps(h, second, [considered('d2'), consulted('d2')]);
      const p = await refused(second, detained('d2'), 'R30', 'CONSECUTIVE_DETENTION');
      expect(p.detail).toContain('d1');
      at('2026-11-24T22:40:00Z');
      await steps(h, first, [outcome('d1', 'lapsed')]);
      at('2026-11-24T22:45:00Z');
      expect((await h.event(second, detained('d2'))).status).toBe(200);
    },
  );

  it('R30 refuses a second detention of the person while the first is still running on the same incident', async () => {
    h = createHarness({ start: T0 });
    const id = await atPlaceOfSafety();
    await steps(h, id, [considered('d2'), consulted('d2')]);
    await refused(id, detained('d2'), 'R30', 'ALREADY_DETAINED');
  });

  it('R31 a police release before an assessment outcome needs a reason and supervisor review; flagged', async () => {
    h = createHarness({ start: T0 });
    const id = await atPlaceOfSafety();
    const release = (supervisor: Record<string, unknown>) => ({
      type: 'S136_RELEASED_BY_POLICE',
      detentionId: 'd1',
      reason: 'calm, no longer appeared mentally disordered',
      supervisor,
    });
    await refused(id, release({ name: 'PC 4 K. Bell', rank: 'constable' }), 'R31', 'SUPERVISOR_REVIEW_REQUIRED');
    await refused(
      id,
      { ...release({ name: 'Sgt 1 P. Lee', rank: 'sergeant' }), reason: '' },
      'R31',
      'RELEASE_REASON_REQUIRED',
    );
    await steps(h, id, [release({ name: 'Sgt 1 P. Lee', rank: 'sergeant' })]);
    expect(await alerts('?rule=R31')).toMatchObject([{ severity: 'warning', notify: 'inspector' }]);
    const d = await detention('d1');
    expect(d.status).toBe('ended');
    expect(d.audit.find((a: { kind: string }) => a.kind === 'policeRelease').people[0]).toMatchObject({
      name: 'Sgt 1 P. Lee',
      rank: 'sergeant',
    });
  });

  it(
    'R32 a s.135(1) warrant needs its reference, court, AMHP and doctor; s.135(2) the authorised person or ' +
      'hospital',
    async () => {
      h = createHarness({ start: T0 });
      const id = await policeIncident(h);
      const warrant = (power: string, w: Record<string, unknown>, detentionId = 'w1') => ({
        type: 'S135_WARRANT_EXECUTED',
        detentionId,
        power,
        mode: 'removed',
        warrant: w,
        officer,
      });
      await refused(
        id,
        warrant('s135_1', { reference: 'MC/1', court: 'Maidstone Magistrates', amhpName: 'AMHP J. Cole' }),
        'R32',
        'ACCOMPANIMENT_REQUIRED',
      );
      await refused(
        id,
        warrant('s135_1', { reference: '', court: 'Maidstone Magistrates', amhpName: 'A', doctorName: 'D' }),
        'R32',
        'WARRANT_DETAILS_REQUIRED',
      );
      await refused(
        id,
        warrant('s135_2', { reference: 'MC/2', court: 'Medway Magistrates' }),
        'R32',
        'AUTHORISED_PERSON_REQUIRED',
      );
      await refused(
        id,
        {
          ...warrant('s135_1', { reference: 'MC/1', court: 'C', amhpName: 'A', doctorName: 'D' }),
          officer: { name: 'PCSO 1', role: 'pcso' },
        },
        'R17',
      );
      await steps(h, id, [
        warrant('s135_1', {
          reference: 'MC/1',
          court: 'Maidstone Magistrates',
          amhpName: 'AMHP J. Cole',
          doctorName: 'Dr R. Iqbal',
        }),
      ]);
      expect(await detention('w1')).toMatchObject({
        power: 's135_1',
        state: 'detained',
        warrant: { amhpName: 'AMHP J. Cole', doctorName: 'Dr R. Iqbal' },
      });
      const id2 = await policeIncident(h);
      await steps(h, id2, [
        warrant('s135_2', { reference: 'MC/2', court: 'Medway Magistrates', hospital: 'Priority House' }, 'w2'),
      ]);
    },
  );

  it('R33 a police-vehicle conveyance needs the ambulance request and a reason; arrival needs conveyance', async () => {
    h = createHarness({ start: T0 });
    const id = await streetDetention();
    await refused(id, arrived(), 'R33', 'CONVEYANCE_REQUIRED');
    at('2026-11-23T21:20:00Z');
    await refused(id, conveyed('d1', { method: 'policeVehicle' }), 'R33', 'AMBULANCE_REQUEST_REQUIRED');
    await refused(
      id,
      conveyed('d1', {
        method: 'policeVehicle',
        ambulanceRequested: true,
        policeVehicleReason: 'ambulanceNotWithin30Min',
      }),
      'R33',
      'AMBULANCE_REQUEST_TIME_REQUIRED',
    );
    await refused(
      id,
      conveyed('d1', {
        method: 'policeVehicle',
        ambulanceRequested: true,
        ambulanceRequestedAt: '2026-11-23T21:11:00Z',
      }),
      'R33',
      'POLICE_VEHICLE_REASON_REQUIRED',
    );
    await refused(
      id,
      conveyed('d1', {
        method: 'policeVehicle',
        ambulanceRequested: true,
        ambulanceRequestedAt: '2026-11-23T21:11:00Z',
        policeVehicleReason: 'ambulanceNotRequested',
      }),
      'R33',
    );
    await refused(
      id,
      conveyed('d1', {
        method: 'policeVehicle',
        ambulanceRequested: true,
        ambulanceRequestedAt: '2026-11-23T21:11:00Z',
        policeVehicleReason: 'other',
      }),
      'R33',
      'REASON_TEXT_REQUIRED',
    );
    await refused(id, conveyed('d1', { method: 'noneAlreadyAtPoS' }), 'R33');
    const bad = await h.event(id, conveyed('d1', { method: 'taxi' }));
    expect(bad.status).toBe(400);
    await steps(h, id, [
      conveyed('d1', {
        method: 'policeVehicle',
        ambulanceRequested: true,
        ambulanceRequestedAt: '2026-11-23T21:11:00Z',
        ambulanceEta: '2026-11-23T22:40:00Z',
        policeVehicleReason: 'ambulanceNotWithin30Min',
      }),
    ]);
    expect(await detention('d1')).toMatchObject({
      conveyanceMethod: 'policeVehicle',
      conveyance: { ambulanceRequested: true, policeVehicleReason: 'ambulanceNotWithin30Min' },
    });
  });

  it('R34 flags a s.136 police-vehicle conveyance where no ambulance was requested', async () => {
    h = createHarness({ start: T0 });
    const id = await streetDetention();
    await steps(h, id, [
      conveyed('d1', {
        method: 'policeVehicle',
        ambulanceRequested: false,
        policeVehicleReason: 'ambulanceNotRequested',
      }),
    ]);
    const a = await alerts('?rule=R34');
    expect(a).toMatchObject([{ incidentId: id, severity: 'warning', notify: 'mhLead' }]);
    expect((await detention('d1')).flags.map((f: { rule: string }) => f.rule)).toEqual(['R34']);
  });

  it(
    'R35 handover: police leave only after NHS acceptance; leaving over 60 min after arrival is flagged unless an ' +
      'extended stay was agreed',
    async () => {
      h = createHarness({ start: T0 });
      const id = await atPlaceOfSafety();
      at('2026-11-23T22:10:00Z');
      await refused(id, departed(), 'R35', 'HANDOVER_NOT_ACCEPTED');
      await steps(h, id, [nhsAccepted()]);
      at('2026-11-23T23:05:00Z');
      await steps(h, id, [departed()]);
      const d = await detention('d1');
      expect(d.stays[0]).toMatchObject({
        nhsAcceptedAt: '2026-11-23T22:10:00.000Z',
        policeDepartedAt: '2026-11-23T23:05:00.000Z',
        minutesToAcceptance: 15,
        minutesToDeparture: 70,
      });
      expect((await alerts('?rule=R35')).map((a) => a.message).join()).toContain('70 min after arrival');

      const id2 = await atPlaceOfSafety({ site: 'kmptMaidstone' }, {}, 'd2');
      at('2026-11-23T22:20:00Z');
      await refused(
        id2,
        { type: 'S136_EXTENDED_STAY_AGREED', detentionId: 'd2', reason: 'violent', nhsContact: '' },
        'R35',
        'EXTENDED_STAY_DETAILS',
      );
      await steps(h, id2, [
        {
          type: 'S136_EXTENDED_STAY_AGREED',
          detentionId: 'd2',
          reason: 'assaulted staff; nurse in charge asked officers to stay',
          nhsContact: 'HBPoS nurse in charge',
        },
      ]);
      at('2026-11-24T00:30:00Z');
      sweepDeadlines(h.deps);
      await steps(h, id2, [nhsAccepted('d2'), departed('d2')]);
      expect((await alerts(`?rule=R35&incidentId=${id2}`)).length).toBe(0);
    },
  );

  it('R35 an NHS acceptance recorded after the fact, 75 min after arrival, raises the handover alert', async () => {
    h = createHarness({ start: T0 });
    const id = await atPlaceOfSafety();
    at('2026-11-23T23:30:00Z'); // the scheduler has not swept since the arrival at 21:55
    await steps(h, id, [{ ...nhsAccepted(), occurredAt: '2026-11-23T23:10:00Z' }]);
    expect(await alerts('?rule=R35')).toMatchObject([
      {
        incidentId: id,
        severity: 'warning',
        notify: 'sergeant',
        message: expect.stringContaining('NHS accepted the person 75 min after arrival'),
      },
    ]);
    expect(sweepDeadlines(h.deps).fired, 'the spent handover clock does not alert again').toBe(0);
    expect(await alerts('?rule=R35')).toHaveLength(1);
  });

  it(
    'R35 no NHS acceptance 60 min after arrival raises one handover alert; at an ED only if the force applies the ' +
      'hour there',
    async () => {
      h = createHarness({ start: T0 });
      const id = await atPlaceOfSafety();
      at('2026-11-23T22:54:00Z');
      expect(sweepDeadlines(h.deps).fired).toBe(0);
      at('2026-11-23T22:55:00Z');
      expect(sweepDeadlines(h.deps).fired).toBe(1);
      at('2026-11-23T23:30:00Z');
      expect(sweepDeadlines(h.deps).fired).toBe(0);
      expect(await alerts('?rule=R35')).toMatchObject([
        {
          incidentId: id,
          notify: 'sergeant',
          message: expect.stringContaining('no NHS acceptance 60 min after arrival'),
        },
      ]);

      // Default Kent setting: the hour does not apply at emergency departments.
      const ed = await atPlaceOfSafety({ site: 'edMedway' }, {}, 'd2');
      const keys = h.db.$client.prepare(`SELECT key FROM deadlines WHERE incident_id = ?`).pluck().all(ed) as string[];
      expect(keys.some((k) => k.includes('R35'))).toBe(false);
      const prev = h;
      h = createHarness({
        start: T0,
        config: (c) => ({ ...c, s136: { ...c.s136, handoverRuleAtEmergencyDepartments: true } }),
      });
      await prev.close();
      const ed2 = await atPlaceOfSafety({ site: 'edMedway' });
      const keys2 = h.db.$client
        .prepare(`SELECT key FROM deadlines WHERE incident_id = ?`)
        .pluck()
        .all(ed2) as string[];
      expect(keys2.some((k) => k.includes('R35:handover'))).toBe(true);
    },
  );

  it(
    'R36 a detention closes only with an outcome; s.2/s.3 need the AMHP application and two medical recommendations ' +
      '(or reportedByHealth)',
    async () => {
      h = createHarness({ start: T0 });
      const id = await atPlaceOfSafety({ site: 'kmptMaidstone' }, adult);
      await refused(id, closeDetention(), 'R36', 'OUTCOME_REQUIRED');
      at('2026-11-24T01:00:00Z');
      await steps(h, id, [assessmentStarted()]);
      at('2026-11-24T02:30:00Z');
      const s2 = (over: Record<string, unknown>) =>
        outcome('d1', 'detainedS2', {
          doctorExaminedAt: '2026-11-24T01:00:00Z',
          amhpInterviewedAt: '2026-11-24T01:30:00Z',
          ...over,
        });
      await refused(id, outcome('d1', 'dischargedNFA'), 'R36', 'DOCTOR_EXAMINATION_REQUIRED');
      await refused(id, s2({ amhpInterviewedAt: undefined }), 'R36', 'AMHP_INTERVIEW_REQUIRED');
      await refused(id, s2({}), 'R36', 'APPLICATION_REQUIRED');
      await refused(
        id,
        s2({ application: { amhpApplicationAt: '2026-11-24T02:15:00Z', medicalRecommendations: 1 } }),
        'R36',
        'APPLICATION_REQUIRED',
      );
      await refused(id, outcome('d1', 'lapsed'), 'R36', 'NOT_LAPSED');
      await steps(h, id, [
        s2({ application: { amhpApplicationAt: '2026-11-24T02:15:00Z', medicalRecommendations: 2 } }),
      ]);
      expect(await detention('d1')).toMatchObject({
        outcome: 'detainedS2',
        status: 'ended',
        assessment: { startedAt: '2026-11-24T01:00:00.000Z', endedAt: '2026-11-24T02:30:00.000Z' },
      });
      // With the NHS holding the forms.
      const id2 = await atPlaceOfSafety({ site: 'kmptMaidstone' }, adult, 'd2');
      at('2026-11-24T03:00:00Z');
      await steps(h, id2, [
        outcome('d2', 'detainedS3', {
          doctorExaminedAt: '2026-11-24T01:00:00Z',
          amhpInterviewedAt: '2026-11-24T01:30:00Z',
          reportedByHealth: true,
        }),
      ]);
    },
  );

  it(
    'R37 assessment times must lie within the permitted period; a start more than 3 h after the clock started is ' +
      'flagged',
    async () => {
      h = createHarness({ start: T0 });
      const id = await atPlaceOfSafety({ site: 'kmptMaidstone' }, adult);
      at('2026-11-24T01:00:00Z');
      await refused(
        id,
        outcome('d1', 'dischargedNFA', { doctorExaminedAt: '2026-11-23T21:40:00Z' }),
        'R37',
        'ASSESSMENT_OUTSIDE_PERIOD',
      );
      await refused(
        id,
        { ...assessmentStarted(), occurredAt: '2026-11-23T21:50:00Z' },
        'R37',
        'ASSESSMENT_OUTSIDE_PERIOD',
      );
      await steps(h, id, [assessmentStarted()]); // 3 h 5 min after the clock started
      expect(await alerts('?rule=R37')).toMatchObject([{ severity: 'warning', notify: 'mhLead' }]);
      at('2026-11-24T02:00:00Z');
      await refused(
        id,
        outcome('d1', 'dischargedNFA', {
          doctorExaminedAt: '2026-11-24T01:10:00Z',
          assessmentEndedAt: '2026-11-24T00:50:00Z',
        }),
        'R37',
      );
      await steps(h, id, [
        outcome('d1', 'dischargedWithReferral', {
          doctorExaminedAt: '2026-11-24T01:10:00Z',
          amhpInterviewedAt: '2026-11-24T01:40:00Z',
        }),
      ]);
    },
  );

  it('R42 a detention with ADR fields missing cannot close and says which; "notKnown" is an answer', async () => {
    h = createHarness({ start: T0 });
    // no subject on the incident
    const id = await atPlaceOfSafety(policeStation({ reasonCode: undefined, arrestedForOffence: undefined }));
    at('2026-11-24T01:00:00Z');
    await steps(h, id, [outcome('d1', 'dischargedNFA', { doctorExaminedAt: '2026-11-24T00:30:00Z' })]);
    const p = await refused(id, closeDetention(), 'R42', 'ADR_INCOMPLETE');
    expect(p.detail).toContain('ageGroup, gender, ethnicity, policeStationReason, arrestedForOffence');
    expect((await detention('d1')).adrMissing).toEqual([
      'ageGroup',
      'gender',
      'ethnicity',
      'policeStationReason',
      'arrestedForOffence',
    ]);
    // The incident cannot close while its detention is open either.
    const blocked = await refused(
      id,
      { type: 'INCIDENT_CLOSED', mhFlagAtClose: true, closureCode: 'resolved' },
      'R42',
      'DETENTION_NOT_CLOSED',
    );
    expect(blocked.allowedEvents).not.toContain('INCIDENT_CLOSED');
    await refused(
      id,
      { type: 'S136_ADR_RECORDED', detentionId: 'd1', firstPlaceOfSafety: 'notKnown' },
      'R42',
      'ADR_FIELD_FROM_RECORD',
    );
    await steps(h, id, [
      {
        type: 'S136_ADR_RECORDED',
        detentionId: 'd1',
        person: { ageBand: 'notKnown', gender: 'notKnown', ethnicity: 'notStated' },
        policeStationReason: 'notKnown',
        arrestedForOffence: 'notKnown',
      },
      closeDetention(),
    ]);
    await clearResources(h, id);
    await steps(h, id, [{ type: 'INCIDENT_CLOSED', mhFlagAtClose: true, closureCode: 'resolved' }]);
    expect(await detention('d1')).toMatchObject({ state: 'closed', adr: { complete: true, missing: [] } });
  });

  it(
    'R43 the ADR year follows the Europe/London date: 23:30 UTC on 31 March is 1 April (BST), the next financial ' +
      'year',
    async () => {
      h = createHarness({ start: '2026-03-31T23:00:00Z' });
      const id = await policeIncident(h, adult);
      await steps(h, id, [considered(), consulted()]);
      at('2026-03-31T23:30:00Z');
      await steps(h, id, [detained()]);
      const prev = (await h.request('GET', '/api/returns/adr?year=2025-26', { token: h.tokens.mh_lead })).body;
      const next = (await h.request('GET', '/api/returns/adr?year=2026-27', { token: h.tokens.mh_lead })).body;
      expect(prev.totals.total).toBe(0);
      expect(next.totals.total).toBe(1);
      expect(next.records[0]).toMatchObject({ financialYear: '2026-27', detentionDate: '2026-04-01' });
      expect(next.period).toEqual({
        from: '2026-03-31T23:00:00.000Z',
        to: '2027-03-31T23:00:00.000Z',
        timeZone: 'Europe/London',
        countingDate: 'detentionDecision',
      });
    },
  );

  it('R45 police-station use and extensions are immutable audit events with actor, rank and time', async () => {
    h = createHarness({ start: T0 });
    const id = await atPlaceOfSafety(policeStation(), adult);
    at('2026-11-24T12:00:00Z');
    await steps(h, id, [
      extension('d1', {
        hours: 6,
        superintendentApproval: { name: 'Supt K. Dale', rank: 'superintendent', at: '2026-11-24T11:50:00Z' },
      }),
    ]);
    const d = await detention('d1');
    const kinds = d.audit.map((a: { kind: string }) => a.kind);
    expect(kinds).toEqual(['detention', 'policeStationUse', 'extension']);
    const ps = d.audit[1];
    expect(ps.recordedBy).toMatchObject({ role: 'dispatcher', name: 'Test dispatcher' });
    expect(ps.people).toEqual([
      { capacity: 'decision-maker', name: 'Sgt 1203 R. Okafor', rank: 'sergeant', at: '2026-11-23T21:55:00.000Z' },
      { capacity: 'authorising officer', name: 'Insp 88 L. Grant', rank: 'inspector', at: '2026-11-23T09:00:00.000Z' },
    ]);
    expect(d.audit[2].people).toEqual([
      { capacity: 'registered medical practitioner', name: 'Dr P. Mensah', rank: null, at: '2026-11-24T12:00:00.000Z' },
      {
        capacity: 'approving superintendent',
        name: 'Supt K. Dale',
        rank: 'superintendent',
        at: '2026-11-24T11:50:00.000Z',
      },
    ]);
    const seq = d.audit[2].seq as number;
    expect(() =>
      h.db.$client.prepare(`UPDATE incident_events SET payload = '{}' WHERE incident_id = ? AND seq = ?`).run(id, seq),
    ).toThrow(/append-only/);
    expect(() =>
      h.db.$client.prepare(`DELETE FROM incident_events WHERE incident_id = ? AND seq = ?`).run(id, seq),
    ).toThrow(/append-only/);
    for (const method of ['PUT', 'PATCH', 'DELETE'])
      expect((await h.request(method, `/api/incidents/${id}/events/${seq}`)).status).toBe(405);
    expect((await detention('d1')).audit).toEqual(d.audit);
  });
});
