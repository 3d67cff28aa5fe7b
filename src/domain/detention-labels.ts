/**
 * Plain words for a detention's codes (places of safety, conveyance, outcomes, consultees, where the
 * power was used), in one place so the evidence pack, the MH lead's screens and the record exported
 * for the IOPC or a coroner say the same thing. Lower case: callers capitalise at the start of a line.
 */
import type {
  CONSULTEE_PROFESSIONS,
  ConveyanceMethod,
  LocationType,
  Outcome,
  PlaceType,
  PoliceVehicleReason,
} from '../../machines/detention/index.js';

export const PLACE_TYPE_LABEL: Record<PlaceType, string> = {
  healthBasedPlaceOfSafety: 'health-based place of safety',
  emergencyDepartment: 'emergency department (A&E)',
  otherHospital: 'other hospital',
  independentHospitalOrCareHome: 'independent hospital or care home',
  socialServicesAccommodation: 'social services accommodation',
  policeStation: 'police station',
  privateDwelling: 'private dwelling',
  otherSuitablePlace: 'other suitable place',
};

export const CONVEYANCE_LABEL: Record<ConveyanceMethod, string> = {
  ambulance: 'ambulance',
  policeVehicle: 'police vehicle',
  otherHealthVehicle: 'other health vehicle',
  other: 'other',
  notKnown: 'not known',
  noneAlreadyAtPoS: 'none (already at the place of safety)',
};

export const POLICE_VEHICLE_REASON_LABEL: Record<PoliceVehicleReason, string> = {
  ambulanceNotWithin30Min: 'ambulance not available within 30 minutes',
  ambulanceNotRequested: 'no ambulance requested',
  ambulanceDiverted: 'ambulance diverted to a higher-priority call',
  crewRefused: 'ambulance crew refused to convey',
  other: 'other',
};

export const OUTCOME_LABEL: Record<Outcome, string> = {
  dischargedNFA: 'discharged, no further action',
  dischargedWithReferral: 'discharged with a referral',
  informalAdmission: 'informal (voluntary) admission',
  detainedS2: 'detained under s.2',
  detainedS3: 'detained under s.3',
  detainedS4: 'detained under s.4',
  arrestedForOffence: 'arrested for an offence',
  transferredAcuteCare: 'transferred for acute physical care',
  lapsed: 'the detention lapsed',
  other: 'other',
};

export const CONSULTEE_LABEL: Record<(typeof CONSULTEE_PROFESSIONS)[number], string> = {
  registeredMedicalPractitioner: 'registered medical practitioner',
  registeredNurse: 'registered nurse',
  amhp: 'approved mental health professional (AMHP)',
  registeredParamedic: 'registered paramedic',
  registeredOccupationalTherapist: 'registered occupational therapist',
};

export const LOCATION_LABEL: Record<LocationType, string> = {
  street: 'street',
  publicOpenSpace: 'public open space',
  roadOrBridge: 'road or bridge',
  railwayProperty: 'railway property',
  shopOrLicensedPremises: 'shop or licensed premises',
  workplace: 'workplace',
  emergencyDepartment: 'emergency department',
  otherHealthSetting: 'other health setting',
  communalAreaOfFlats: 'communal area of flats',
  sharedGardenOrYard: 'shared garden or yard',
  vehicle: 'vehicle',
  policeStation: 'police station',
  other: 'other',
  ownHome: 'own home',
  otherPersonsHome: "another person's home",
  dwellingGardenYardGarageOrOuthouse: "a dwelling's garden, yard, garage or outhouse",
};

/** A label for a code from one of the maps above, or the code itself when it has none (an older record). */
export function labelOf<K extends string>(map: Record<K, string>, code: string | null | undefined): string {
  if (code === null || code === undefined) return 'not recorded';
  return (map as Record<string, string>)[code] ?? code;
}
