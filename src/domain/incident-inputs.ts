/**
 * What a user may send, as zod schemas built from the force configuration (codes become enums, so
 * an unknown grade or agency is a 400 naming the allowed values). Shapes only: whether an event is
 * allowed now is the machines' job (422 naming the rule).
 */
import { z } from '@hono/zod-openapi';
import { CHANNELS, RCRP_DECISIONS } from '../../machines/incident/index.js';
import { LEGAL_STATUS_CODES, type LegalStatusCode } from '../../machines/legal-status.js';
import { RANKS } from '../../machines/ranks.js';
import { AGE_BANDS, ETHNICITIES, ETHNICITY_BASES, GENDERS } from '../../machines/subject.js';
import type { ForceConfig } from '../config/schema.js';
import { detentionEventInputs } from './detention-inputs.js';
import { inputParts, instant } from './input-parts.js';
import { ledgerEventInputs } from './ledger-inputs.js';
import { isValidNhsNumber } from './person-key.js';
import { referralEventInputs } from './referral-inputs.js';

const { text, enumOf } = inputParts;

export { inputParts, instant };

export const identifiersSchema = z
  .strictObject({
    nhsNumber: z
      .string()
      .refine(isValidNhsNumber, 'not a valid NHS number (10 digits with a correct check digit)')
      .optional(),
    forcePersonId: text(64).min(1).optional(),
    name: text(200).min(1).optional(),
    dateOfBirth: z.iso.date().optional(),
  })
  .refine((i) => (i.name === undefined) === (i.dateOfBirth === undefined), {
    message: 'name and dateOfBirth go together (a name alone cannot link contacts reliably)',
  })
  .openapi('PersonIdentifiers', {
    description: 'Used only to compute pseudonymous person keys; never stored, logged or returned.',
  });

export const subjectInputSchema = z
  .strictObject({
    identifiers: identifiersSchema.optional(),
    ageYears: z.number().int().min(0).max(120).optional(),
    ageBand: z.enum(AGE_BANDS).optional().openapi({ description: 'Apparent age band when the age is not known' }),
    gender: z.enum(GENDERS).default('notKnown'),
    ethnicity: z.enum(ETHNICITIES).default('notStated'),
    ethnicityBasis: z.enum(ETHNICITY_BASES).default('notKnown'),
    legalStatus: z
      .enum(LEGAL_STATUS_CODES as [LegalStatusCode, ...LegalStatusCode[]])
      .optional()
      .openapi({
        description:
          "MHA legal status (NHS legal-status classification code, e.g. '01' informal, '03' s.3; 'CTO' community " +
          'treatment order). Required for an AWOL category (R14); kept from the previous record when omitted',
      }),
  })
  .openapi('SubjectInput');

export type SubjectInput = z.infer<typeof subjectInputSchema>;

/**
 * The event bodies users may POST, per area. Each area (incident core here; detentions, the time
 * ledger … in their own modules) contributes a record of `TYPE: strict zod object`, merged below.
 */
export function buildIncidentInputs(config: ForceConfig) {
  const events = {
    ...coreEventInputs(config),
    ...referralEventInputs(config),
    ...detentionEventInputs(config),
    ...ledgerEventInputs(),
  };
  type EventSchema = (typeof events)[keyof typeof events];
  const list = Object.values(events) as [EventSchema, ...EventSchema[]];
  const incidentEvent = z.discriminatedUnion('type', list).openapi('IncidentEventInput');
  return { createIncident: createIncidentInput(config), events, incidentEvent, eventTypes: Object.keys(events) };
}

function createIncidentInput(config: ForceConfig) {
  const category = enumOf(config.categories.map((c) => c.code));
  const district = enumOf(config.districts);
  return z
    .strictObject({
      receivedAt: instant,
      reference: text(64).min(1).optional().openapi({ description: 'Command-and-control log reference (unique)' }),
      channel: z.enum(CHANNELS),
      category,
      district: district.optional(),
      locationClass: z.enum(['urban', 'rural']).optional(),
      mhFlagAtCall: z
        .boolean()
        .openapi({ description: "Call handler's view: mental-health-related (NPCC 2019 definition)" }),
      summary: text(4000).optional(),
      location: text(500).optional(),
      subject: subjectInputSchema.optional(),
    })
    .openapi('CreateIncident');
}

function coreEventInputs(config: ForceConfig) {
  const grade = enumOf(config.grades.map((g) => g.code));
  const closureCode = enumOf(config.closureCodes);
  const resolution = enumOf(config.resolutionCodes);
  const { at, note } = inputParts;

  return {
    THRIVE_RECORDED: z
      .strictObject({
        type: z.literal('THRIVE_RECORDED'),
        ...at,
        threat: text(2000),
        harm: text(2000),
        risk: text(2000),
        investigation: text(2000),
        vulnerability: text(2000),
        engagement: text(2000),
        rationale: text(4000),
        safetyNet: note(2000).openapi({
          description: 'Safety-net decision when closing with a referral unanswered (R12)',
        }),
      })
      .openapi('ThriveRecorded'),
    GRADE_SET: z.strictObject({ type: z.literal('GRADE_SET'), ...at, grade, reason: note(1000) }).openapi('GradeSet'),
    IMMEDIATE_GRADE_SET: z
      .strictObject({
        type: z.literal('IMMEDIATE_GRADE_SET'),
        ...at,
        grade,
        obviousThreat: text(1000).openapi({
          description: 'R1a: the obvious threat that justifies grading before THRIVE (THRIVE must follow)',
          example: 'caller says her partner is at the door with a knife',
        }),
      })
      .openapi('ImmediateGradeSet', {
        description:
          'R1a: a grade the force marks immediate, set before THRIVE on an obvious threat; THRIVE is due within ' +
          "the grade's configured minutes (an alert if not) and before closure",
      }),
    RCRP_DECISION_RECORDED: z
      .strictObject({
        type: z.literal('RCRP_DECISION_RECORDED'),
        ...at,
        crimeOccurring: z.boolean(),
        riskToLife: z.boolean(),
        riskOfSeriousHarm: z.boolean(),
        decision: z.enum(RCRP_DECISIONS),
        rationale: text(4000),
        override: z.strictObject({ name: text(200), rank: z.enum(RANKS), reason: text(2000) }).optional(),
      })
      .openapi('RcrpDecisionRecorded'),
    POLICE_DISPATCHED: z
      .strictObject({
        type: z.literal('POLICE_DISPATCHED'),
        ...at,
        resources: z
          .array(
            z.strictObject({
              assignmentId: z
                .string()
                .regex(/^[A-Za-z0-9_.-]{1,64}$/)
                .optional()
                .openapi({ description: 'Generated as a<seq>-<n> when omitted' }),
              callSign: text(32).regex(/^[^|;\s][^|;]*$/, 'a call sign (no | or ;)'),
              officers: z.number().int().min(1).max(50),
              type: enumOf(config.resourceTypes),
            }),
          )
          .min(1)
          .max(50),
      })
      .openapi('PoliceDispatched'),
    ADVICE_GIVEN: z
      .strictObject({ type: z.literal('ADVICE_GIVEN'), ...at, summary: text(2000).min(1) })
      .openapi('AdviceGiven'),
    RESOLVED_WITHOUT_DEPLOYMENT: z
      .strictObject({ type: z.literal('RESOLVED_WITHOUT_DEPLOYMENT'), ...at, resolution, note: note(2000) })
      .openapi('ResolvedWithoutDeployment'),
    NEW_INFORMATION: z
      .strictObject({
        type: z.literal('NEW_INFORMATION'),
        ...at,
        summary: text(4000).min(1),
        source: z.enum(['caller', 'thirdParty', 'officer', 'partnerAgency', 'other']),
      })
      .openapi('NewInformation'),
    SUBJECT_RECORDED: z
      .strictObject({ type: z.literal('SUBJECT_RECORDED'), ...at, subject: subjectInputSchema })
      .openapi('SubjectRecorded'),
    INCIDENT_CLOSED: z
      .strictObject({
        type: z.literal('INCIDENT_CLOSED'),
        ...at,
        mhFlagAtClose: z.boolean().optional().openapi({ description: 'Required to close (R40)' }),
        closureCode,
        note: note(2000),
      })
      .openapi('IncidentClosed'),
  };
}

export type IncidentInputs = ReturnType<typeof buildIncidentInputs>;
export type CreateIncidentInput = z.output<IncidentInputs['createIncident']>;
type EventSchemas = IncidentInputs['events'];
export type IncidentEventInput = { [K in keyof EventSchemas]: z.output<EventSchemas[K]> }[keyof EventSchemas];
