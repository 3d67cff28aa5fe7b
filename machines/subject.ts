/**
 * The person an incident is about, as the machines see them: a pseudonymous key and the
 * demographic fields the ADR return needs. Names, dates of birth and NHS numbers never get here.
 */

export const AGE_BANDS = [
  'under10',
  '10to17',
  '18to24',
  '25to34',
  '35to44',
  '45to54',
  '55to64',
  '65to74',
  '75plus',
  'notKnown',
] as const;
export type AgeBand = (typeof AGE_BANDS)[number];
export const GENDERS = ['male', 'female', 'other', 'notKnown'] as const;
export type Gender = (typeof GENDERS)[number];
/** ONS 5+1 groups used in the Home Office ADR tables (docs/detentions.md). */
export const ETHNICITIES = ['white', 'black', 'asian', 'mixed', 'other', 'notStated'] as const;
export type Ethnicity = (typeof ETHNICITIES)[number];
export const ETHNICITY_BASES = ['selfDefined', 'officerPerceived', 'notKnown'] as const;
export type EthnicityBasis = (typeof ETHNICITY_BASES)[number];

import type { LegalStatusCode } from './legal-status.js';

export interface Subject {
  /** HMAC-SHA256 keys, one per identifier supplied (NHS number, force person id, name+DOB). */
  personKeys: string[];
  /** Age in whole years at the time of the call, when a date of birth or age was given. */
  ageYears: number | null;
  /** Apparent age band, used when the exact age is unknown. */
  ageBand: AgeBand;
  gender: Gender;
  ethnicity: Ethnicity;
  ethnicityBasis: EthnicityBasis;
  /** MHA legal status when the person is (or was) a patient (R14); absent when not recorded. */
  legalStatus?: LegalStatusCode | null;
}

/** A prior incident about the same person where police were not deployed (found by the shell, R15). */
export interface PriorContact {
  incidentId: string;
  noDeployAt: string;
}

export function ageBandFor(years: number): AgeBand {
  if (years < 10) return 'under10';
  if (years < 18) return '10to17';
  if (years < 25) return '18to24';
  if (years < 35) return '25to34';
  if (years < 45) return '35to44';
  if (years < 55) return '45to54';
  if (years < 65) return '55to64';
  if (years < 75) return '65to74';
  return '75plus';
}

/** true / false when known or apparent; null when nothing is known about age. */
export function isChild(s: Subject | null): boolean | null {
  if (!s) return null;
  if (s.ageYears !== null) return s.ageYears < 18;
  if (s.ageBand === 'notKnown') return null;
  return s.ageBand === 'under10' || s.ageBand === '10to17';
}
