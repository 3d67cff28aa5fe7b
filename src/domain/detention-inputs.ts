/**
 * What a user may POST for a MHA s.136/s.135 detention (events on the incident, routed to its
 * detention by `detentionId`). Shapes only: a missing or malformed field is a 400; whether the
 * content is lawful (a dwelling, a PCSO, an under-18 at a police station, "no bed" as an extension
 * ground …) is the s.136 machine's job and answers 422 naming the rule.
 */
import { z } from '@hono/zod-openapi';
import { RANKS } from '../../machines/ranks.js';
import {
  CONVEYANCE_METHODS,
  DETAINING_ROLES,
  EXTENSION_GROUNDS,
  LOCATION_TYPES,
  OUTCOMES,
  PLACE_TYPES,
  POLICE_VEHICLE_REASONS,
  TRANSFER_BY,
  YES_NO_NOT_KNOWN,
} from '../../machines/detention/index.js';
import { AGE_BANDS, ETHNICITIES, GENDERS } from '../../machines/subject.js';
import type { ForceConfig } from '../config/schema.js';
import { inputParts } from './input-parts.js';

export const detentionIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ or -, at most 64');

function parts() {
  const { text, enumOf, instant } = inputParts;
  const officer = z
    .strictObject({
      name: text(200).openapi({ description: 'Name or collar number' }),
      role: z
        .enum(DETAINING_ROLES)
        .openapi({ description: 'Only a constable (or special constable, by force setting) may detain (R17)' }),
      rank: z.enum(RANKS).optional(),
    })
    .openapi('DetainingOfficer');

  const namedRank = z.strictObject({ name: text(200), rank: z.enum(RANKS) });

  const person = z
    .strictObject({
      ageYears: z.number().int().min(0).max(120).optional(),
      ageBand: z
        .enum(AGE_BANDS)
        .optional()
        .openapi({ description: "Apparent age band when the age is not known ('10to17' = appears under 18)" }),
      gender: z.enum(GENDERS).optional(),
      ethnicity: z.enum(ETHNICITIES).optional(),
    })
    .openapi('DetentionPerson', {
      description: "The person as the ADR counts them; defaults to the incident's subject",
    });
  return { text, enumOf, instant, officer, namedRank, person };
}

export type DetentionPersonInput = z.infer<ReturnType<typeof parts>['person']>;

function placeSchema(config: ForceConfig) {
  const { text, enumOf, instant, namedRank } = parts();
  const site = enumOf(config.s136.placesOfSafety.map((p) => p.code));
  const policeStation = z
    .strictObject({
      imminentRiskOfSeriousHarm: z.boolean(),
      noOtherPlaceReason: text(2000),
      healthcareRequirementWillBeMet: z.boolean().openapi({
        description: 'A healthcare professional will check at least every 30 minutes and be present (reg 4)',
      }),
      decisionMaker: namedRank,
      authorisation: namedRank
        .extend({ at: instant })
        .optional()
        .openapi({ description: 'Inspector or above, when the decision-maker is below inspector (R25)' }),
      consultation: z.strictObject({
        consulted: z.boolean(),
        profession: text(60).optional(),
        notPracticableReason: text(2000).optional(),
      }),
      reasonCode: enumOf(config.s136.adr.policeStationReasons.map((r) => r.code))
        .optional()
        .openapi({ description: 'ADR reason a police station was used' }),
      arrestedForOffence: z
        .enum(YES_NO_NOT_KNOWN)
        .optional()
        .openapi({ description: 'ADR: arrested for a substantive offence' }),
    })
    .openapi('PoliceStationUse', { description: 'Regulation 2 of SI 2017/1036 (R25)' });
  const consent = z
    .strictObject({
      personAgreed: z.boolean().optional(),
      personLivesThere: z.boolean().optional(),
      soleOccupier: z.boolean().optional(),
      occupierAgreed: z.boolean().optional(),
      managerAgreed: z.boolean().optional(),
    })
    .openapi('PlaceOfSafetyConsent', { description: 'Consents for an "other suitable place" (s.135(7), R27)' });
  return z
    .strictObject({
      site: site
        .optional()
        .openapi({ description: 'A configured place of safety (GET /api/config → s136.placesOfSafety)' }),
      type: z.enum(PLACE_TYPES).optional(),
      description: text(300).optional().openapi({ description: 'For a place that is not configured' }),
      consent: consent.optional(),
      policeStation: policeStation.optional(),
    })
    .refine(
      (p) =>
        p.site !== undefined || (p.type !== undefined && p.description !== undefined && p.description.trim() !== ''),
      {
        message: 'give a configured site, or a type and a description',
      },
    )
    .openapi('PlaceOfSafety');
}

export type PlaceInput = z.infer<ReturnType<typeof placeSchema>>;

export function detentionEventInputs(config: ForceConfig) {
  const { text, enumOf, instant, officer, namedRank, person } = parts();
  const { at, note } = inputParts;
  const place = placeSchema(config);
  const id = { detentionId: detentionIdSchema };
  const newId = {
    detentionId: detentionIdSchema
      .optional()
      .openapi({ description: 'Generated when omitted; unique across incidents' }),
  };
  const mode = z.enum(['removed', 'kept']).openapi({
    description:
      "'kept': the person is already at a place of safety and is kept there (the clock starts at the decision)",
  });
  const psReason = enumOf(config.s136.adr.policeStationReasons.map((r) => r.code));

  return {
    S136_CONSIDERED: z
      .strictObject({ type: z.literal('S136_CONSIDERED'), ...at, ...newId, officer })
      .openapi('S136Considered'),
    S135_WARRANT_EXECUTED: z
      .strictObject({
        type: z.literal('S135_WARRANT_EXECUTED'),
        ...at,
        ...newId,
        power: z.enum(['s135_1', 's135_2']),
        mode,
        warrant: z.strictObject({
          reference: text(100),
          court: text(200),
          amhpName: text(200).optional(),
          doctorName: text(200).optional(),
          authorisedPerson: text(200).optional(),
          hospital: text(200).optional(),
        }),
        officer,
        placeOfSafety: place
          .optional()
          .openapi({ description: "Required when mode is 'kept' (the premises, being a place of safety)" }),
        person: person.optional(),
      })
      .openapi('S135WarrantExecuted'),
    S136_CONSULTATION_RECORDED: z
      .strictObject({
        type: z.literal('S136_CONSULTATION_RECORDED'),
        ...at,
        ...id,
        practicable: z.boolean(),
        profession: text(60)
          .optional()
          .openapi({
            description:
              'registeredMedicalPractitioner, registeredNurse, amhp, registeredParamedic, ' +
              'registeredOccupationalTherapist (R19)',
          }),
        consultee: note(200),
        advice: note(4000),
        notPracticableReason: note(2000),
      })
      .openapi('S136ConsultationRecorded'),
    S136_NOT_DETAINED: z
      .strictObject({ type: z.literal('S136_NOT_DETAINED'), ...at, ...id, reason: text(2000) })
      .openapi('S136NotDetained'),
    S136_DETAINED: z
      .strictObject({
        type: z.literal('S136_DETAINED'),
        ...at,
        ...id,
        mode,
        locationType: z.enum(LOCATION_TYPES),
        criteria: z.strictObject({
          apparentMentalDisorder: z.boolean(),
          immediateNeedOfCareOrControl: z.boolean(),
          necessaryForProtection: z.boolean(),
        }),
        grounds: text(4000),
        officer,
        placeOfSafety: place.optional().openapi({ description: "Required when mode is 'kept'" }),
        person: person.optional(),
      })
      .openapi('S136Detained'),
    S136_CONVEYANCE_RECORDED: z
      .strictObject({
        type: z.literal('S136_CONVEYANCE_RECORDED'),
        ...at,
        ...id,
        method: z.enum(CONVEYANCE_METHODS),
        ambulanceRequested: z.boolean().optional(),
        ambulanceRequestedAt: instant.optional(),
        ambulanceEta: instant.optional(),
        policeVehicleReason: z.enum(POLICE_VEHICLE_REASONS).optional(),
        reasonText: note(1000),
      })
      .openapi('S136ConveyanceRecorded'),
    S136_ARRIVED_AT_PLACE_OF_SAFETY: z
      .strictObject({ type: z.literal('S136_ARRIVED_AT_PLACE_OF_SAFETY'), ...at, ...id, placeOfSafety: place })
      .openapi('S136ArrivedAtPlaceOfSafety'),
    S136_TRANSFERRED: z
      .strictObject({
        type: z.literal('S136_TRANSFERRED'),
        ...at,
        ...id,
        placeOfSafety: place,
        by: z.enum(TRANSFER_BY),
        byName: text(200),
        policeAccompanying: z.boolean().optional().openapi({
          description: "Police go with the person and hand over again (default: true when by is 'constable')",
        }),
      })
      .openapi('S136Transferred'),
    S136_HEALTHCARE_CHECK_RECORDED: z
      .strictObject({
        type: z.literal('S136_HEALTHCARE_CHECK_RECORDED'),
        ...at,
        ...id,
        professional: text(200),
        professionalPresent: z.boolean().openapi({
          description: 'A healthcare professional was present and available throughout since the last check (reg 4)',
        }),
        note: note(2000),
      })
      .openapi('S136HealthcareCheckRecorded'),
    S136_NHS_ACCEPTED: z
      .strictObject({ type: z.literal('S136_NHS_ACCEPTED'), ...at, ...id, acceptedBy: text(200) })
      .openapi('S136NhsAccepted'),
    S136_EXTENDED_STAY_AGREED: z
      .strictObject({
        type: z.literal('S136_EXTENDED_STAY_AGREED'),
        ...at,
        ...id,
        reason: text(2000),
        nhsContact: text(200),
      })
      .openapi('S136ExtendedStayAgreed'),
    S136_POLICE_DEPARTED: z
      .strictObject({ type: z.literal('S136_POLICE_DEPARTED'), ...at, ...id })
      .openapi('S136PoliceDeparted'),
    S136_ASSESSMENT_STARTED: z
      .strictObject({ type: z.literal('S136_ASSESSMENT_STARTED'), ...at, ...id })
      .openapi('S136AssessmentStarted'),
    S136_EXTENSION_AUTHORISED: z
      .strictObject({
        type: z.literal('S136_EXTENSION_AUTHORISED'),
        ...at,
        ...id,
        authoriser: z.strictObject({
          name: text(200),
          gmcNumber: text(20).optional(),
          profession: text(60).openapi({ description: "Must be 'registeredMedicalPractitioner' (R28)" }),
          responsibleForExamination: z.boolean(),
        }),
        hours: z.number().positive().max(24).openapi({ description: 'At most 12 in total (R28)' }),
        ground: z.enum(EXTENSION_GROUNDS),
        reason: text(2000),
        assessmentAtPoliceStation: z.boolean().optional(),
        superintendentApproval: namedRank
          .extend({ at: instant })
          .optional()
          .openapi({ description: 'Required at a police station (R29)' }),
      })
      .openapi('S136ExtensionAuthorised'),
    S136_OUTCOME_RECORDED: z
      .strictObject({
        type: z.literal('S136_OUTCOME_RECORDED'),
        ...at,
        ...id,
        outcome: z.enum(OUTCOMES),
        doctorExaminedAt: instant.optional(),
        amhpInterviewedAt: instant.optional(),
        assessmentEndedAt: instant.optional(),
        application: z
          .strictObject({
            amhpApplicationAt: instant.optional(),
            medicalRecommendations: z.number().int().min(0).max(3),
          })
          .optional(),
        reportedByHealth: z
          .boolean()
          .optional()
          .openapi({ description: 'The NHS holds the application and recommendations (R36)' }),
        note: note(2000),
      })
      .openapi('S136OutcomeRecorded'),
    S136_RELEASED_BY_POLICE: z
      .strictObject({
        type: z.literal('S136_RELEASED_BY_POLICE'),
        ...at,
        ...id,
        reason: text(2000),
        supervisor: namedRank,
      })
      .openapi('S136ReleasedByPolice'),
    S136_ADR_RECORDED: z
      .strictObject({
        type: z.literal('S136_ADR_RECORDED'),
        ...at,
        ...id,
        person: person.optional(),
        firstPlaceOfSafety: z.literal('notKnown').optional(),
        conveyanceMethod: z.literal('notKnown').optional(),
        policeStationReason: psReason.optional(),
        arrestedForOffence: z.enum(YES_NO_NOT_KNOWN).optional(),
      })
      .openapi('S136AdrRecorded'),
    S136_CLOSED: z.strictObject({ type: z.literal('S136_CLOSED'), ...at, ...id }).openapi('S136Closed'),
  };
}
