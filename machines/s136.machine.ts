/**
 * One Mental Health Act detention (s.136, or a s.135(1)/(2) warrant) inside an incident: the
 * decision, the place(s) of safety, the statutory clock, the handover to health, the assessment,
 * the outcome and the Home Office ADR record.
 *
 *   s.136:  considering → consulted → detained → conveying → atPlaceOfSafety → handedOver → assessing → ended → closed
 *           (or considering/consulted → notDetained; "kept" at a place of safety goes straight to atPlaceOfSafety)
 *   s.135:  warrant executed → detained (removed) | atPlaceOfSafety (kept at the premises) → … as above
 *
 * Pure: (snapshot, event) → next snapshot. Every rule is a check function below, used both as the
 * XState guard and to name the rule when a command is refused. Force settings arrive stamped in the
 * creating event (`policy`); facts the shell looks up (the person's age at the time, earlier
 * detentions of the same person) arrive stamped in the event that needs them.
 *
 * Time: instants are UTC ISO strings; durations are arithmetic on epoch milliseconds, so 24 h is
 * always 86,400 s, across a BST→GMT change too (R7).
 */
import { and, assign, not, setup, type SnapshotFrom } from 'xstate';
import { isBlank, laterInstant, type DeadlineSpec, type EventMeta, type Flag, type Violation } from './types.js';
import { ageBandFor, type AgeBand, type Ethnicity, type Gender } from './subject.js';
import { rankAtLeast, type Rank } from './ranks.js';

export const S136_MACHINE_VERSION = 'detention@1';

export const POWERS = ['s136', 's135_1', 's135_2'] as const;
export type Power = (typeof POWERS)[number];
export const DETAINING_ROLES = ['constable', 'specialConstable', 'pcso', 'policeStaff'] as const;
export type DetainingRole = (typeof DETAINING_ROLES)[number];
/** Where the power was used (R16). The last three are dwellings, where s.136 cannot be used. */
export const LOCATION_TYPES = [
  'street',
  'publicOpenSpace',
  'roadOrBridge',
  'railwayProperty',
  'shopOrLicensedPremises',
  'workplace',
  'emergencyDepartment',
  'otherHealthSetting',
  'communalAreaOfFlats',
  'sharedGardenOrYard',
  'vehicle',
  'policeStation',
  'other',
  'ownHome',
  'otherPersonsHome',
  'dwellingGardenYardGarageOrOuthouse',
] as const;
export type LocationType = (typeof LOCATION_TYPES)[number];
export const DWELLING_LOCATIONS: readonly LocationType[] = [
  'ownHome',
  'otherPersonsHome',
  'dwellingGardenYardGarageOrOuthouse',
];
/** R19: who may be consulted (s.136(1C) and reg 8 of SI 2017/1036). */
export const CONSULTEE_PROFESSIONS = [
  'registeredMedicalPractitioner',
  'registeredNurse',
  'amhp',
  'registeredParamedic',
  'registeredOccupationalTherapist',
] as const;
export const PLACE_TYPES = [
  'healthBasedPlaceOfSafety',
  'emergencyDepartment',
  'otherHospital',
  'independentHospitalOrCareHome',
  'socialServicesAccommodation',
  'policeStation',
  'privateDwelling',
  'otherSuitablePlace',
] as const;
export type PlaceType = (typeof PLACE_TYPES)[number];
export const CONVEYANCE_METHODS = [
  'ambulance',
  'policeVehicle',
  'otherHealthVehicle',
  'other',
  'notKnown',
  'noneAlreadyAtPoS',
] as const;
export type ConveyanceMethod = (typeof CONVEYANCE_METHODS)[number];
export const POLICE_VEHICLE_REASONS = [
  'ambulanceNotWithin30Min',
  'ambulanceNotRequested',
  'ambulanceDiverted',
  'crewRefused',
  'other',
] as const;
export type PoliceVehicleReason = (typeof POLICE_VEHICLE_REASONS)[number];
export const TRANSFER_BY = ['constable', 'amhp', 'authorisedPerson'] as const;
export const OUTCOMES = [
  'dischargedNFA',
  'dischargedWithReferral',
  'informalAdmission',
  'detainedS2',
  'detainedS3',
  'detainedS4',
  'arrestedForOffence',
  'transferredAcuteCare',
  'lapsed',
  'other',
] as const;
export type Outcome = (typeof OUTCOMES)[number];
/** Outcomes reached by a mental-health assessment: they need a doctor's examination time (R36). */
const ASSESSED_OUTCOMES: readonly Outcome[] = [
  'dischargedNFA',
  'dischargedWithReferral',
  'informalAdmission',
  'detainedS2',
  'detainedS3',
  'detainedS4',
];
/** Outcomes possible before the person reached a place of safety. */
const PRE_ARRIVAL_OUTCOMES: readonly Outcome[] = ['arrestedForOffence', 'other'];
export const EXTENSION_GROUNDS = [
  'personsCondition',
  'noBed',
  'amhpUnavailable',
  'doctorUnavailable',
  'awaitingTransport',
  'other',
] as const;
export type ExtensionGround = (typeof EXTENSION_GROUNDS)[number];
export const YES_NO_NOT_KNOWN = ['yes', 'no', 'notKnown'] as const;
export type YesNoNotKnown = (typeof YES_NO_NOT_KNOWN)[number];

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** s.136(2A), s.135(3ZA): the permitted period. */
export const PERMITTED_PERIOD_MS = 24 * HOUR;
/** s.136B: the most a doctor may extend it by (cumulative). */
export const MAX_EXTENSION_MS = 12 * HOUR;

/** Force settings in effect when the detention began (stamped into the creating event). */
export interface DetentionPolicy {
  forceCode: string;
  warningMinutesBeforeExpiry: number[];
  handoverMinutes: number;
  handoverRuleAtEmergencyDepartments: boolean;
  assessmentStartFlagHours: number;
  policeStationPermitted: boolean;
  healthcareCheckMinutes: number;
  specialConstablesMayDetain: boolean;
  notify: {
    clockWarning: string;
    clockExpired: string;
    handover: string;
    healthcareCheck: string;
    conveyance: string;
    release: string;
    assessmentDelay: string;
    childAtPoliceStation: string;
  };
}

export interface Officer {
  name: string;
  role: DetainingRole;
  rank: Rank | null;
}

export interface NamedRank {
  name: string;
  rank: Rank;
}

/** R27: consents for an "other suitable place" (s.135(7)). */
export interface Consent {
  personAgreed: boolean | null;
  personLivesThere: boolean | null;
  soleOccupier: boolean | null;
  occupierAgreed: boolean | null;
  managerAgreed: boolean | null;
}

/** R25: the record that makes a police station lawful for an adult (reg 2 of SI 2017/1036). */
export interface PoliceStationUse {
  imminentRiskOfSeriousHarm: boolean;
  noOtherPlaceReason: string;
  healthcareRequirementWillBeMet: boolean;
  decisionMaker: NamedRank;
  authorisation: (NamedRank & { at: string }) | null;
  consultation: { consulted: boolean; profession: string | null; notPracticableReason: string | null };
  reasonCode: string | null;
  arrestedForOffence: YesNoNotKnown | null;
}

export interface Place {
  type: PlaceType;
  /** Configured site code, when the place is a known one. */
  site: string | null;
  label: string;
  consent: Consent | null;
  policeStation: PoliceStationUse | null;
}

/** What was known about the person's age when a place was chosen (stamped by the shell). */
export interface AgeAtTime {
  ageYears: number | null;
  ageBand: AgeBand | null;
}

/** The person as the ADR counts them; null = not recorded (R42: "not known" must be said). */
export interface DetentionPerson {
  ageYears: number | null;
  ageBand: AgeBand | null;
  gender: Gender | null;
  ethnicity: Ethnicity | null;
}

/** An earlier detention of the same person, found by the shell (R30). */
export interface PriorDetention {
  detentionId: string;
  incidentId: string;
  power: Power;
  detainedAt: string;
  endedAt: string | null;
  expiresAt: string | null;
}

export interface Warrant {
  reference: string;
  court: string;
  amhpName: string | null;
  doctorName: string | null;
  authorisedPerson: string | null;
  hospital: string | null;
}

interface Id {
  detentionId: string;
}

export type DetentionEvent = EventMeta &
  (
    | ({ type: 'S136_CONSIDERED'; officer: Officer; policy: DetentionPolicy } & Id)
    | ({
        type: 'S135_WARRANT_EXECUTED';
        power: 's135_1' | 's135_2';
        mode: 'removed' | 'kept';
        warrant: Warrant;
        officer: Officer;
        placeOfSafety: Place | null;
        person: DetentionPerson;
        age: AgeAtTime;
        priorDetentions: PriorDetention[];
        policy: DetentionPolicy;
      } & Id)
    | ({
        type: 'S136_CONSULTATION_RECORDED';
        practicable: boolean;
        profession: string | null;
        consultee: string | null;
        advice: string | null;
        notPracticableReason: string | null;
      } & Id)
    | ({ type: 'S136_NOT_DETAINED'; reason: string } & Id)
    | ({
        type: 'S136_DETAINED';
        mode: 'removed' | 'kept';
        locationType: LocationType;
        criteria: {
          apparentMentalDisorder: boolean;
          immediateNeedOfCareOrControl: boolean;
          necessaryForProtection: boolean;
        };
        grounds: string;
        officer: Officer;
        placeOfSafety: Place | null;
        person: DetentionPerson;
        age: AgeAtTime;
        priorDetentions: PriorDetention[];
      } & Id)
    | ({
        type: 'S136_CONVEYANCE_RECORDED';
        method: ConveyanceMethod;
        ambulanceRequested: boolean | null;
        ambulanceRequestedAt: string | null;
        ambulanceEta: string | null;
        policeVehicleReason: PoliceVehicleReason | null;
        reasonText: string | null;
      } & Id)
    | ({ type: 'S136_ARRIVED_AT_PLACE_OF_SAFETY'; placeOfSafety: Place; age: AgeAtTime } & Id)
    | ({
        type: 'S136_TRANSFERRED';
        placeOfSafety: Place;
        by: (typeof TRANSFER_BY)[number];
        byName: string;
        policeAccompanying: boolean;
        age: AgeAtTime;
      } & Id)
    | ({
        type: 'S136_HEALTHCARE_CHECK_RECORDED';
        professional: string;
        professionalPresent: boolean;
        note: string | null;
      } & Id)
    | ({ type: 'S136_NHS_ACCEPTED'; acceptedBy: string } & Id)
    | ({ type: 'S136_EXTENDED_STAY_AGREED'; reason: string; nhsContact: string } & Id)
    | ({ type: 'S136_POLICE_DEPARTED' } & Id)
    | ({ type: 'S136_ASSESSMENT_STARTED' } & Id)
    | ({
        type: 'S136_EXTENSION_AUTHORISED';
        authoriser: { name: string; gmcNumber: string | null; profession: string; responsibleForExamination: boolean };
        hours: number;
        ground: ExtensionGround;
        reason: string;
        assessmentAtPoliceStation: boolean | null;
        superintendentApproval: (NamedRank & { at: string }) | null;
      } & Id)
    | ({
        type: 'S136_OUTCOME_RECORDED';
        outcome: Outcome;
        doctorExaminedAt: string | null;
        amhpInterviewedAt: string | null;
        assessmentEndedAt: string | null;
        application: { amhpApplicationAt: string | null; medicalRecommendations: number } | null;
        reportedByHealth: boolean;
        note: string | null;
      } & Id)
    | ({ type: 'S136_RELEASED_BY_POLICE'; reason: string; supervisor: NamedRank } & Id)
    | ({
        type: 'S136_ADR_RECORDED';
        person: Partial<DetentionPerson>;
        firstPlaceOfSafety: 'notKnown' | null;
        conveyanceMethod: 'notKnown' | null;
        policeStationReason: string | null;
        arrestedForOffence: YesNoNotKnown | null;
      } & Id)
    | ({ type: 'S136_CLOSED' } & Id)
    | { type: 'DEADLINE_REACHED'; deadlineKey: string }
  );

export type DetentionEventType = DetentionEvent['type'];
type EventOf<T extends DetentionEventType> = Extract<DetentionEvent, { type: T }>;

/** Stored event types this machine owns (all carry `detentionId`). */
export const DETENTION_EVENT_TYPES = [
  'S136_CONSIDERED',
  'S135_WARRANT_EXECUTED',
  'S136_CONSULTATION_RECORDED',
  'S136_NOT_DETAINED',
  'S136_DETAINED',
  'S136_CONVEYANCE_RECORDED',
  'S136_ARRIVED_AT_PLACE_OF_SAFETY',
  'S136_TRANSFERRED',
  'S136_HEALTHCARE_CHECK_RECORDED',
  'S136_NHS_ACCEPTED',
  'S136_EXTENDED_STAY_AGREED',
  'S136_POLICE_DEPARTED',
  'S136_ASSESSMENT_STARTED',
  'S136_EXTENSION_AUTHORISED',
  'S136_OUTCOME_RECORDED',
  'S136_RELEASED_BY_POLICE',
  'S136_ADR_RECORDED',
  'S136_CLOSED',
] as const satisfies readonly DetentionEventType[];
export const DETENTION_CREATED_BY = ['S136_CONSIDERED', 'S135_WARRANT_EXECUTED'] as const;

/** One stay at a place of safety (the first, then one per transfer). */
export interface Stay {
  seq: number;
  place: Place;
  arrivedAt: string;
  /** Police brought the person here and must hand over (R35). */
  policeInAttendance: boolean;
  /** The one-hour expectation applies at this kind of place (force setting, stamped). */
  handoverRuleApplies: boolean;
  acceptedAt: string | null;
  acceptedBy: string | null;
  departedAt: string | null;
  extendedStay: { reason: string; nhsContact: string; at: string } | null;
  /** R26: the last healthcare-professional check at a police station (or arrival, before the first). */
  lastCheckAt: string | null;
  lastCheckSeq: number | null;
}

export interface Extension {
  seq: number;
  at: string;
  minutes: number;
  authoriser: string;
  ground: ExtensionGround;
  superintendent: string | null;
}

export interface DetentionContext {
  detentionId: string;
  power: Power;
  policy: DetentionPolicy;
  consideredAt: string | null;
  consultations: Array<{ seq: number; at: string; practicable: boolean; profession: string | null }>;
  notDetainedReason: string | null;
  mode: 'removed' | 'kept' | null;
  detainedAt: string | null;
  officer: Officer | null;
  locationType: LocationType | null;
  warrant: Warrant | null;
  person: DetentionPerson;
  conveyance: {
    method: ConveyanceMethod;
    ambulanceRequested: boolean | null;
    policeVehicleReason: PoliceVehicleReason | null;
  } | null;
  /** R21: set once, never changed. */
  clockStart: string | null;
  clockBasis: 'arrivalAtPlaceOfSafety' | 'decisionToKeep' | 'entryToPremises' | null;
  /** clockStart + 24 h. */
  baseExpiresAt: string | null;
  extensions: Extension[];
  /** baseExpiresAt + all extensions (R23). */
  expiresAt: string | null;
  stays: Stay[];
  assessmentStartedAt: string | null;
  outcome: {
    code: Outcome;
    at: string;
    doctorExaminedAt: string | null;
    amhpInterviewedAt: string | null;
    assessmentEndedAt: string | null;
    policeRelease: { reason: string; supervisor: NamedRank } | null;
  } | null;
  /** Set when the expiry deadline fired with no outcome (R23). */
  lapsedAt: string | null;
  adr: {
    firstPlaceOfSafety: 'notKnown' | null;
    conveyanceMethod: 'notKnown' | null;
    policeStationReason: string | null;
    arrestedForOffence: YesNoNotKnown | null;
  };
  closedAt: string | null;
  flags: Flag[];
  firedDeadlines: string[];
  /** The latest occurredAt seen (time order of the record). */
  lastAt: string;
}

// ---------------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------------

const v = (rule: string | null, code: string, message: string): Violation => ({ rule, code, message });
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
const hoursText = (ms: number) => `${Math.round((ms / HOUR) * 100) / 100} h`;
const powerLabel = (p: Power) => (p === 's136' ? 's.136' : p === 's135_1' ? 's.135(1)' : 's.135(2)');

/** How a place is named in alerts: a configured site's label, else only its type (a typed description may hold an
 * address). */
export const placeName = (p: Place): string => (p.site ? p.label : `a place of type ${p.type}`);

export const currentStay = (c: DetentionContext): Stay | null => c.stays[c.stays.length - 1] ?? null;
const atPoliceStation = (c: DetentionContext) => currentStay(c)?.place.type === 'policeStation';
export const usedPoliceStation = (c: DetentionContext) => c.stays.some((s) => s.place.type === 'policeStation');

/** true: a child (known or apparent); false: an adult; null: age not known. */
export function isUnder18(a: AgeAtTime | DetentionPerson | null): boolean | null {
  if (!a) return null;
  if (a.ageYears !== null) return a.ageYears < 18;
  if (a.ageBand === null || a.ageBand === 'notKnown') return null;
  return a.ageBand === 'under10' || a.ageBand === '10to17';
}

/** The ADR age band: from the exact age when known. */
export const adrAgeBand = (p: DetentionPerson): AgeBand | null =>
  p.ageYears !== null ? ageBandFor(p.ageYears) : p.ageBand;

function withFlag(flags: Flag[], f: Flag): Flag[] {
  return flags.some((x) => x.key === f.key) ? flags : [...flags, f];
}

const isEnded = (c: DetentionContext) => c.outcome !== null;

// ---------------------------------------------------------------------------------------------
// Rule checks. Each returns the violation that forbids the event, or null.
// ---------------------------------------------------------------------------------------------

/** R17: only a constable (sworn, including specials where the force allows) may detain. */
function officerViolation(ctx: { policy: DetentionPolicy }, o: Officer, what: string): Violation | null {
  if (isBlank(o.name)) return v('R17', 'OFFICER_REQUIRED', `${what} needs the name or number of the officer`);
  if (o.role === 'constable') return null;
  if (o.role === 'specialConstable' && ctx.policy.specialConstablesMayDetain) return null;
  const who =
    o.role === 'pcso'
      ? 'a PCSO'
      : o.role === 'policeStaff'
        ? 'police staff'
        : 'a special constable (not permitted by force policy)';
  return v(
    'R17',
    'NOT_A_CONSTABLE',
    `only a constable may ${what === 'a s.136 detention' ? 'detain under s.136' : 'execute the warrant'}; the ` +
      `officer recorded is ${who}`,
  );
}

/** R30: no second detention while an earlier one of the same person has not ended (no consecutive detentions). */
function priorDetentionViolation(at: string, priors: PriorDetention[], self: string): Violation | null {
  for (const p of priors) {
    if (p.detentionId === self || p.detainedAt > at) continue;
    if (p.endedAt === null) {
      if (p.expiresAt !== null && at >= p.expiresAt) {
        return v(
          'R30',
          'CONSECUTIVE_DETENTION',
          `consecutive detentions are unlawful: ${powerLabel(p.power)} detention ${p.detentionId} of this person ` +
            `expired at ${p.expiresAt} and no release or outcome is recorded; record its outcome first`,
        );
      }
      return v(
        'R30',
        'ALREADY_DETAINED',
        `this person is already detained under ${powerLabel(p.power)} (detention ${p.detentionId}); record its ` +
          `transfer or outcome instead of a new detention`,
      );
    }
    if (p.endedAt > at) {
      return v(
        'R30',
        'OVERLAPPING_DETENTION',
        `this person's detention ${p.detentionId} did not end until ${p.endedAt}; a new detention cannot start ` +
          `before that`,
      );
    }
  }
  return null;
}

const validProfession = (p: string | null): boolean =>
  p !== null && (CONSULTEE_PROFESSIONS as readonly string[]).includes(p);

/** R24, R25, R27 and the force's police-station setting, for any place the person is taken to or kept at. */
function placeViolation(ctx: DetentionContext, place: Place, age: AgeAtTime, at: string): Violation | null {
  if (place.type === 'policeStation') {
    if (isUnder18(age) === true) {
      return v(
        'R24',
        'CHILD_AT_POLICE_STATION',
        'a police station can never be a place of safety for a person under 18 (s.136A): choose a health-based place ' +
          'of safety or an emergency department',
      );
    }
    if (!ctx.policy.policeStationPermitted) {
      return v(
        null,
        'POLICE_STATION_NOT_PERMITTED',
        "this force's configuration does not allow police stations as a place of safety",
      );
    }
    const ps = place.policeStation;
    if (!ps)
      return v(
        'R25',
        'POLICE_STATION_CONDITIONS_REQUIRED',
        'a police station for an adult needs the Regulations record: imminent risk, why no other place, healthcare ' +
          'presence, decision-maker and (below inspector) authorisation',
      );
    if (!ps.imminentRiskOfSeriousHarm)
      return v(
        'R25',
        'NO_IMMINENT_RISK',
        "a police station may be used only when the person's behaviour poses an imminent risk of serious injury or " +
          'death',
      );
    if (isBlank(ps.noOtherPlaceReason))
      return v(
        'R25',
        'NO_OTHER_PLACE_REASON_REQUIRED',
        'record why no other place of safety in the police area can reasonably be expected to detain the person',
      );
    if (!ps.healthcareRequirementWillBeMet)
      return v(
        'R25',
        'HEALTHCARE_REQUIREMENT',
        'a police station may be used only when a healthcare professional will check the person at least every 30 ' +
          'minutes (reg 4)',
      );
    if (isBlank(ps.decisionMaker.name))
      return v('R25', 'DECISION_MAKER_REQUIRED', 'record who decided to use the police station (name and rank)');
    if (!rankAtLeast(ps.decisionMaker.rank, 'inspector')) {
      const a = ps.authorisation;
      if (!a || isBlank(a.name))
        return v(
          'R25',
          'INSPECTOR_AUTHORISATION_REQUIRED',
          `the decision-maker is a ${ps.decisionMaker.rank}: an inspector or above must authorise a police station ` +
            `(name, rank, time)`,
        );
      if (!rankAtLeast(a.rank, 'inspector'))
        return v(
          'R25',
          'AUTHORISATION_RANK',
          `a police station must be authorised by an inspector or above, not a ${a.rank}`,
        );
      if (a.at > at)
        return v(
          'R25',
          'AUTHORISATION_AFTER_USE',
          `the authorisation (${a.at}) is after the police station was used (${at})`,
        );
    }
    const c = ps.consultation;
    if (c.consulted && !validProfession(c.profession)) {
      return v(
        'R25',
        'CONSULTEE_NOT_ALLOWED',
        `before using a police station, consult one of: ${CONSULTEE_PROFESSIONS.join(', ')}`,
      );
    }
    if (!c.consulted && isBlank(c.notPracticableReason))
      return v(
        'R25',
        'CONSULTATION_REQUIRED',
        'record the consultation before using a police station, or why it was not reasonably practicable',
      );
  }
  if (place.type === 'privateDwelling') {
    const c = place.consent;
    if (c?.personAgreed !== true)
      return v('R27', 'CONSENT_REQUIRED', 'a home is a place of safety only if the person agrees (s.135(7))');
    if (c.personLivesThere === null)
      return v('R27', 'CONSENT_REQUIRED', 'record whether the person lives at this home');
    if (c.personLivesThere) {
      if (c.soleOccupier !== true && c.occupierAgreed !== true)
        return v(
          'R27',
          'OCCUPIER_CONSENT_REQUIRED',
          'the person is not the sole occupier: another occupier must also agree',
        );
    } else if (c.occupierAgreed !== true) {
      return v('R27', 'OCCUPIER_CONSENT_REQUIRED', 'the person does not live here: an occupier must also agree');
    }
  }
  if (place.type === 'otherSuitablePlace' && place.consent?.managerAgreed !== true) {
    return v(
      'R27',
      'MANAGER_CONSENT_REQUIRED',
      'another suitable place needs the agreement of the person who appears to be responsible for managing it ' +
        '(s.135(7))',
    );
  }
  return null;
}

/** R23: after expiry nothing that implies the person is still detained may happen. */
function afterExpiry(ctx: DetentionContext, at: string, what: string): Violation | null {
  if (ctx.expiresAt && at >= ctx.expiresAt) {
    return v(
      'R23',
      'DETENTION_EXPIRED',
      `${what} at ${at} implies continuing detention, but the permitted period expired at ${ctx.expiresAt}; record ` +
        `the outcome 'lapsed'`,
    );
  }
  return null;
}

function notBefore(at: string, earliest: string | null, label: string, rule = 'R7'): Violation | null {
  if (earliest && at < earliest)
    return v(
      rule,
      'TIME_BEFORE_START',
      `${at} is before ${label} (${earliest}); an interval cannot end before it starts`,
    );
  return null;
}

/** R37: an assessment time must fall inside the permitted period. */
function inPeriod(ctx: DetentionContext, at: string | null, label: string): Violation | null {
  if (at === null) return null;
  if (!ctx.clockStart || at < ctx.clockStart)
    return v(
      'R37',
      'ASSESSMENT_OUTSIDE_PERIOD',
      `${label} (${at}) is before the detention clock started (${ctx.clockStart ?? 'not started'})`,
    );
  if (ctx.expiresAt && at > ctx.expiresAt)
    return v(
      'R37',
      'ASSESSMENT_OUTSIDE_PERIOD',
      `${label} (${at}) is after the permitted period expired (${ctx.expiresAt})`,
    );
  return null;
}

/** R42: the ADR fields still missing; "notKnown" is an answer, empty is not. */
export function adrMissing(c: DetentionContext): string[] {
  const missing: string[] = [];
  if (adrAgeBand(c.person) === null) missing.push('ageGroup');
  if (c.person.gender === null) missing.push('gender');
  if (c.person.ethnicity === null) missing.push('ethnicity');
  if (c.stays.length === 0 && c.adr.firstPlaceOfSafety === null) missing.push('firstPlaceOfSafety');
  if (c.conveyance === null && c.adr.conveyanceMethod === null) missing.push('conveyanceMethod');
  if (c.conveyance?.method === 'policeVehicle' && c.conveyance.policeVehicleReason === null)
    missing.push('policeVehicleReason');
  if (usedPoliceStation(c)) {
    if (policeStationReason(c) === null) missing.push('policeStationReason');
    if (arrestedForOffence(c) === null) missing.push('arrestedForOffence');
  }
  return missing;
}

export const policeStationReason = (c: DetentionContext): string | null =>
  c.adr.policeStationReason ??
  c.stays.find((s) => s.place.policeStation?.reasonCode)?.place.policeStation?.reasonCode ??
  null;
export const arrestedForOffence = (c: DetentionContext): YesNoNotKnown | null =>
  c.adr.arrestedForOffence ??
  c.stays.find((s) => s.place.policeStation?.arrestedForOffence)?.place.policeStation?.arrestedForOffence ??
  null;

const check: { [K in DetentionEventType]: (ctx: DetentionContext, e: EventOf<K>) => Violation | null } = {
  S136_CONSIDERED: () => null,
  S135_WARRANT_EXECUTED(_ctx, e) {
    const ctx = { policy: e.policy };
    const officer = officerViolation(ctx, e.officer, 'a warrant');
    if (officer) return officer;
    const w = e.warrant;
    if (isBlank(w.reference) || isBlank(w.court))
      return v('R32', 'WARRANT_DETAILS_REQUIRED', 'record the warrant reference and the issuing court');
    if (e.power === 's135_1' && (isBlank(w.amhpName) || isBlank(w.doctorName))) {
      return v(
        'R32',
        'ACCOMPANIMENT_REQUIRED',
        'a s.135(1) warrant is executed with an AMHP and a registered medical practitioner: record both names',
      );
    }
    if (e.power === 's135_2' && isBlank(w.authorisedPerson) && isBlank(w.hospital)) {
      return v(
        'R32',
        'AUTHORISED_PERSON_REQUIRED',
        'a s.135(2) warrant needs the authorised person or the hospital the patient is liable to be detained in',
      );
    }
    if (e.mode === 'kept' && !e.placeOfSafety)
      return v(
        'R21',
        'PLACE_REQUIRED',
        'keeping the person at the premises needs the premises recorded as the place of safety',
      );
    const prior = priorDetentionViolation(e.occurredAt, e.priorDetentions, e.detentionId);
    if (prior) return prior;
    if (e.placeOfSafety)
      return placeViolation({ policy: e.policy } as DetentionContext, e.placeOfSafety, e.age, e.occurredAt);
    return null;
  },
  S136_CONSULTATION_RECORDED(_ctx, e) {
    if (e.practicable) {
      if (!validProfession(e.profession)) {
        return v(
          'R19',
          'CONSULTEE_NOT_ALLOWED',
          `the person consulted must be one of: ${CONSULTEE_PROFESSIONS.join(', ')} (s.136(1C), reg 8); got ` +
            `'${e.profession ?? ''}'`,
        );
      }
      if (isBlank(e.advice)) return v('R19', 'ADVICE_REQUIRED', 'record a summary of the advice given');
    } else if (isBlank(e.notPracticableReason)) {
      return v('R19', 'REASON_REQUIRED', 'consultation was not practicable: record why');
    }
    return null;
  },
  S136_NOT_DETAINED(_ctx, e) {
    if (isBlank(e.reason)) return v(null, 'REASON_REQUIRED', 'record why s.136 was not used and what happened instead');
    return null;
  },
  S136_DETAINED(ctx, e) {
    if (ctx.consultations.length === 0) return consultationMissing();
    const late = ctx.consultations.find((c) => c.at > e.occurredAt);
    if (late)
      return v(
        'R19',
        'CONSULTATION_AFTER_DECISION',
        `the consultation (${late.at}) must come before the decision to detain (${e.occurredAt})`,
      );
    if (DWELLING_LOCATIONS.includes(e.locationType)) {
      return v(
        'R16',
        'DWELLING',
        's.136 cannot be used in a house, flat or room where the person or anyone else lives, or its private yard, ' +
          'garden, garage or outhouse (s.136(1A)); consider s.135 or the Mental Capacity Act',
      );
    }
    const officer = officerViolation(ctx, e.officer, 'a s.136 detention');
    if (officer) return officer;
    const k = e.criteria;
    const unmet = [
      !k.apparentMentalDisorder && 'apparent mental disorder',
      !k.immediateNeedOfCareOrControl && 'immediate need of care or control',
      !k.necessaryForProtection && "necessary in the person's interests or for the protection of others",
    ].filter(Boolean);
    if (unmet.length > 0)
      return v('R18', 'CRITERIA_NOT_MET', `s.136 needs all three criteria; not met: ${unmet.join('; ')}`);
    if (isBlank(e.grounds))
      return v('R18', 'GROUNDS_REQUIRED', 'record the grounds: what the officer saw that met the criteria');
    if (e.mode === 'kept' && !e.placeOfSafety)
      return v('R21', 'PLACE_REQUIRED', 'keeping the person where they are needs that place of safety recorded');
    const prior = priorDetentionViolation(e.occurredAt, e.priorDetentions, e.detentionId);
    if (prior) return prior;
    if (e.placeOfSafety) return placeViolation(ctx, e.placeOfSafety, e.age, e.occurredAt);
    return null;
  },
  S136_CONVEYANCE_RECORDED(ctx, e) {
    const t = notBefore(e.occurredAt, ctx.detainedAt, 'the detention');
    if (t) return t;
    if (e.method === 'noneAlreadyAtPoS')
      return v(
        'R33',
        'NOT_AT_PLACE_OF_SAFETY',
        "'noneAlreadyAtPoS' is only for a person kept where they already are; this person was removed",
      );
    if (e.method !== 'policeVehicle') return null;
    if (e.ambulanceRequested === null)
      return v(
        'R33',
        'AMBULANCE_REQUEST_REQUIRED',
        'a police-vehicle conveyance needs whether an ambulance was requested',
      );
    if (e.ambulanceRequested && e.ambulanceRequestedAt === null)
      return v('R33', 'AMBULANCE_REQUEST_TIME_REQUIRED', 'record when the ambulance was requested and its ETA');
    if (e.policeVehicleReason === null)
      return v(
        'R33',
        'POLICE_VEHICLE_REASON_REQUIRED',
        `record why a police vehicle was used: ${POLICE_VEHICLE_REASONS.join(', ')}`,
      );
    if (e.ambulanceRequested && e.policeVehicleReason === 'ambulanceNotRequested')
      return v(
        'R33',
        'REASON_CONTRADICTS_REQUEST',
        "the ambulance was requested, so the reason cannot be 'ambulanceNotRequested'",
      );
    if (!e.ambulanceRequested && e.policeVehicleReason !== 'ambulanceNotRequested')
      return v(
        'R33',
        'REASON_CONTRADICTS_REQUEST',
        "no ambulance was requested: the reason is 'ambulanceNotRequested'",
      );
    if (e.policeVehicleReason === 'other' && isBlank(e.reasonText))
      return v('R33', 'REASON_TEXT_REQUIRED', "reason 'other' needs a description");
    if (e.ambulanceRequestedAt && e.ambulanceRequestedAt > e.occurredAt)
      return v('R7', 'TIME_BEFORE_START', 'the ambulance request cannot be after the conveyance began');
    return null;
  },
  S136_ARRIVED_AT_PLACE_OF_SAFETY(ctx, e) {
    return (
      notBefore(e.occurredAt, ctx.detainedAt, 'the detention') ??
      placeViolation(ctx, e.placeOfSafety, e.age, e.occurredAt)
    );
  },
  S136_TRANSFERRED(ctx, e) {
    const stay = currentStay(ctx)!;
    if (isBlank(e.byName)) return v('R22', 'TRANSFER_BY_REQUIRED', 'record who made the transfer (name)');
    return (
      notBefore(e.occurredAt, stay.arrivedAt, 'arrival at the current place of safety', 'R22') ??
      afterExpiry(ctx, e.occurredAt, 'a transfer') ??
      placeViolation(ctx, e.placeOfSafety, e.age, e.occurredAt)
    );
  },
  S136_HEALTHCARE_CHECK_RECORDED(ctx, e) {
    const stay = currentStay(ctx);
    if (stay?.place.type !== 'policeStation')
      return v(
        'R26',
        'NOT_AT_POLICE_STATION',
        'healthcare welfare checks are recorded while the person is held at a police station',
      );
    if (isBlank(e.professional))
      return v('R26', 'PROFESSIONAL_REQUIRED', 'record which healthcare professional made the check');
    return (
      notBefore(e.occurredAt, stay.lastCheckAt ?? stay.arrivedAt, 'the previous check or arrival') ??
      afterExpiry(ctx, e.occurredAt, 'a welfare check in custody')
    );
  },
  S136_NHS_ACCEPTED(ctx, e) {
    const stay = currentStay(ctx)!;
    if (stay.place.type === 'policeStation')
      return v(
        'R35',
        'NO_HANDOVER_AT_POLICE_STATION',
        'there is no NHS handover at a police station; record a transfer to a health-based place of safety',
      );
    if (stay.acceptedAt)
      return v('R35', 'ALREADY_ACCEPTED', `NHS staff already accepted the person here at ${stay.acceptedAt}`);
    if (isBlank(e.acceptedBy))
      return v('R35', 'ACCEPTED_BY_REQUIRED', 'record who accepted the person for the NHS (name or role)');
    return (
      notBefore(e.occurredAt, stay.arrivedAt, 'arrival', 'R35') ??
      afterExpiry(ctx, e.occurredAt, 'NHS acceptance of a detained person')
    );
  },
  S136_EXTENDED_STAY_AGREED(ctx, e) {
    const stay = currentStay(ctx)!;
    if (!stay.policeInAttendance || stay.place.type === 'policeStation')
      return v('R35', 'NO_HANDOVER_HERE', 'police are not waiting to hand over at this place');
    if (stay.departedAt) return v('R35', 'ALREADY_DEPARTED', 'police have already left this place of safety');
    if (isBlank(e.reason) || isBlank(e.nhsContact))
      return v(
        'R35',
        'EXTENDED_STAY_DETAILS',
        'a mutually agreed extended stay needs the reason and the NHS contact who agreed it',
      );
    return (
      notBefore(e.occurredAt, stay.arrivedAt, 'arrival', 'R35') ??
      afterExpiry(ctx, e.occurredAt, 'an agreed police stay')
    );
  },
  S136_POLICE_DEPARTED(ctx, e) {
    const stay = currentStay(ctx);
    if (!stay)
      return v(
        'R35',
        'NOT_AT_PLACE_OF_SAFETY',
        'the person never reached a place of safety: there is no handover to leave',
      );
    if (!stay.acceptedAt)
      return v(
        'R35',
        'HANDOVER_NOT_ACCEPTED',
        'record NHS acceptance (who and when) before police leave the place of safety',
      );
    if (stay.departedAt) return v(null, 'ALREADY_DEPARTED', `police already left at ${stay.departedAt}`);
    return notBefore(e.occurredAt, stay.acceptedAt, 'NHS acceptance', 'R35');
  },
  S136_ASSESSMENT_STARTED(ctx, e) {
    if (ctx.assessmentStartedAt)
      return v(null, 'ALREADY_STARTED', `the assessment already started at ${ctx.assessmentStartedAt}`);
    return (
      inPeriod(ctx, e.occurredAt, 'the assessment start') ?? afterExpiry(ctx, e.occurredAt, 'starting the assessment')
    );
  },
  S136_EXTENSION_AUTHORISED(ctx, e) {
    const a = e.authoriser;
    if (a.profession !== 'registeredMedicalPractitioner' || !a.responsibleForExamination || isBlank(a.name)) {
      return v(
        'R28',
        'EXTENSION_AUTHORISER',
        'only the registered medical practitioner responsible for the examination may extend the detention (s.136B): ' +
          'record their name and that they are responsible',
      );
    }
    if (e.ground !== 'personsCondition') {
      return v(
        'R28',
        'EXTENSION_GROUND_NOT_LAWFUL',
        `'${e.ground}' is not a lawful ground: the only ground is that the person's condition makes it impracticable ` +
          `to complete the assessment within 24 hours (unavailability of a bed, AMHP, doctor or transport is not)`,
      );
    }
    if (isBlank(e.reason))
      return v('R28', 'EXTENSION_REASON_REQUIRED', "describe how the person's condition prevents the assessment");
    if (e.occurredAt < ctx.clockStart!)
      return v('R28', 'TIME_BEFORE_START', 'an extension cannot be authorised before the clock started');
    if (e.occurredAt >= ctx.baseExpiresAt!) {
      return v(
        'R28',
        'EXTENSION_AFTER_EXPIRY',
        `an extension must be authorised before the 24-hour period expires (${ctx.baseExpiresAt}); it was recorded ` +
          `at ${e.occurredAt}`,
      );
    }
    const used = ctx.extensions.reduce((n, x) => n + x.minutes, 0) * MINUTE;
    const asked = Math.round(e.hours * 60) * MINUTE;
    if (used + asked > MAX_EXTENSION_MS) {
      return v(
        'R28',
        'EXTENSION_TOO_LONG',
        `extensions may total at most 12 hours (36 hours in all); ${hoursText(used)} already granted, ` +
          `${hoursText(asked)} asked`,
      );
    }
    if (atPoliceStation(ctx) && e.assessmentAtPoliceStation !== false) {
      const s = e.superintendentApproval;
      if (!s || isBlank(s.name))
        return v(
          'R29',
          'SUPERINTENDENT_APPROVAL_REQUIRED',
          'the person is held at a police station: an officer of superintendent rank or above must approve the ' +
            'extension (s.136B(3))',
        );
      if (!rankAtLeast(s.rank, 'superintendent'))
        return v(
          'R29',
          'SUPERINTENDENT_RANK',
          `the approval must come from a superintendent or above, not a ${s.rank}`,
        );
    }
    return null;
  },
  S136_OUTCOME_RECORDED(ctx, e) {
    const o = e.outcome;
    if (ctx.stays.length === 0 && !PRE_ARRIVAL_OUTCOMES.includes(o)) {
      return v(
        'R36',
        'OUTCOME_NEEDS_PLACE_OF_SAFETY',
        `'${o}' follows an assessment at a place of safety; before arrival the outcome can only be ` +
          `${PRE_ARRIVAL_OUTCOMES.join(' or ')}`,
      );
    }
    const start = notBefore(e.occurredAt, ctx.detainedAt, 'the detention');
    if (start) return start;
    if (o === 'lapsed') {
      if (!ctx.expiresAt || e.occurredAt < ctx.expiresAt)
        return v(
          'R36',
          'NOT_LAPSED',
          `the detention has not lapsed: the permitted period runs until ${ctx.expiresAt ?? '(clock not started)'}`,
        );
      return null;
    }
    const expired = afterExpiry(ctx, e.occurredAt, `the outcome '${o}'`);
    if (expired) return expired;
    if (ASSESSED_OUTCOMES.includes(o) && e.doctorExaminedAt === null) {
      return v(
        'R36',
        'DOCTOR_EXAMINATION_REQUIRED',
        `'${o}' needs the time the registered medical practitioner examined the person`,
      );
    }
    if ((o === 'detainedS2' || o === 'detainedS3' || o === 'detainedS4') && e.amhpInterviewedAt === null) {
      return v('R36', 'AMHP_INTERVIEW_REQUIRED', `'${o}' needs the time the AMHP interviewed the person`);
    }
    if ((o === 'detainedS2' || o === 'detainedS3' || o === 'detainedS4') && !e.reportedByHealth) {
      const need = o === 'detainedS4' ? 1 : 2;
      const a = e.application;
      if (!a || a.amhpApplicationAt === null || a.medicalRecommendations < need) {
        return v(
          'R36',
          'APPLICATION_REQUIRED',
          `'${o}' needs the AMHP application time and ${need} medical recommendation${need > 1 ? 's' : ''}, or ` +
            `reportedByHealth when the NHS holds those records`,
        );
      }
    }
    const startAt =
      ctx.assessmentStartedAt ??
      [e.doctorExaminedAt, e.amhpInterviewedAt].filter((x): x is string => x !== null).sort()[0] ??
      null;
    const endAt = e.assessmentEndedAt ?? (startAt ? e.occurredAt : null);
    for (const [at, label] of [
      [e.doctorExaminedAt, 'the doctor examination'],
      [e.amhpInterviewedAt, 'the AMHP interview'],
      [e.application?.amhpApplicationAt ?? null, 'the AMHP application'],
      [startAt, 'the assessment start'],
      [endAt, 'the assessment end'],
    ] as const) {
      const p = inPeriod(ctx, at, label);
      if (p) return p;
      if (at && at > e.occurredAt)
        return v(
          'R7',
          'TIME_AFTER_OUTCOME',
          `${label} (${at}) is after the outcome was recorded as happening (${e.occurredAt})`,
        );
    }
    if (startAt && endAt && endAt < startAt)
      return v('R37', 'ASSESSMENT_ENDS_BEFORE_START', `the assessment end (${endAt}) is before its start (${startAt})`);
    return null;
  },
  S136_RELEASED_BY_POLICE(ctx, e) {
    if (isBlank(e.reason))
      return v('R31', 'RELEASE_REASON_REQUIRED', 'a release by police before the assessment outcome needs the reason');
    if (isBlank(e.supervisor.name) || !rankAtLeast(e.supervisor.rank, 'sergeant')) {
      return v(
        'R31',
        'SUPERVISOR_REVIEW_REQUIRED',
        'a release by police before the assessment outcome must be reviewed by a supervisor (sergeant or above): ' +
          'name and rank',
      );
    }
    return (
      notBefore(e.occurredAt, ctx.detainedAt, 'the detention') ??
      afterExpiry(ctx, e.occurredAt, 'a release under s.136 powers')
    );
  },
  S136_ADR_RECORDED(ctx, e) {
    if (e.firstPlaceOfSafety !== null && ctx.stays.length > 0)
      return v(
        'R42',
        'ADR_FIELD_FROM_RECORD',
        'the first place of safety is known from the arrival record and cannot be overwritten',
      );
    if (e.conveyanceMethod !== null && ctx.conveyance !== null)
      return v(
        'R42',
        'ADR_FIELD_FROM_RECORD',
        'the conveyance method is known from the conveyance record and cannot be overwritten',
      );
    if ((e.policeStationReason !== null || e.arrestedForOffence !== null) && !usedPoliceStation(ctx)) {
      return v('R42', 'ADR_FIELD_NOT_APPLICABLE', 'police-station fields apply only when a police station was used');
    }
    return null;
  },
  S136_CLOSED(ctx) {
    const missing = adrMissing(ctx);
    if (missing.length > 0) {
      return v(
        'R42',
        'ADR_INCOMPLETE',
        `the Home Office ADR record is incomplete; missing: ${missing.join(', ')} (record "notKnown" where it is not ` +
          `known)`,
      );
    }
    const open = ctx.stays.find((s) => s.acceptedAt && !s.departedAt);
    if (open)
      return v(
        'R35',
        'DEPARTURE_REQUIRED',
        `record when police left ${placeName(open.place)} (NHS accepted the person at ${open.acceptedAt})`,
      );
    return null;
  },
  DEADLINE_REACHED(ctx, e) {
    const live =
      detentionDeadlines(ctx).some((d) => d.key === e.deadlineKey) && !ctx.firedDeadlines.includes(e.deadlineKey);
    return live ? null : v(null, 'DEADLINE_NOT_LIVE', `deadline ${e.deadlineKey} no longer applies`);
  },
};

const consultationMissing = () =>
  v(
    'R19',
    'CONSULTATION_REQUIRED',
    'before deciding to detain, record the consultation (doctor, nurse, AMHP, paramedic or occupational therapist) ' +
      'or that it was not practicable and why',
  );

/** Why `e` would be refused by the rules (not by the state), or null. */
export function detentionRuleViolation(ctx: DetentionContext, e: DetentionEvent): Violation | null {
  return (check[e.type] as (c: DetentionContext, ev: DetentionEvent) => Violation | null)(ctx, e);
}

/**
 * Why a state that has no transition for `e` refuses it, when a rule explains it better than
 * "not allowed now" (e.g. detaining before consulting is R19, closing without an outcome is R36).
 */
export function detentionStateRefusal(state: string, ctx: DetentionContext, e: DetentionEvent): Violation | null {
  if (e.type === 'S136_DETAINED' && state === 'considering') return consultationMissing();
  if (e.type === 'S136_ARRIVED_AT_PLACE_OF_SAFETY' && state === 'detained')
    return v('R33', 'CONVEYANCE_REQUIRED', 'record how the person is being conveyed before their arrival');
  if (e.type === 'S136_POLICE_DEPARTED' && state === 'atPlaceOfSafety')
    return v(
      'R35',
      'HANDOVER_NOT_ACCEPTED',
      'record NHS acceptance (who and when) before police leave the place of safety',
    );
  if (e.type === 'S136_CLOSED' && RUNNING.includes(state))
    return v('R36', 'OUTCOME_REQUIRED', 'a detention closes only with its outcome recorded (S136_OUTCOME_RECORDED)');
  if (ctx.closedAt && e.type !== 'DEADLINE_REACHED')
    return v(null, 'DETENTION_CLOSED', `detention ${ctx.detentionId} is closed`);
  return null;
}

export const RUNNING = [
  'considering',
  'consulted',
  'detained',
  'conveying',
  'atPlaceOfSafety',
  'handedOver',
  'assessing',
];

// ---------------------------------------------------------------------------------------------
// Deadlines (rows the scheduler sweeps) and the flags they raise.
// ---------------------------------------------------------------------------------------------

/** Which extension round the clock is in: warnings and the expiry alert are per round. */
const round = (c: DetentionContext) => c.extensions.length;

export function detentionDeadlines(c: DetentionContext): DeadlineSpec[] {
  if (!c.clockStart || !c.expiresAt || isEnded(c)) return [];
  const out: DeadlineSpec[] = [];
  const r = round(c);
  for (const m of c.policy.warningMinutesBeforeExpiry) {
    const due = plus(c.expiresAt, -m * MINUTE);
    if (due > c.clockStart) out.push({ key: `R23:warning:${m}:${r}`, rule: 'R23', kind: 'clockWarning', dueAt: due });
  }
  out.push({ key: `R23:expiry:${r}`, rule: 'R23', kind: 'clockExpiry', dueAt: c.expiresAt });
  if (c.lapsedAt) return out;
  if (!c.assessmentStartedAt) {
    out.push({
      key: 'R37:assessmentStart',
      rule: 'R37',
      kind: 'assessmentStart',
      dueAt: plus(c.clockStart, c.policy.assessmentStartFlagHours * HOUR),
    });
  }
  const stay = currentStay(c);
  if (stay?.policeInAttendance && stay.handoverRuleApplies && !stay.acceptedAt && !stay.extendedStay) {
    out.push({
      key: `R35:handover:${stay.seq}`,
      rule: 'R35',
      kind: 'handover',
      dueAt: plus(stay.arrivedAt, c.policy.handoverMinutes * MINUTE),
    });
  }
  if (stay && stay.place.type === 'policeStation') {
    const from = stay.lastCheckAt ?? stay.arrivedAt;
    out.push({
      key: `R26:check:${stay.lastCheckSeq ?? stay.seq}`,
      rule: 'R26',
      kind: 'healthcareCheck',
      dueAt: plus(from, c.policy.healthcareCheckMinutes * MINUTE),
    });
  }
  return out;
}

function deadlineFlag(c: DetentionContext, key: string, e: EventMeta): Flag {
  const base = { key, raisedAt: e.occurredAt, seq: e.seq };
  const label = `${powerLabel(c.power)} detention ${c.detentionId}`;
  const [rule, kind, arg] = key.split(':');
  if (kind === 'warning') {
    return {
      ...base,
      rule: 'R23',
      severity: 'warning',
      notify: c.policy.notify.clockWarning,
      message:
        `${label}: ${hoursText(Number(arg) * MINUTE)} left on the detention clock (expires ${c.expiresAt} ` +
        `UTC) and no outcome yet`,
    };
  }
  if (kind === 'expiry') {
    return {
      ...base,
      rule: 'R23',
      severity: 'critical',
      notify: c.policy.notify.clockExpired,
      message:
        `${label}: detention authority lapsed — the permitted period expired at ${c.expiresAt} UTC with no ` +
        `outcome recorded; the person may not be held under this power`,
    };
  }
  if (kind === 'handover') {
    const stay = currentStay(c)!;
    return {
      ...base,
      rule: 'R35',
      severity: 'warning',
      notify: c.policy.notify.handover,
      message: `${label}: no NHS acceptance ${c.policy.handoverMinutes} min after arrival at ${placeName(stay.place)}`,
    };
  }
  if (kind === 'check') {
    return {
      ...base,
      rule: 'R26',
      severity: 'warning',
      notify: c.policy.notify.healthcareCheck,
      message:
        `${label}: no healthcare-professional welfare check recorded for ${c.policy.healthcareCheckMinutes} ` +
        `min at the police station`,
    };
  }
  if (rule === 'R37') {
    return {
      ...base,
      rule: 'R37',
      severity: 'warning',
      notify: c.policy.notify.assessmentDelay,
      message: `${label}: no assessment ${c.policy.assessmentStartFlagHours} h after the clock started`,
    };
  }
  return {
    ...base,
    rule: rule ?? 'R23',
    severity: 'warning',
    notify: null,
    message: `${label}: deadline ${key} reached`,
  };
}

// ---------------------------------------------------------------------------------------------
// Reducers.
// ---------------------------------------------------------------------------------------------

function newStay(c: DetentionContext, e: EventMeta, place: Place, policeInAttendance: boolean): Stay {
  const rule =
    place.type === 'policeStation'
      ? false
      : place.type === 'emergencyDepartment'
        ? c.policy.handoverRuleAtEmergencyDepartments
        : true;
  return {
    seq: e.seq,
    place,
    arrivedAt: e.occurredAt,
    policeInAttendance,
    handoverRuleApplies: rule,
    acceptedAt: null,
    acceptedBy: null,
    departedAt: null,
    extendedStay: null,
    lastCheckAt: null,
    lastCheckSeq: null,
  };
}

function startClock(
  c: DetentionContext,
  at: string,
  basis: NonNullable<DetentionContext['clockBasis']>,
): DetentionContext {
  if (c.clockStart) return c; // R21: set once
  const base = plus(at, PERMITTED_PERIOD_MS);
  return { ...c, clockStart: at, clockBasis: basis, baseExpiresAt: base, expiresAt: base };
}

const updateStay = (c: DetentionContext, f: (s: Stay) => Stay): DetentionContext => ({
  ...c,
  stays: [...c.stays.slice(0, -1), f(currentStay(c)!)],
});

function childAtStationFlag(c: DetentionContext, e: EventMeta): DetentionContext {
  if (!usedPoliceStation(c) || isUnder18(c.person) !== true) return c;
  return {
    ...c,
    flags: withFlag(c.flags, {
      key: 'R24:childAtPoliceStation',
      rule: 'R24',
      severity: 'critical',
      message:
        `${powerLabel(c.power)} detention ${c.detentionId}: the person is now recorded as under 18 but was ` +
        `held at a police station`,
      raisedAt: e.occurredAt,
      seq: e.seq,
      notify: c.policy.notify.childAtPoliceStation,
    }),
  };
}

function detain(c: DetentionContext, e: EventOf<'S136_DETAINED'> | EventOf<'S135_WARRANT_EXECUTED'>): DetentionContext {
  let next: DetentionContext = { ...c, mode: e.mode, detainedAt: e.occurredAt, officer: e.officer, person: e.person };
  if (e.mode === 'kept' && e.placeOfSafety) {
    next = {
      ...next,
      conveyance: { method: 'noneAlreadyAtPoS', ambulanceRequested: null, policeVehicleReason: null },
      stays: [newStay(next, e, e.placeOfSafety, true)],
    };
    next = startClock(next, e.occurredAt, e.type === 'S136_DETAINED' ? 'decisionToKeep' : 'entryToPremises');
  }
  return next;
}

function emptyContext(
  e: EventOf<'S136_CONSIDERED'> | EventOf<'S135_WARRANT_EXECUTED'>,
  power: Power,
): DetentionContext {
  return {
    detentionId: e.detentionId,
    power,
    policy: e.policy,
    consideredAt: null,
    consultations: [],
    notDetainedReason: null,
    mode: null,
    detainedAt: null,
    officer: null,
    locationType: null,
    warrant: null,
    person: { ageYears: null, ageBand: null, gender: null, ethnicity: null },
    conveyance: null,
    clockStart: null,
    clockBasis: null,
    baseExpiresAt: null,
    extensions: [],
    expiresAt: null,
    stays: [],
    assessmentStartedAt: null,
    outcome: null,
    lapsedAt: null,
    adr: { firstPlaceOfSafety: null, conveyanceMethod: null, policeStationReason: null, arrestedForOffence: null },
    closedAt: null,
    flags: [],
    firedDeadlines: [],
    lastAt: e.occurredAt,
  };
}

const reduce: { [K in DetentionEventType]: (ctx: DetentionContext, e: EventOf<K>) => DetentionContext } = {
  S136_CONSIDERED: (_c, e) => ({ ...emptyContext(e, 's136'), consideredAt: e.occurredAt, officer: e.officer }),
  S135_WARRANT_EXECUTED: (_c, e) => detain({ ...emptyContext(e, e.power), warrant: e.warrant }, e),
  S136_CONSULTATION_RECORDED: (c, e) => ({
    ...c,
    consultations: [
      ...c.consultations,
      { seq: e.seq, at: e.occurredAt, practicable: e.practicable, profession: e.practicable ? e.profession : null },
    ],
  }),
  S136_NOT_DETAINED: (c, e) => ({ ...c, notDetainedReason: e.reason }),
  S136_DETAINED: (c, e) => detain({ ...c, locationType: e.locationType }, e),
  S136_CONVEYANCE_RECORDED(c, e) {
    let next: DetentionContext = {
      ...c,
      conveyance: {
        method: e.method,
        ambulanceRequested: e.ambulanceRequested,
        policeVehicleReason: e.policeVehicleReason,
      },
    };
    if (e.policeVehicleReason === 'ambulanceNotRequested' && c.power === 's136') {
      next = {
        ...next,
        flags: withFlag(next.flags, {
          key: 'R34',
          rule: 'R34',
          severity: 'warning',
          message: `s.136 detention ${c.detentionId}: conveyed in a police vehicle, no ambulance requested`,
          raisedAt: e.occurredAt,
          seq: e.seq,
          notify: c.policy.notify.conveyance,
        }),
      };
    }
    return next;
  },
  S136_ARRIVED_AT_PLACE_OF_SAFETY: (c, e) =>
    startClock({ ...c, stays: [newStay(c, e, e.placeOfSafety, true)] }, e.occurredAt, 'arrivalAtPlaceOfSafety'),
  S136_TRANSFERRED: (c, e) => ({ ...c, stays: [...c.stays, newStay(c, e, e.placeOfSafety, e.policeAccompanying)] }),
  S136_HEALTHCARE_CHECK_RECORDED(c, e) {
    const next = updateStay(c, (s) => ({ ...s, lastCheckAt: e.occurredAt, lastCheckSeq: e.seq }));
    if (e.professionalPresent) return next;
    return {
      ...next,
      flags: withFlag(next.flags, {
        key: `R26:notPresent:${e.seq}`,
        rule: 'R26',
        severity: 'warning',
        message:
          `${powerLabel(c.power)} detention ${c.detentionId}: no healthcare professional present and ` +
          `available at the police station (reg 4)`,
        raisedAt: e.occurredAt,
        seq: e.seq,
        notify: c.policy.notify.healthcareCheck,
      }),
    };
  },
  S136_NHS_ACCEPTED: (c, e) => updateStay(c, (s) => ({ ...s, acceptedAt: e.occurredAt, acceptedBy: e.acceptedBy })),
  S136_EXTENDED_STAY_AGREED: (c, e) =>
    updateStay(c, (s) => ({ ...s, extendedStay: { reason: e.reason, nhsContact: e.nhsContact, at: e.occurredAt } })),
  S136_POLICE_DEPARTED(c, e) {
    const stay = currentStay(c)!;
    const next = updateStay(c, (s) => ({ ...s, departedAt: e.occurredAt }));
    const waited = Date.parse(e.occurredAt) - Date.parse(stay.arrivedAt);
    if (!stay.handoverRuleApplies || stay.extendedStay || waited <= c.policy.handoverMinutes * MINUTE) return next;
    return {
      ...next,
      flags: withFlag(next.flags, {
        key: `R35:departure:${stay.seq}`,
        rule: 'R35',
        severity: 'warning',
        message:
          `${powerLabel(c.power)} detention ${c.detentionId}: police left ${placeName(stay.place)} ` +
          `${Math.round(waited / MINUTE)} min after arrival (expected within ${c.policy.handoverMinutes} min; no ` +
          `agreed extended stay)`,
        raisedAt: e.occurredAt,
        seq: e.seq,
        notify: c.policy.notify.handover,
      }),
    };
  },
  S136_ASSESSMENT_STARTED(c, e) {
    const next = { ...c, assessmentStartedAt: e.occurredAt };
    const due = plus(c.clockStart!, c.policy.assessmentStartFlagHours * HOUR);
    if (e.occurredAt <= due) return next;
    return {
      ...next,
      flags: withFlag(next.flags, { ...deadlineFlag(c, 'R37:assessmentStart', e), raisedAt: e.occurredAt }),
    };
  },
  S136_EXTENSION_AUTHORISED(c, e) {
    const minutes = Math.round(e.hours * 60);
    const extensions = [
      ...c.extensions,
      {
        seq: e.seq,
        at: e.occurredAt,
        minutes,
        authoriser: e.authoriser.name,
        ground: e.ground,
        superintendent: e.superintendentApproval
          ? `${e.superintendentApproval.rank} ${e.superintendentApproval.name}`
          : null,
      },
    ];
    const total = extensions.reduce((n, x) => n + x.minutes, 0);
    return { ...c, extensions, expiresAt: plus(c.baseExpiresAt!, total * MINUTE) };
  },
  S136_OUTCOME_RECORDED(c, e) {
    const startAt =
      c.assessmentStartedAt ??
      [e.doctorExaminedAt, e.amhpInterviewedAt].filter((x): x is string => x !== null).sort()[0] ??
      null;
    return {
      ...c,
      assessmentStartedAt: startAt,
      outcome: {
        code: e.outcome,
        at: e.occurredAt,
        doctorExaminedAt: e.doctorExaminedAt,
        amhpInterviewedAt: e.amhpInterviewedAt,
        assessmentEndedAt: e.assessmentEndedAt ?? (startAt ? e.occurredAt : null),
        policeRelease: null,
      },
    };
  },
  S136_RELEASED_BY_POLICE: (c, e) => ({
    ...c,
    outcome: {
      code: 'other',
      at: e.occurredAt,
      doctorExaminedAt: null,
      amhpInterviewedAt: null,
      assessmentEndedAt: null,
      policeRelease: { reason: e.reason, supervisor: e.supervisor },
    },
    flags: withFlag(c.flags, {
      key: 'R31',
      rule: 'R31',
      severity: 'warning',
      message:
        `${powerLabel(c.power)} detention ${c.detentionId}: released by police before an assessment outcome ` +
        `(reviewed by ${e.supervisor.rank})`,
      raisedAt: e.occurredAt,
      seq: e.seq,
      notify: c.policy.notify.release,
    }),
  }),
  S136_ADR_RECORDED(c, e) {
    const person = { ...c.person };
    for (const k of ['ageYears', 'ageBand', 'gender', 'ethnicity'] as const)
      if (e.person[k] !== undefined && e.person[k] !== null) (person as Record<string, unknown>)[k] = e.person[k];
    if (e.person.ageYears !== undefined && e.person.ageYears !== null) person.ageBand = ageBandFor(e.person.ageYears);
    else if (e.person.ageBand) person.ageYears = null;
    const adr = {
      firstPlaceOfSafety: e.firstPlaceOfSafety ?? c.adr.firstPlaceOfSafety,
      conveyanceMethod: e.conveyanceMethod ?? c.adr.conveyanceMethod,
      policeStationReason: e.policeStationReason ?? c.adr.policeStationReason,
      arrestedForOffence: e.arrestedForOffence ?? c.adr.arrestedForOffence,
    };
    return childAtStationFlag({ ...c, person, adr }, e);
  },
  S136_CLOSED: (c, e) => ({ ...c, closedAt: e.occurredAt }),
  DEADLINE_REACHED(c, e) {
    const next = {
      ...c,
      firedDeadlines: [...c.firedDeadlines, e.deadlineKey],
      flags: withFlag(c.flags, deadlineFlag(c, e.deadlineKey, e)),
    };
    return e.deadlineKey.startsWith('R23:expiry:') ? { ...next, lapsedAt: e.occurredAt } : next;
  },
};

function applyEvent(ctx: DetentionContext, e: DetentionEvent): DetentionContext {
  const next = (reduce[e.type] as (c: DetentionContext, ev: DetentionEvent) => DetentionContext)(ctx, e);
  return { ...next, lastAt: laterInstant(next.lastAt, e.occurredAt) };
}

// ---------------------------------------------------------------------------------------------
// The state chart.
// ---------------------------------------------------------------------------------------------

const accept = (target?: string) => ({
  guard: 'rulesAllow' as const,
  actions: 'apply' as const,
  ...(target ? { target } : {}),
});
const byMode = (kept: string, removed: string) => [
  { guard: and(['rulesAllow', 'isKept']), target: kept, actions: 'apply' as const },
  { guard: and(['rulesAllow', not('isKept')]), target: removed, actions: 'apply' as const },
];

/** What may happen wherever the person is at a place of safety, before the outcome. */
const atPlace = {
  S136_EXTENDED_STAY_AGREED: accept(),
  S136_EXTENSION_AUTHORISED: accept(),
  S136_ADR_RECORDED: accept(),
  S136_OUTCOME_RECORDED: accept('ended'),
  S136_RELEASED_BY_POLICE: accept('ended'),
  DEADLINE_REACHED: accept(),
};

export const s136Machine = setup({
  types: { context: {} as DetentionContext, events: {} as DetentionEvent },
  guards: {
    rulesAllow: ({ context, event }) => detentionRuleViolation(context, event) === null,
    isKept: ({ event }) => 'mode' in event && event.mode === 'kept',
  },
  actions: {
    apply: assign(({ context, event }) => applyEvent(context, event)),
  },
}).createMachine({
  id: 'detention',
  initial: 'unopened',
  context: {} as DetentionContext,
  states: {
    unopened: {
      on: {
        S136_CONSIDERED: accept('considering'),
        S135_WARRANT_EXECUTED: byMode('atPlaceOfSafety', 'detained'),
      },
    },
    considering: {
      on: {
        S136_CONSULTATION_RECORDED: accept('consulted'),
        S136_NOT_DETAINED: accept('notDetained'),
      },
    },
    consulted: {
      on: {
        S136_CONSULTATION_RECORDED: accept(),
        S136_DETAINED: byMode('atPlaceOfSafety', 'detained'),
        S136_NOT_DETAINED: accept('notDetained'),
      },
    },
    detained: {
      on: {
        S136_CONVEYANCE_RECORDED: accept('conveying'),
        S136_ADR_RECORDED: accept(),
        S136_OUTCOME_RECORDED: accept('ended'),
        S136_RELEASED_BY_POLICE: accept('ended'),
      },
    },
    conveying: {
      on: {
        S136_ARRIVED_AT_PLACE_OF_SAFETY: accept('atPlaceOfSafety'),
        S136_ADR_RECORDED: accept(),
        S136_OUTCOME_RECORDED: accept('ended'),
        S136_RELEASED_BY_POLICE: accept('ended'),
      },
    },
    atPlaceOfSafety: {
      on: {
        ...atPlace,
        S136_NHS_ACCEPTED: accept('handedOver'),
        S136_ASSESSMENT_STARTED: accept('assessing'),
        S136_TRANSFERRED: accept(),
        S136_HEALTHCARE_CHECK_RECORDED: accept(),
      },
    },
    handedOver: {
      on: {
        ...atPlace,
        S136_POLICE_DEPARTED: accept(),
        S136_ASSESSMENT_STARTED: accept('assessing'),
        S136_TRANSFERRED: accept('atPlaceOfSafety'),
      },
    },
    assessing: {
      on: {
        ...atPlace,
        S136_NHS_ACCEPTED: accept(),
        S136_POLICE_DEPARTED: accept(),
        S136_TRANSFERRED: accept(),
        S136_HEALTHCARE_CHECK_RECORDED: accept(),
      },
    },
    ended: {
      on: {
        S136_POLICE_DEPARTED: accept(),
        S136_ADR_RECORDED: accept(),
        S136_CLOSED: accept('closed'),
      },
    },
    closed: { type: 'final' },
    notDetained: { type: 'final' },
  },
});

export type DetentionSnapshot = SnapshotFrom<typeof s136Machine>;

export const detentionStateName = (s: DetentionSnapshot): string =>
  typeof s.value === 'string' ? s.value : JSON.stringify(s.value);

/**
 * Event types a user could send now: what the state accepts, less what the context already rules
 * out (a welfare check away from a police station, police leaving before NHS acceptance …).
 */
export function detentionAllowedEvents(s: DetentionSnapshot): string[] {
  const c = s.context;
  const own = new Set<string>();
  for (const n of s._nodes) for (const t of n.ownEvents) if (t !== 'DEADLINE_REACHED') own.add(t);
  const stay = c.stays ? currentStay(c) : null;
  const lapsed = c.lapsedAt !== null && c.lapsedAt !== undefined;
  const drop = (t: string) => own.delete(t);
  if (stay?.place.type !== 'policeStation') drop('S136_HEALTHCARE_CHECK_RECORDED');
  if (!stay?.acceptedAt || stay.departedAt) drop('S136_POLICE_DEPARTED');
  if (stay && (stay.acceptedAt || stay.place.type === 'policeStation')) drop('S136_NHS_ACCEPTED');
  if (!stay?.policeInAttendance || stay.departedAt || stay.extendedStay || stay.place.type === 'policeStation')
    drop('S136_EXTENDED_STAY_AGREED');
  if (c.assessmentStartedAt) drop('S136_ASSESSMENT_STARTED');
  if (lapsed) {
    for (const t of [
      'S136_TRANSFERRED',
      'S136_HEALTHCARE_CHECK_RECORDED',
      'S136_NHS_ACCEPTED',
      'S136_EXTENDED_STAY_AGREED',
      'S136_ASSESSMENT_STARTED',
      'S136_EXTENSION_AUTHORISED',
      'S136_RELEASED_BY_POLICE',
    ])
      drop(t);
  }
  if (c.extensions && c.extensions.reduce((n, x) => n + x.minutes, 0) * MINUTE >= MAX_EXTENSION_MS)
    drop('S136_EXTENSION_AUTHORISED');
  return [...own].sort();
}
