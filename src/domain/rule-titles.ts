/**
 * The short titles of the rules a detention is checked against, as people read them beside each
 * step of the MH lead's review and in the record exported for the IOPC or a coroner. They are the
 * headings of docs/rules.md (a test holds the two together), so a title leads to its rule's page.
 */
export const DETENTION_RULE_TITLES = {
  R16: 'No s.136 in a dwelling',
  R17: 'The detaining officer is a constable',
  R18: 'All three criteria recorded',
  R19: 'Consultation before detention',
  R21: 'When the 24-hour clock starts',
  R22: 'Transfers never move the clock',
  R23: 'Expiry, warnings and the lapse alert',
  R24: 'No police station for a child',
  R25: 'A police station for an adult only under the Regulations',
  R26: 'Healthcare checks at a police station',
  R27: 'Consents for another suitable place',
  R28: 'Extensions',
  R29: 'A superintendent approves an extension at a police station',
  R31: 'Police release before an outcome',
  R32: 'Warrant details for s.135',
  R33: 'Conveyance and police-vehicle reasons',
  R34: 'No ambulance requested is flagged',
  R35: 'Handover at the place of safety',
  R36: 'An outcome, with what the law needs',
  R37: 'The assessment inside the period; a late start flagged',
  R42: 'A complete ADR record before a detention closes',
  R45: 'An immutable audit of overrides, authorisations and escalations',
} as const;

export type DetentionRule = keyof typeof DETENTION_RULE_TITLES;

/**
 * The alerts a detention can carry that the MH lead's list filters by: R23 (the detention lapsed),
 * R24 (a child held at a police station), R26 (healthcare checks), R31 (police release), R34 (no
 * ambulance requested), R35 (late handover), R37 (late assessment).
 */
export const DETENTION_FLAG_RULES = ['R23', 'R24', 'R26', 'R31', 'R34', 'R35', 'R37'] as const;
export type DetentionFlagRule = (typeof DETENTION_FLAG_RULES)[number];
