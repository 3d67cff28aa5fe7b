/**
 * Mental Health Act legal status of a patient, as NHS Data Dictionary "Mental Health Act legal
 * status classification" codes, plus `CTO` for a community treatment order (s.17A),
 * which the NHS data sets record separately rather than as a legal-status code.
 *
 * R14: a patient is AWOL (MHA s.18) only when liable to be detained, on a CTO or under
 * guardianship. An informal patient who leaves is a walk-out or a missing person; a person who
 * escapes from s.135/s.136 is retaken under s.138, not s.18. The classification below is ours
 * (LAW as we read it; s.5(2)/(4) counted as detained is an assumption to confirm).
 */

export type LegalStatusKind =
  | 'informal'
  | 'detained'
  | 'placeOfSafety'
  | 'cto'
  | 'guardianship'
  | 'other'
  | 'notApplicable'
  | 'notKnown';

export const LEGAL_STATUSES = {
  '01': { label: 'Informal', kind: 'informal' },
  '02': { label: 'Detained, s.2', kind: 'detained' },
  '03': { label: 'Detained, s.3', kind: 'detained' },
  '04': { label: 'Detained, s.4', kind: 'detained' },
  '05': { label: 'Detained, s.5(2)', kind: 'detained' },
  '06': { label: 'Detained, s.5(4)', kind: 'detained' },
  '07': { label: 'Detained, s.35', kind: 'detained' },
  '08': { label: 'Detained, s.36', kind: 'detained' },
  '09': { label: 'Detained, s.37 with s.41 restrictions', kind: 'detained' },
  '10': { label: 'Detained, s.37', kind: 'detained' },
  '12': { label: 'Detained, s.38', kind: 'detained' },
  '13': { label: 'Detained, s.44', kind: 'detained' },
  '14': { label: 'Detained, s.46', kind: 'detained' },
  '15': { label: 'Detained, s.47 with s.49 restrictions', kind: 'detained' },
  '16': { label: 'Detained, s.47', kind: 'detained' },
  '17': { label: 'Detained, s.48 with s.49 restrictions', kind: 'detained' },
  '18': { label: 'Detained, s.48', kind: 'detained' },
  '19': { label: 'Detained, s.135', kind: 'placeOfSafety' },
  '20': { label: 'Detained, s.136', kind: 'placeOfSafety' },
  '31': { label: 'Detained, Criminal Procedure (Insanity) Act 1964', kind: 'detained' },
  '32': { label: 'Detained under other acts', kind: 'other' },
  '35': { label: 'Guardianship, s.7', kind: 'guardianship' },
  '36': { label: 'Guardianship, s.37', kind: 'guardianship' },
  '37': { label: 'Detained, s.45A', kind: 'detained' },
  '38': { label: 'Detained, s.45A (limitation direction ended)', kind: 'detained' },
  CTO: { label: 'Community treatment order (s.17A)', kind: 'cto' },
  '98': { label: 'Not applicable', kind: 'notApplicable' },
  '99': { label: 'Not known', kind: 'notKnown' },
} as const satisfies Record<string, { label: string; kind: LegalStatusKind }>;

export type LegalStatusCode = keyof typeof LEGAL_STATUSES;
export const LEGAL_STATUS_CODES = Object.keys(LEGAL_STATUSES) as LegalStatusCode[];

/** Statuses under which a patient can be absent without leave (s.18): detained, CTO, guardianship. */
export function canBeAwol(code: LegalStatusCode): boolean {
  const kind = LEGAL_STATUSES[code].kind;
  return kind === 'detained' || kind === 'cto' || kind === 'guardianship';
}
