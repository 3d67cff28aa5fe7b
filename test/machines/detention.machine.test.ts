/**
 * The s.136/s.135 detention machine on its own: pure (snapshot, event) → snapshot through XState's
 * public `initialTransition`/`transition`, no database, milliseconds. Each rule test is named by its
 * number and checks that the refusal names the rule (and that the machine itself does not move),
 * and that the lawful alternative is accepted. The same journeys run through HTTP in
 * test/api/s136-rules.test.ts; this file is where a rule change is tried first.
 */
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import {
  type AgeAtTime,
  type DetentionEvent,
  type DetentionPerson,
  type DetentionPolicy,
  type DetentionSnapshot,
  detentionAllowedEvents,
  detentionBlocksClosure,
  detentionDeadlines,
  detentionMachine,
  detentionRuleViolation,
  detentionStateName,
  detentionStateRefusal,
  type Place,
  type PoliceStationUse,
} from '../../machines/detention/index.js';
import { acceptedEventTypes, laterInstant, type Violation } from '../../machines/kit.js';

const T0 = Date.parse('2026-11-23T21:00:00.000Z');
/** The instant `min` minutes after 21:00 on 23 November 2026. */
const at = (min: number) => new Date(T0 + min * 60_000).toISOString();
const HOURS = 60;

const policy: DetentionPolicy = {
  forceCode: 'KNT',
  warningMinutesBeforeExpiry: [360, 120],
  handoverMinutes: 60,
  handoverRuleAtEmergencyDepartments: false,
  assessmentStartFlagHours: 3,
  policeStationPermitted: true,
  healthcareCheckMinutes: 30,
  specialConstablesMayDetain: true,
  notify: {
    clockWarning: 'inspector',
    clockExpired: 'inspector',
    handover: 'sergeant',
    healthcareCheck: 'custodySergeant',
    conveyance: 'mhLead',
    release: 'inspector',
    assessmentDelay: 'mhLead',
    childAtPoliceStation: 'inspector',
  },
};
const officer = { name: 'PC 4521 A. Shah', role: 'constable' as const, rank: null };
const adult: DetentionPerson = { ageYears: 34, ageBand: '25to34', gender: 'female', ethnicity: 'black' };
const child: DetentionPerson = { ageYears: 16, ageBand: '10to17', gender: 'male', ethnicity: 'white' };
const ageOf = (p: DetentionPerson): AgeAtTime => ({ ageYears: p.ageYears, ageBand: p.ageBand });

const place = (type: Place['type'], label: string, over: Partial<Place> = {}): Place => ({
  type,
  site: label.replace(/\W/g, ''),
  label,
  consent: null,
  policeStation: null,
  ...over,
});
const hbpos = place('healthBasedPlaceOfSafety', 'Maidstone HBPoS');
const dartford = place('healthBasedPlaceOfSafety', 'Dartford HBPoS');
const ed = place('emergencyDepartment', 'Medway ED');
const stationUse: PoliceStationUse = {
  imminentRiskOfSeriousHarm: true,
  noOtherPlaceReason: 'violent; both HBPoS sites declined',
  healthcareRequirementWillBeMet: true,
  decisionMaker: { name: 'Insp 88 L. Grant', rank: 'inspector' },
  authorisation: null,
  consultation: { consulted: true, profession: 'registeredNurse', notPracticableReason: null },
  reasonCode: 'imminentRiskBehaviour',
  arrestedForOffence: 'no',
};
const custody = (over: Partial<PoliceStationUse> = {}) =>
  place('policeStation', 'Maidstone custody', { policeStation: { ...stationUse, ...over } });

const considered = () => ({ type: 'S136_CONSIDERED', officer, policy });
const consulted = (over: object = {}) => ({
  type: 'S136_CONSULTATION_RECORDED',
  practicable: true,
  profession: 'registeredNurse',
  consultee: 'crisis line nurse',
  advice: 'supports a mental health assessment',
  notPracticableReason: null,
  ...over,
});
const detained = (over: object = {}, person = adult) => ({
  type: 'S136_DETAINED',
  mode: 'removed',
  locationType: 'roadOrBridge',
  criteria: { apparentMentalDisorder: true, immediateNeedOfCareOrControl: true, necessaryForProtection: true },
  grounds: 'on the outside of the bridge railings, distressed',
  officer,
  placeOfSafety: null,
  person,
  age: ageOf(person),
  priorDetentions: [],
  ...over,
});
const conveyed = (over: object = {}) => ({
  type: 'S136_CONVEYANCE_RECORDED',
  method: 'ambulance',
  ambulanceRequested: true,
  ambulanceRequestedAt: null,
  ambulanceEta: null,
  policeVehicleReason: null,
  reasonText: null,
  ...over,
});
const byPoliceVehicle = (over: object = {}) =>
  conveyed({
    method: 'policeVehicle',
    ambulanceRequested: false,
    policeVehicleReason: 'ambulanceNotRequested',
    ...over,
  });
const arrived = (p: Place = hbpos, person = adult) => ({
  type: 'S136_ARRIVED_AT_PLACE_OF_SAFETY',
  placeOfSafety: p,
  age: ageOf(person),
});
const transferred = (p: Place, over: object = {}) => ({
  type: 'S136_TRANSFERRED',
  placeOfSafety: p,
  by: 'amhp',
  byName: 'AMHP J. Cole',
  policeAccompanying: false,
  age: ageOf(adult),
  ...over,
});
const welfareCheck = (professionalPresent = true) => ({
  type: 'S136_HEALTHCARE_CHECK_RECORDED',
  professional: 'custody nurse',
  professionalPresent,
  note: null,
});
const nhsAccepted = (acceptedBy = 'HBPoS nurse in charge') => ({ type: 'S136_NHS_ACCEPTED', acceptedBy });
const extendedStay = (over: object = {}) => ({
  type: 'S136_EXTENDED_STAY_AGREED',
  reason: 'assaulted staff; the nurse in charge asked officers to stay',
  nhsContact: 'HBPoS nurse in charge',
  ...over,
});
const departed = () => ({ type: 'S136_POLICE_DEPARTED' });
const assessmentStarted = () => ({ type: 'S136_ASSESSMENT_STARTED' });
const extension = (over: object = {}) => ({
  type: 'S136_EXTENSION_AUTHORISED',
  authoriser: {
    name: 'Dr P. Mensah',
    gmcNumber: null,
    profession: 'registeredMedicalPractitioner',
    responsibleForExamination: true,
  },
  hours: 12,
  ground: 'personsCondition',
  reason: 'too intoxicated to be assessed',
  assessmentAtPoliceStation: null,
  superintendentApproval: null,
  ...over,
});
const outcome = (code: string, over: object = {}) => ({
  type: 'S136_OUTCOME_RECORDED',
  outcome: code,
  doctorExaminedAt: null,
  amhpInterviewedAt: null,
  assessmentEndedAt: null,
  application: null,
  reportedByHealth: false,
  note: null,
  ...over,
});
const released = (over: object = {}) => ({
  type: 'S136_RELEASED_BY_POLICE',
  reason: 'no longer appeared disordered',
  supervisor: { name: 'Sgt 1 P. Lee', rank: 'sergeant' },
  ...over,
});
const adr = (over: object = {}) => ({
  type: 'S136_ADR_RECORDED',
  person: {},
  firstPlaceOfSafety: null,
  conveyanceMethod: null,
  policeStationReason: null,
  arrestedForOffence: null,
  ...over,
});
const closed = () => ({ type: 'S136_CLOSED' });
const warrant = (over: object = {}) => ({
  type: 'S135_WARRANT_EXECUTED',
  power: 's135_1',
  mode: 'removed',
  warrant: {
    reference: 'MC/2026/0042',
    court: 'Maidstone Magistrates',
    amhpName: 'AMHP J. Cole',
    doctorName: 'Dr R. Iqbal',
    authorisedPerson: null,
    hospital: null,
  },
  officer,
  placeOfSafety: null,
  person: adult,
  age: ageOf(adult),
  priorDetentions: [],
  policy,
  ...over,
});

type Sent = { ok: true } | ({ ok: false } & Violation);

/**
 * A tiny driver over the pure machine: stamps envelopes, and for every event checks that the rules'
 * answer (the refusal the aggregate would give) and the machine's own transition agree.
 */
class Detention {
  s: DetentionSnapshot = initialTransition(detentionMachine)[0];
  seq = 0;
  /** The latest moment sent so far (events are recorded then, or later). */
  latest = at(0);

  send(body: Record<string, unknown>, when: number | string): Sent {
    const occurredAt = typeof when === 'number' ? at(when) : when;
    const recordedAt = laterInstant(occurredAt, this.latest);
    const actor =
      body.type === 'DEADLINE_REACHED' ? { id: 'system', role: 'system' } : { id: 'u1', role: 'dispatcher' };
    const e = { detentionId: 'd1', ...body, seq: this.seq + 1, occurredAt, recordedAt, actor } as DetentionEvent;
    const state = detentionStateName(this.s);
    const refusal = acceptedEventTypes(this.s).includes(e.type)
      ? detentionRuleViolation(this.s.context, e)
      : (detentionStateRefusal(state, this.s.context, e) ?? v0(`${e.type} is not allowed while '${state}'`));
    const [next] = transition(detentionMachine, this.s, e);
    if (refusal) {
      expect(next, `the machine itself refuses ${e.type} (${refusal.code})`).toBe(this.s);
      return { ok: false, ...refusal };
    }
    expect(next, `${e.type} is taken`).not.toBe(this.s);
    this.s = next;
    this.seq = e.seq;
    this.latest = recordedAt;
    return { ok: true };
  }
  must(body: Record<string, unknown>, when: number | string) {
    const r = this.send(body, when);
    expect(r, `${String(body.type)} should be accepted`).toEqual({ ok: true });
    return this;
  }
  refuses(body: Record<string, unknown>, when: number | string, rule: string | null, code?: string) {
    const r = this.send(body, when);
    expect(r).toMatchObject({ ok: false, rule, ...(code ? { code } : {}) });
    return r as Violation;
  }
  /** The scheduler fires the clock with this key at its due time. */
  fire(key: string) {
    const d = this.deadlines.find((x) => x.key === key);
    expect(d, `clock ${key} is live`).toBeDefined();
    return this.must({ type: 'DEADLINE_REACHED', deadlineKey: key }, d!.dueAt);
  }
  get state() {
    return detentionStateName(this.s);
  }
  get ctx() {
    return this.s.context;
  }
  get allowed() {
    return detentionAllowedEvents(this.s);
  }
  get deadlines() {
    return detentionDeadlines(this.s.context);
  }
  get flags() {
    return this.s.context.flags;
  }
}
const v0 = (message: string): Violation => ({ rule: null, code: 'EVENT_NOT_ALLOWED', message });

/** Considered at 21:00, consulted 21:08, detained in the street 21:10. */
function streetDetention(over: object = {}, person = adult) {
  return new Detention().must(considered(), 0).must(consulted(), 8).must(detained(over, person), 10);
}
/** …conveyed by ambulance from 21:30, at the place of safety 21:55 (the clock starts: expiry 21:55 next day). */
function atPlaceOfSafety(p: Place = hbpos, person = adult) {
  return streetDetention({}, person).must(conveyed(), 30).must(arrived(p, person), 55);
}
const CLOCK_START = 55;
const EXPIRY = CLOCK_START + 24 * HOURS;

describe('the s.136 journey', () => {
  it('street → conveyance → place of safety → handover → assessment → outcome → ADR → closed', () => {
    const d = new Detention().must(considered(), 0);
    expect(d.state).toBe('considering');
    expect(d.allowed).toEqual(['S136_CONSULTATION_RECORDED', 'S136_NOT_DETAINED']);
    d.must(consulted(), 8).must(detained(), 10);
    expect(d.state).toBe('detained');
    expect(d.ctx.clockStart, 'a removed person’s clock starts on arrival').toBeNull();
    expect(d.allowed).toEqual([
      'S136_ADR_RECORDED',
      'S136_CONVEYANCE_RECORDED',
      'S136_OUTCOME_RECORDED',
      'S136_RELEASED_BY_POLICE',
    ]);
    d.must(conveyed(), 30).must(arrived(), CLOCK_START);
    expect(d.state).toBe('atPlaceOfSafety');
    expect(d.ctx).toMatchObject({
      clockStart: at(CLOCK_START),
      clockBasis: 'arrivalAtPlaceOfSafety',
      expiresAt: at(EXPIRY),
    });
    expect(d.allowed).toEqual([
      'S136_ADR_RECORDED',
      'S136_ASSESSMENT_STARTED',
      'S136_EXTENDED_STAY_AGREED',
      'S136_EXTENSION_AUTHORISED',
      'S136_NHS_ACCEPTED',
      'S136_OUTCOME_RECORDED',
      'S136_RELEASED_BY_POLICE',
      'S136_TRANSFERRED',
    ]);
    d.must(nhsAccepted(), 75);
    expect(d.state).toBe('handedOver');
    expect(d.allowed).toContain('S136_POLICE_DEPARTED');
    expect(d.allowed).not.toContain('S136_NHS_ACCEPTED');
    d.must(departed(), 90).must(assessmentStarted(), 120);
    expect(d.state).toBe('assessing');
    d.must(outcome('informalAdmission', { doctorExaminedAt: at(130) }), 150);
    expect(d.state).toBe('ended');
    expect(d.deadlines, 'an outcome stops every clock').toEqual([]);
    expect(d.allowed).toEqual(['S136_ADR_RECORDED', 'S136_CLOSED']);
    d.must(closed(), 160);
    expect(d.state).toBe('closed');
    expect(d.ctx.stays[0]).toMatchObject({ arrivedAt: at(55), acceptedAt: at(75), departedAt: at(90) });
    expect(d.ctx.outcome).toMatchObject({ code: 'informalAdmission', assessmentEndedAt: at(150) });
    expect(d.flags).toEqual([]);
  });

  it('the officer may decide not to detain after considering it; the detention then ends there', () => {
    const d = new Detention().must(considered(), 0);
    d.refuses({ type: 'S136_NOT_DETAINED', reason: ' ' }, 5, null, 'REASON_REQUIRED');
    d.must({ type: 'S136_NOT_DETAINED', reason: 'went with his sister to the crisis cafe' }, 5);
    expect(d.state).toBe('notDetained');
    expect(d.allowed).toEqual([]);
    expect(detentionBlocksClosure(d.state, 'd1')).toBeNull();
  });

  it('s.135(1): a warrant executed with the person kept at the premises starts the clock at entry', () => {
    const premises = place('socialServicesAccommodation', 'supported living unit', { site: null });
    const d = new Detention().must(warrant({ mode: 'kept', placeOfSafety: premises }), 0);
    expect(d.state).toBe('atPlaceOfSafety');
    expect(d.ctx).toMatchObject({ power: 's135_1', clockStart: at(0), clockBasis: 'entryToPremises' });
    const removed = new Detention().must(
      warrant({ power: 's135_2', warrant: { ...warrant().warrant, hospital: 'Priority House' } }),
      0,
    );
    expect(removed.state).toBe('detained');
    expect(removed.ctx.power).toBe('s135_2');
  });
});

describe('legality of the detention', () => {
  it('R16 refuses s.136 in a dwelling or its private garden; accepts a communal stairwell', () => {
    const d = new Detention().must(considered(), 0).must(consulted(), 8);
    d.refuses(detained({ locationType: 'ownHome' }), 10, 'R16', 'DWELLING');
    d.refuses(detained({ locationType: 'dwellingGardenYardGarageOrOuthouse' }), 10, 'R16');
    d.must(detained({ locationType: 'communalAreaOfFlats' }), 10);
  });

  it('R17 only a constable may detain: a PCSO is refused; a special constable only where the force allows', () => {
    const d = new Detention().must(considered(), 0).must(consulted(), 8);
    d.refuses(detained({ officer: { ...officer, role: 'pcso' } }), 10, 'R17', 'NOT_A_CONSTABLE');
    d.refuses(detained({ officer: { ...officer, name: ' ' } }), 10, 'R17', 'OFFICER_REQUIRED');
    d.must(detained({ officer: { ...officer, role: 'specialConstable' } }), 10);
    const strict = new Detention()
      .must({ ...considered(), policy: { ...policy, specialConstablesMayDetain: false } }, 0)
      .must(consulted(), 8);
    strict.refuses(detained({ officer: { ...officer, role: 'specialConstable' } }), 10, 'R17', 'NOT_A_CONSTABLE');
  });

  it('R18 refuses a detention unless all three criteria are met and the grounds recorded', () => {
    const d = new Detention().must(considered(), 0).must(consulted(), 8);
    const criteria = {
      apparentMentalDisorder: true,
      immediateNeedOfCareOrControl: false,
      necessaryForProtection: true,
    };
    const r = d.refuses(detained({ criteria }), 10, 'R18', 'CRITERIA_NOT_MET');
    expect(r.message).toContain('immediate need of care or control');
    d.refuses(detained({ grounds: '' }), 10, 'R18', 'GROUNDS_REQUIRED');
    d.must(detained(), 10);
  });

  it('R19 detaining needs a consultation first, with a listed profession, before the decision', () => {
    const d = new Detention().must(considered(), 0);
    d.refuses(detained(), 10, 'R19', 'CONSULTATION_REQUIRED');
    d.refuses(consulted({ profession: 'socialWorker' }), 8, 'R19', 'CONSULTEE_NOT_ALLOWED');
    d.refuses(consulted({ advice: '' }), 8, 'R19', 'ADVICE_REQUIRED');
    d.refuses(consulted({ practicable: false, profession: null, advice: null }), 8, 'R19', 'REASON_REQUIRED');
    d.must(consulted({ practicable: false, profession: null, advice: null, notPracticableReason: 'no signal' }), 12);
    d.refuses(detained(), 10, 'R19', 'CONSULTATION_AFTER_DECISION');
    d.must(detained(), 12);
  });

  it('R20 a child may be detained under s.136 (age restricts only the place of safety)', () => {
    const d = atPlaceOfSafety(hbpos, child);
    expect(d.state).toBe('atPlaceOfSafety');
    expect(d.ctx.person.ageYears).toBe(16);
  });

  it('R21 kept where they are: the clock starts at the decision to keep, and the place must be recorded', () => {
    const d = new Detention().must(considered(), 0).must(consulted(), 8);
    d.refuses(detained({ mode: 'kept', locationType: 'emergencyDepartment' }), 10, 'R21', 'PLACE_REQUIRED');
    d.must(detained({ mode: 'kept', locationType: 'emergencyDepartment', placeOfSafety: ed }), 20);
    expect(d.state).toBe('atPlaceOfSafety');
    expect(d.ctx).toMatchObject({ clockStart: at(20), clockBasis: 'decisionToKeep', expiresAt: at(20 + 24 * HOURS) });
    expect(d.ctx.conveyance?.method).toBe('noneAlreadyAtPoS');
  });

  it('R22 a transfer records by whom and never moves the clock start or expiry', () => {
    const d = atPlaceOfSafety(ed);
    d.refuses(transferred(dartford, { byName: '' }), 200, 'R22', 'TRANSFER_BY_REQUIRED');
    d.refuses(transferred(dartford), 50, 'R22', 'TIME_BEFORE_START');
    d.must(transferred(dartford), 300);
    expect(d.ctx.stays.map((s) => [s.place.label, s.arrivedAt, s.policeInAttendance])).toEqual([
      ['Medway ED', at(55), true],
      ['Dartford HBPoS', at(300), false],
    ]);
    expect(d.ctx).toMatchObject({ clockStart: at(CLOCK_START), expiresAt: at(EXPIRY) });
  });

  it('R24 refuses a police station for a child, known or apparent; flags one held there later found to be 17', () => {
    const d = streetDetention({}, child).must(conveyed(), 30);
    d.refuses(arrived(custody(), child), 55, 'R24', 'CHILD_AT_POLICE_STATION');
    const apparent: DetentionPerson = { ...child, ageYears: null };
    d.refuses(arrived(custody(), apparent), 55, 'R24', 'CHILD_AT_POLICE_STATION');
    d.must(arrived(hbpos, child), 55);

    const a = atPlaceOfSafety(custody());
    a.must(adr({ person: { ageYears: 17 } }), 90);
    expect(a.flags).toMatchObject([{ key: 'R24:childAtPoliceStation', rule: 'R24', severity: 'critical' }]);
  });

  it('R25 an adult at a police station needs the Regulations record; below inspector, an inspector authorises', () => {
    const d = streetDetention().must(conveyed(), 30);
    d.refuses(arrived(custody({ imminentRiskOfSeriousHarm: false })), 55, 'R25', 'NO_IMMINENT_RISK');
    d.refuses(arrived(custody({ noOtherPlaceReason: ' ' })), 55, 'R25', 'NO_OTHER_PLACE_REASON_REQUIRED');
    const sergeant = { decisionMaker: { name: 'Sgt 12 R. Bell', rank: 'sergeant' as const } };
    d.refuses(arrived(custody(sergeant)), 55, 'R25', 'INSPECTOR_AUTHORISATION_REQUIRED');
    const late = { ...sergeant, authorisation: { name: 'Insp 88 L. Grant', rank: 'inspector' as const, at: at(60) } };
    d.refuses(arrived(custody(late)), 55, 'R25', 'AUTHORISATION_AFTER_USE');
    d.must(arrived(custody({ ...late, authorisation: { ...late.authorisation, at: at(50) } })), 55);

    const off = new Detention().must({ ...considered(), policy: { ...policy, policeStationPermitted: false } }, 0);
    off.must(consulted(), 8).must(detained(), 10).must(conveyed(), 30);
    off.refuses(arrived(custody()), 55, null, 'POLICE_STATION_NOT_PERMITTED');
  });

  it('R27 a home needs the person’s and an occupier’s consent; another suitable place needs its manager', () => {
    const d = streetDetention().must(conveyed(), 30);
    const home = (consent: object) =>
      place('privateDwelling', 'sister’s flat', {
        site: null,
        consent: {
          personAgreed: true,
          personLivesThere: false,
          soleOccupier: null,
          occupierAgreed: null,
          managerAgreed: null,
          ...consent,
        },
      });
    d.refuses(arrived(home({ personAgreed: null })), 55, 'R27', 'CONSENT_REQUIRED');
    d.refuses(arrived(home({})), 55, 'R27', 'OCCUPIER_CONSENT_REQUIRED');
    d.refuses(
      arrived(place('otherSuitablePlace', 'church hall', { site: null })),
      55,
      'R27',
      'MANAGER_CONSENT_REQUIRED',
    );
    d.must(arrived(home({ occupierAgreed: true })), 55);
  });

  it('R30 refuses a second detention while an earlier one of the same person has not ended', () => {
    const prior = {
      detentionId: 'd0',
      incidentId: 'i0',
      power: 's136' as const,
      detainedAt: at(-600),
      endedAt: null as string | null,
      expiresAt: at(600) as string | null,
    };
    const d = new Detention().must(considered(), 0).must(consulted(), 8);
    d.refuses(detained({ priorDetentions: [prior] }), 10, 'R30', 'ALREADY_DETAINED');
    d.refuses(detained({ priorDetentions: [{ ...prior, expiresAt: at(0) }] }), 10, 'R30', 'CONSECUTIVE_DETENTION');
    d.refuses(detained({ priorDetentions: [{ ...prior, endedAt: at(30) }] }), 10, 'R30', 'OVERLAPPING_DETENTION');
    d.must(detained({ priorDetentions: [{ ...prior, endedAt: at(5) }] }), 10);
  });

  it('R31 a police release before an outcome needs a reason and a sergeant’s review, and is flagged', () => {
    const d = streetDetention();
    d.refuses(released({ reason: '' }), 20, 'R31', 'RELEASE_REASON_REQUIRED');
    d.refuses(released({ supervisor: { name: 'PC 2', rank: 'constable' } }), 20, 'R31', 'SUPERVISOR_REVIEW_REQUIRED');
    d.must(released(), 20);
    expect(d.state).toBe('ended');
    expect(d.flags).toMatchObject([{ key: 'R31', rule: 'R31', notify: 'inspector' }]);
  });

  it('R32 a warrant needs its reference and court; s.135(1) its AMHP and doctor, s.135(2) who takes them', () => {
    const d = new Detention();
    const w = warrant().warrant;
    d.refuses(warrant({ warrant: { ...w, court: '' } }), 0, 'R32', 'WARRANT_DETAILS_REQUIRED');
    d.refuses(warrant({ warrant: { ...w, doctorName: null } }), 0, 'R32', 'ACCOMPANIMENT_REQUIRED');
    d.refuses(warrant({ power: 's135_2', warrant: { ...w, amhpName: null } }), 0, 'R32', 'AUTHORISED_PERSON_REQUIRED');
    d.refuses(warrant({ officer: { ...officer, role: 'policeStaff' } }), 0, 'R17', 'NOT_A_CONSTABLE');
    d.must(warrant(), 0);
  });
});

describe('the clock', () => {
  it('R23 warns at T−6 h and T−2 h, lapses at expiry, then refuses what implies detention; lapsed is taken', () => {
    const d = atPlaceOfSafety();
    expect(d.deadlines.map((x) => [x.key, x.dueAt])).toEqual([
      ['R23:warning:360:0', at(EXPIRY - 360)],
      ['R23:warning:120:0', at(EXPIRY - 120)],
      ['R23:expiry:0', at(EXPIRY)],
      ['R37:assessmentStart', at(CLOCK_START + 3 * HOURS)],
      ['R35:handover:5', at(CLOCK_START + 60)],
    ]);
    d.must(nhsAccepted(), 70).must(departed(), 80);
    d.refuses(outcome('lapsed'), EXPIRY - 1, 'R36', 'NOT_LAPSED');
    d.fire('R37:assessmentStart').fire('R23:warning:360:0').fire('R23:warning:120:0');
    d.refuses({ type: 'DEADLINE_REACHED', deadlineKey: 'R23:warning:120:0' }, EXPIRY - 120, null, 'DEADLINE_NOT_LIVE');
    d.fire('R23:expiry:0');
    expect(d.ctx.lapsedAt).toBe(at(EXPIRY));
    expect(d.flags.map((f) => [f.key, f.severity, f.notify])).toEqual([
      ['R37:assessmentStart', 'warning', 'mhLead'],
      ['R23:warning:360:0', 'warning', 'inspector'],
      ['R23:warning:120:0', 'warning', 'inspector'],
      ['R23:expiry:0', 'critical', 'inspector'],
    ]);
    expect(d.flags[3]!.message).toContain('lapsed');
    d.refuses(transferred(dartford), EXPIRY + 5, 'R23', 'DETENTION_EXPIRED');
    d.refuses(assessmentStarted(), EXPIRY + 5, 'R37', 'ASSESSMENT_OUTSIDE_PERIOD');
    d.refuses(outcome('dischargedNFA', { doctorExaminedAt: at(600) }), EXPIRY + 5, 'R23', 'DETENTION_EXPIRED');
    for (const t of [
      'S136_TRANSFERRED',
      'S136_ASSESSMENT_STARTED',
      'S136_EXTENSION_AUTHORISED',
      'S136_RELEASED_BY_POLICE',
    ])
      expect(d.allowed).not.toContain(t);
    expect(d.allowed).toContain('S136_OUTCOME_RECORDED');
    d.must(outcome('lapsed'), EXPIRY + 5);
    expect(d.state).toBe('ended');
  });

  it('R28 an extension: the responsible doctor, the person’s condition, before the 24 h expire, 12 h in all', () => {
    const d = atPlaceOfSafety();
    d.refuses(extension({ ground: 'noBed' }), 600, 'R28', 'EXTENSION_GROUND_NOT_LAWFUL');
    const registrar = { ...extension().authoriser, responsibleForExamination: false };
    d.refuses(extension({ authoriser: registrar }), 600, 'R28', 'EXTENSION_AUTHORISER');
    d.refuses(extension({ reason: ' ' }), 600, 'R28', 'EXTENSION_REASON_REQUIRED');
    d.refuses(extension({ hours: 8 }), EXPIRY, 'R28', 'EXTENSION_AFTER_EXPIRY');
    d.must(extension({ hours: 8 }), 600);
    expect(d.ctx.expiresAt).toBe(at(EXPIRY + 8 * HOURS));
    expect(d.deadlines.find((x) => x.kind === 'clockExpiry')).toMatchObject({
      key: 'R23:expiry:1',
      dueAt: at(EXPIRY + 8 * HOURS),
    });
    d.refuses(extension({ hours: 5 }), 700, 'R28', 'EXTENSION_TOO_LONG');
    d.must(extension({ hours: 4 }), 700);
    expect(d.ctx.expiresAt).toBe(at(EXPIRY + 12 * HOURS));
    expect(d.allowed, '12 hours granted: no further extension is offered').not.toContain('S136_EXTENSION_AUTHORISED');
    d.refuses(extension({ hours: 1 }), 710, 'R28', 'EXTENSION_TOO_LONG');
  });

  it('R29 at a police station an extension needs a superintendent’s approval, unless assessed elsewhere', () => {
    const d = atPlaceOfSafety(custody());
    d.refuses(extension(), 600, 'R29', 'SUPERINTENDENT_APPROVAL_REQUIRED');
    const chief = { name: 'CI 4 M. Ward', rank: 'chiefInspector', at: at(590) };
    d.refuses(extension({ superintendentApproval: chief }), 600, 'R29', 'SUPERINTENDENT_RANK');
    d.must(extension({ hours: 2, assessmentAtPoliceStation: false }), 600);
    d.must(extension({ hours: 2, superintendentApproval: { ...chief, rank: 'superintendent' } }), 610);
    expect(d.ctx.extensions.map((x) => x.superintendent)).toEqual([null, 'superintendent CI 4 M. Ward']);
  });

  it('R26 at a police station a welfare check is due every 30 min; no professional present is flagged', () => {
    const hb = atPlaceOfSafety();
    hb.refuses(welfareCheck(), 70, 'R26', 'NOT_AT_POLICE_STATION');
    expect(hb.allowed).not.toContain('S136_HEALTHCARE_CHECK_RECORDED');

    const d = atPlaceOfSafety(custody());
    expect(d.allowed).toContain('S136_HEALTHCARE_CHECK_RECORDED');
    expect(d.allowed, 'no NHS handover at a police station').not.toContain('S136_NHS_ACCEPTED');
    expect(d.deadlines.find((x) => x.kind === 'healthcareCheck')).toEqual({
      key: 'R26:check:5',
      rule: 'R26',
      kind: 'healthcareCheck',
      dueAt: at(CLOCK_START + 30),
    });
    d.refuses({ ...welfareCheck(), professional: '' }, 80, 'R26', 'PROFESSIONAL_REQUIRED');
    d.must(welfareCheck(), 80);
    expect(d.deadlines.find((x) => x.kind === 'healthcareCheck')).toMatchObject({ key: 'R26:check:6', dueAt: at(110) });
    d.fire('R26:check:6');
    d.must(welfareCheck(false), 120);
    expect(d.flags.map((f) => [f.key, f.rule])).toEqual([
      ['R26:check:6', 'R26'],
      ['R26:notPresent:8', 'R26'],
    ]);
  });

  it('R37 assessment times lie within the permitted period; a start more than 3 h after the clock is flagged', () => {
    const d = atPlaceOfSafety();
    d.refuses(assessmentStarted(), 50, 'R37', 'ASSESSMENT_OUTSIDE_PERIOD');
    d.must(assessmentStarted(), CLOCK_START + 3 * HOURS + 5);
    expect(d.flags).toMatchObject([{ key: 'R37:assessmentStart', rule: 'R37', notify: 'mhLead' }]);
    const ends = { doctorExaminedAt: at(300), assessmentEndedAt: at(230) };
    d.refuses(outcome('dischargedNFA', ends), 320, 'R37', 'ASSESSMENT_ENDS_BEFORE_START');
    d.refuses(outcome('dischargedNFA', { doctorExaminedAt: at(330) }), 320, 'R7', 'TIME_AFTER_OUTCOME');
    d.must(outcome('dischargedNFA', { doctorExaminedAt: at(300) }), 320);
  });
});

describe('conveyance, handover and outcome', () => {
  it('R33 a police-vehicle conveyance needs the ambulance request and a reason; arrival needs a conveyance', () => {
    const d = streetDetention();
    d.refuses(arrived(), 55, 'R33', 'CONVEYANCE_REQUIRED');
    d.refuses(byPoliceVehicle({ ambulanceRequested: null }), 30, 'R33', 'AMBULANCE_REQUEST_REQUIRED');
    const requested = { ambulanceRequested: true, policeVehicleReason: 'ambulanceNotWithin30Min' };
    d.refuses(byPoliceVehicle(requested), 30, 'R33', 'AMBULANCE_REQUEST_TIME_REQUIRED');
    d.refuses(byPoliceVehicle({ policeVehicleReason: null }), 30, 'R33', 'POLICE_VEHICLE_REASON_REQUIRED');
    d.refuses(byPoliceVehicle({ policeVehicleReason: 'crewRefused' }), 30, 'R33', 'REASON_CONTRADICTS_REQUEST');
    d.refuses(conveyed({ method: 'noneAlreadyAtPoS' }), 30, 'R33', 'NOT_AT_PLACE_OF_SAFETY');
    d.must(byPoliceVehicle({ ...requested, ambulanceRequestedAt: at(12), ambulanceEta: at(90) }), 30);
    expect(d.flags).toEqual([]);
  });

  it('R34 flags a s.136 police-vehicle conveyance where no ambulance was requested (not a s.135 one)', () => {
    const d = streetDetention().must(byPoliceVehicle(), 30);
    expect(d.flags).toMatchObject([{ key: 'R34', rule: 'R34', severity: 'warning', notify: 'mhLead' }]);
    const w = new Detention().must(warrant(), 0).must(byPoliceVehicle(), 30);
    expect(w.flags).toEqual([]);
  });

  it('R35 police leave only after NHS acceptance; leaving over 60 min after arrival is flagged', () => {
    const d = atPlaceOfSafety();
    d.refuses(departed(), 60, 'R35', 'HANDOVER_NOT_ACCEPTED');
    expect(d.allowed).not.toContain('S136_POLICE_DEPARTED');
    d.refuses(nhsAccepted(' '), 70, 'R35', 'ACCEPTED_BY_REQUIRED');
    d.refuses(nhsAccepted(), 50, 'R35', 'TIME_BEFORE_START');
    d.must(nhsAccepted(), 70);
    d.refuses(departed(), 65, 'R35', 'TIME_BEFORE_START');
    d.must(departed(), CLOCK_START + 70);
    expect(d.flags).toMatchObject([{ key: 'R35:departure:5', rule: 'R35', notify: 'sergeant' }]);
    expect(d.flags[0]!.message).toContain('70 min after arrival');
    d.refuses(departed(), 200, null, 'ALREADY_DEPARTED');
  });

  it('R35 an agreed extended stay (reason and NHS contact) means no handover alert, and is agreed once', () => {
    const d = atPlaceOfSafety();
    d.refuses(extendedStay({ nhsContact: '' }), 80, 'R35', 'EXTENDED_STAY_DETAILS');
    d.must(extendedStay(), 80);
    expect(d.deadlines.map((x) => x.kind)).not.toContain('handover');
    expect(d.allowed).not.toContain('S136_EXTENDED_STAY_AGREED');
    d.refuses(extendedStay(), 90, 'R35', 'EXTENDED_STAY_ALREADY_AGREED');
    d.must(nhsAccepted(), 200).must(departed(), 210);
    expect(d.flags).toEqual([]);
  });

  it('R35 no NHS acceptance 60 min after arrival raises one handover alert; at an ED only if the force says so', () => {
    const d = atPlaceOfSafety();
    d.fire('R35:handover:5');
    d.must(nhsAccepted(), 130);
    expect(d.flags.map((f) => f.key)).toEqual(['R35:handover:5']);
    expect(d.flags[0]!.message).toContain('no NHS acceptance 60 min after arrival at Maidstone HBPoS');

    const atEd = atPlaceOfSafety(ed);
    expect(atEd.deadlines.map((x) => x.kind)).not.toContain('handover');
    const strict = new Detention()
      .must({ ...considered(), policy: { ...policy, handoverRuleAtEmergencyDepartments: true } }, 0)
      .must(consulted(), 8)
      .must(detained(), 10)
      .must(conveyed(), 30)
      .must(arrived(ed), 55);
    expect(strict.deadlines.map((x) => x.key)).toContain('R35:handover:5');
  });

  it('R35 an NHS acceptance recorded after the fact, over 60 min after arrival, is flagged when it is recorded', () => {
    // Nobody swept the handover clock: the acceptance at 23:10 is written down later, in one go.
    const d = atPlaceOfSafety().must(nhsAccepted(), CLOCK_START + 75);
    expect(d.flags).toMatchObject([{ key: 'R35:handover:5', rule: 'R35', severity: 'warning', notify: 'sergeant' }]);
    expect(d.flags[0]!.message).toContain('NHS accepted the person 75 min after arrival at Maidstone HBPoS');
    expect(
      d.deadlines.map((x) => x.kind),
      'the handover clock is spent: it cannot alert again',
    ).not.toContain('handover');
    d.must(departed(), CLOCK_START + 80);
    expect(d.flags.map((f) => f.key)).toEqual(['R35:handover:5', 'R35:departure:5']);

    expect(atPlaceOfSafety().must(nhsAccepted(), CLOCK_START + 60).flags, 'within the hour').toEqual([]);
    const agreed = atPlaceOfSafety()
      .must(extendedStay(), 70)
      .must(nhsAccepted(), CLOCK_START + 90);
    expect(agreed.flags, 'an agreed extended stay').toEqual([]);
    const ae = atPlaceOfSafety(ed).must(nhsAccepted(), CLOCK_START + 90);
    expect(ae.flags, 'the hour does not apply at this ED').toEqual([]);
  });

  it('R35 no handover at a police station: acceptance is refused there and closing needs the departure', () => {
    const d = atPlaceOfSafety(custody());
    d.refuses(nhsAccepted(), 70, 'R35', 'NO_HANDOVER_AT_POLICE_STATION');
    d.refuses(extendedStay(), 70, 'R35', 'NO_HANDOVER_HERE');
    const h = atPlaceOfSafety()
      .must(nhsAccepted(), 70)
      .must(outcome('dischargedNFA', { doctorExaminedAt: at(80) }), 90);
    h.refuses(closed(), 100, 'R35', 'DEPARTURE_REQUIRED');
    h.must(departed(), 100).must(closed(), 110);
  });

  it('R36 a detention closes only with an outcome; s.2/s.3 need the application and recommendations', () => {
    const d = streetDetention();
    d.refuses(closed(), 20, 'R36', 'OUTCOME_REQUIRED');
    d.refuses(outcome('dischargedNFA'), 20, 'R36', 'OUTCOME_NEEDS_PLACE_OF_SAFETY');
    const a = atPlaceOfSafety();
    a.refuses(outcome('dischargedNFA'), 200, 'R36', 'DOCTOR_EXAMINATION_REQUIRED');
    const examined = { doctorExaminedAt: at(150), amhpInterviewedAt: at(170) };
    a.refuses(outcome('detainedS2', { doctorExaminedAt: at(150) }), 200, 'R36', 'AMHP_INTERVIEW_REQUIRED');
    const one = { amhpApplicationAt: at(180), medicalRecommendations: 1 };
    a.refuses(outcome('detainedS3', { ...examined, application: one }), 200, 'R36', 'APPLICATION_REQUIRED');
    a.must(outcome('detainedS2', { ...examined, reportedByHealth: true }), 200);
    expect(a.ctx.outcome?.code).toBe('detainedS2');
    streetDetention().must(outcome('arrestedForOffence'), 20);
  });

  it('R42 closing needs the ADR record complete ("notKnown" is an answer); until then the incident stays open', () => {
    const unknown: DetentionPerson = { ageYears: null, ageBand: null, gender: null, ethnicity: null };
    const d = atPlaceOfSafety(custody({ reasonCode: null, arrestedForOffence: null }), unknown);
    expect(detentionBlocksClosure(d.state, 'd1')).toMatchObject({ rule: null, code: 'DETENTION_OPEN' });
    d.must(outcome('dischargedNFA', { doctorExaminedAt: at(100) }), 120);
    const r = d.refuses(closed(), 130, 'R42', 'ADR_INCOMPLETE');
    expect(r.message).toContain('ageGroup, gender, ethnicity, policeStationReason, arrestedForOffence');
    expect(d.allowed).not.toContain('S136_CLOSED');
    expect(detentionBlocksClosure(d.state, 'd1')).toMatchObject({ rule: 'R42', code: 'DETENTION_NOT_CLOSED' });
    d.refuses(adr({ firstPlaceOfSafety: 'notKnown' }), 130, 'R42', 'ADR_FIELD_FROM_RECORD');
    d.must(
      adr({
        person: { ageBand: 'notKnown', gender: 'notKnown', ethnicity: 'notStated' },
        policeStationReason: 'notKnown',
        arrestedForOffence: 'notKnown',
      }),
      130,
    );
    expect(d.allowed).toContain('S136_CLOSED');
    d.must(closed(), 140);
    expect(detentionBlocksClosure(d.state, 'd1')).toBeNull();
    d.refuses(adr(), 150, null, 'DETENTION_CLOSED');
  });
});

describe('allowed events', () => {
  it('are what the machine takes now: an offered event with a lawful payload is taken, the rest refused', () => {
    const samples: Record<string, () => Record<string, unknown>> = {
      S136_TRANSFERRED: () => transferred(dartford),
      S136_HEALTHCARE_CHECK_RECORDED: () => welfareCheck(),
      S136_NHS_ACCEPTED: () => nhsAccepted(),
      S136_EXTENDED_STAY_AGREED: () => extendedStay(),
      S136_POLICE_DEPARTED: () => departed(),
      S136_ASSESSMENT_STARTED: () => assessmentStarted(),
      S136_EXTENSION_AUTHORISED: () => extension({ hours: 1, assessmentAtPoliceStation: false }),
      S136_RELEASED_BY_POLICE: () => released(),
      S136_ADR_RECORDED: () => adr(),
      S136_CLOSED: () => closed(),
    };
    const journeys = [
      atPlaceOfSafety(),
      atPlaceOfSafety().must(nhsAccepted(), 70),
      atPlaceOfSafety().must(nhsAccepted(), 70).must(departed(), 80),
      atPlaceOfSafety(custody()),
      atPlaceOfSafety().must(extension(), 600),
      atPlaceOfSafety().must(extendedStay(), 60),
      atPlaceOfSafety().fire('R23:expiry:0'),
    ];
    for (const [n, d] of journeys.entries()) {
      const next = Date.parse(d.ctx.lastAt) + 60_000;
      for (const [type, body] of Object.entries(samples)) {
        if (!acceptedEventTypes(d.s).includes(type)) continue;
        const probe = Object.assign(new Detention(), { s: d.s, seq: d.seq, latest: d.latest });
        const sent = probe.send(body(), new Date(next).toISOString());
        expect(sent.ok, `journey ${n}: ${type} is ${d.allowed.includes(type) ? '' : 'not '}offered`).toBe(
          d.allowed.includes(type),
        );
      }
      expect(d.allowed).not.toContain('DEADLINE_REACHED');
    }
  });
});
