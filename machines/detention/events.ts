/**
 * The vocabulary of one Mental Health Act detention (s.136, or a s.135(1)/(2) warrant) inside an
 * incident: powers, places, conveyance, outcomes, the force policy stamped into the creating event,
 * the event union, the context, and small readings of the context that rules, clocks and views
 * share. Force settings arrive stamped in the creating event (`policy`); facts the shell looks up
 * (the person's age at the time, earlier detentions of the same person) arrive stamped in the event
 * that needs them.
 */
import { type EventMeta, type EventOf, type Flag, HOUR_MS } from '../kit.js';
import type { Rank } from '../ranks.js';
import { type AgeBand, ageBandFor, type Ethnicity, type Gender } from '../subject.js';

export const S136_MACHINE_VERSION = 'detention@1';

export const POWERS = ['s136', 's135_1', 's135_2'] as const;
export type Power = (typeof POWERS)[number];
export const DETAINING_ROLES = ['constable', 'specialConstable', 'pcso', 'policeStaff'] as const;
export type DetainingRole = (typeof DETAINING_ROLES)[number];
/** Where the power was used. The last three are dwellings, where s.136 cannot be used (s.136(1A)). */
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
/** Who may be consulted before a detention (s.136(1C) and reg 8 of SI 2017/1036). */
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

/** s.136(2A), s.135(3ZA): the permitted period. */
export const PERMITTED_PERIOD_MS = 24 * HOUR_MS;
/** s.136B: the most a doctor may extend it by (cumulative). */
export const MAX_EXTENSION_MS = 12 * HOUR_MS;

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

/** Consents for a home or another suitable place (s.135(7)). */
export interface Consent {
  personAgreed: boolean | null;
  personLivesThere: boolean | null;
  soleOccupier: boolean | null;
  occupierAgreed: boolean | null;
  managerAgreed: boolean | null;
}

/** The record that makes a police station lawful for an adult (reg 2 of SI 2017/1036). */
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

/** The person as the Home Office ADR return counts them; null = not recorded ("not known" must be said). */
export interface DetentionPerson {
  ageYears: number | null;
  ageBand: AgeBand | null;
  gender: Gender | null;
  ethnicity: Ethnicity | null;
}

/** An earlier detention of the same person, found by the shell. */
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
export type DetentionEventOf<T extends DetentionEventType> = EventOf<DetentionEvent, T>;

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
/** Only the scheduler raises these: never offered to users. */
export const DETENTION_SYSTEM_EVENT_TYPES: readonly DetentionEventType[] = ['DEADLINE_REACHED'];

/** One stay at a place of safety (the first, then one per transfer). */
export interface Stay {
  seq: number;
  place: Place;
  arrivedAt: string;
  /** Police brought the person here and must hand over to the NHS. */
  policeInAttendance: boolean;
  /** The one-hour handover expectation applies at this kind of place (force setting, stamped). */
  handoverRuleApplies: boolean;
  acceptedAt: string | null;
  acceptedBy: string | null;
  departedAt: string | null;
  extendedStay: { reason: string; nhsContact: string; at: string } | null;
  /** The last healthcare-professional check at a police station (or arrival, before the first). */
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
  /** Set once, never changed. */
  clockStart: string | null;
  clockBasis: 'arrivalAtPlaceOfSafety' | 'decisionToKeep' | 'entryToPremises' | null;
  /** clockStart + 24 h. */
  baseExpiresAt: string | null;
  extensions: Extension[];
  /** baseExpiresAt + all extensions. */
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
  /** Set when the expiry deadline fired with no outcome. */
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
// Reading the context.
// ---------------------------------------------------------------------------------------------

export const powerLabel = (p: Power) => (p === 's136' ? 's.136' : p === 's135_1' ? 's.135(1)' : 's.135(2)');
export const hoursText = (ms: number) => `${Math.round((ms / HOUR_MS) * 100) / 100} h`;

/** How a place is named in alerts: a configured site's label, else only its type (a typed description may hold an
 * address). */
export const placeName = (p: Place): string => (p.site ? p.label : `a place of type ${p.type}`);

export const currentStay = (c: DetentionContext): Stay | null => c.stays[c.stays.length - 1] ?? null;
export const atPoliceStation = (c: DetentionContext) => currentStay(c)?.place.type === 'policeStation';
export const usedPoliceStation = (c: DetentionContext) => c.stays.some((s) => s.place.type === 'policeStation');
export const isEnded = (c: DetentionContext) => c.outcome !== null;
/** Minutes of extension granted so far. */
export const extensionMinutes = (c: DetentionContext) => c.extensions.reduce((n, x) => n + x.minutes, 0);

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

export const policeStationReason = (c: DetentionContext): string | null =>
  c.adr.policeStationReason ??
  c.stays.find((s) => s.place.policeStation?.reasonCode)?.place.policeStation?.reasonCode ??
  null;
export const arrestedForOffence = (c: DetentionContext): YesNoNotKnown | null =>
  c.adr.arrestedForOffence ??
  c.stays.find((s) => s.place.policeStation?.arrestedForOffence)?.place.policeStation?.arrestedForOffence ??
  null;
