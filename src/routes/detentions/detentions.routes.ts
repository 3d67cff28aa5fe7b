/** Route declarations for MHA s.136/s.135 detentions and the ADR return; handlers live apart. */
import { createRoute, z } from '@hono/zod-openapi';
import { OUTCOMES, PLACE_TYPES } from '../../../machines/detention/index.js';
import { DETENTION_FLAG_RULES, DETENTION_RULE_TITLES, type DetentionRule } from '../../domain/rule-titles.js';
import { CONCLUSIONS } from '../../queries/detention-findings.js';
import { CHECK_RESULTS, REVIEW_PHASES } from '../../queries/detention-review.js';
import { ADR_RECORD_COLUMNS, ADR_TABLES, type AdrRecord, type AdrTable } from '../../reports/adr-return.js';
import {
  authenticated,
  commandEventType,
  csvContent,
  DETENTION_STATES,
  detentionState,
  detentionStatus,
  headers,
  idempotencyHeader,
  idParam,
  instantOut as instant,
  power,
  problemResponse,
  readHeaders,
  reasonRequired,
  restricted,
  security,
  severity,
  timelineEntrySchema,
  withBody,
} from '../schemas.js';

const place = z.object({ type: z.string(), site: z.string().nullable() }).nullable();

export const detentionListItemSchema = z
  .object({
    id: z.string(),
    incidentId: z.string(),
    incidentReference: z.string().nullable(),
    power,
    state: detentionState,
    status: detentionStatus,
    startedAt: instant,
    detainedAt: instant.nullable(),
    clockStart: instant.nullable(),
    clockBasis: z.string().nullable(),
    expiresAt: instant.nullable().openapi({ description: 'clockStart + 24 h + any extension (R23)' }),
    extensionHours: z.number(),
    timeLeftSeconds: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'expiresAt − now while the detention runs (0 once expired); null when no clock runs' }),
    expired: z.boolean(),
    firstPlaceOfSafety: place,
    currentPlaceOfSafety: place,
    transfers: z.number().int(),
    policeStationUsed: z.boolean(),
    conveyanceMethod: z.string().nullable(),
    outcome: z.string().nullable(),
    endedAt: instant.nullable(),
    closedAt: instant.nullable(),
    adrMissing: z.array(z.string()),
    flaggedRules: z.array(z.enum(DETENTION_FLAG_RULES)).openapi({
      description: 'The rules whose alert the detention carries (R23: it lapsed; a warning is not listed)',
    }),
    review: z
      .object({ conclusion: z.enum(CONCLUSIONS), recordedAt: instant })
      .nullable()
      .openapi({ description: "The MH lead's current finding (the latest); null when not reviewed" }),
  })
  .openapi('DetentionListItem');

const auditEntry = z
  .object({
    seq: z.number().int(),
    kind: z.enum(['detention', 'policeStationUse', 'extension', 'policeRelease', 'adrAmendment']),
    occurredAt: instant,
    recordedAt: instant,
    recordedBy: z.object({ id: z.string(), name: z.string(), role: z.string() }),
    people: z.array(
      z.object({ capacity: z.string(), name: z.string(), rank: z.string().nullable(), at: instant.nullable() }),
    ),
    detail: z.record(z.string(), z.unknown()),
  })
  .openapi('DetentionAuditEntry', {
    description:
      'R45: authorisations, police-station use, extensions and overrides; immutable (the event log is append-only)',
  });

export const detentionDetailSchema = detentionListItemSchema
  .extend({
    version: z
      .number()
      .int()
      .openapi({ description: "The incident's version: send it as If-Match with the next event" }),
    allowedEvents: z.array(commandEventType),
    limits: z
      .object({
        handoverMinutes: z.number(),
        healthcareCheckMinutes: z.number(),
        assessmentStartFlagHours: z.number(),
      })
      .openapi({ description: "The force's limits in effect when the detention began (R35, R26, R37)" }),
    officer: z.object({ name: z.string(), role: z.string(), rank: z.string().nullable() }).nullable(),
    locationType: z.string().nullable(),
    warrant: z.record(z.string(), z.unknown()).nullable(),
    consultations: z.array(z.object({ at: instant, practicable: z.boolean(), profession: z.string().nullable() })),
    person: z.object({
      ageYears: z.number().int().nullable(),
      ageBand: z.string().nullable(),
      gender: z.string().nullable(),
      ethnicity: z.string().nullable(),
    }),
    clock: z.object({
      start: instant.nullable(),
      basis: z.string().nullable(),
      baseExpiresAt: instant.nullable(),
      extensions: z.array(
        z.object({
          at: instant,
          hours: z.number(),
          authoriser: z.string(),
          ground: z.string(),
          superintendent: z.string().nullable(),
        }),
      ),
      expiresAt: instant.nullable(),
      lapsedAt: instant.nullable(),
      timeLeftSeconds: z.number().int().nullable(),
    }),
    conveyance: z.record(z.string(), z.unknown()).nullable(),
    stays: z.array(
      z.object({
        place: z.object({ type: z.string(), site: z.string().nullable(), label: z.string() }),
        arrivedAt: instant,
        policeInAttendance: z.boolean(),
        handoverRuleApplies: z.boolean(),
        nhsAcceptedAt: instant.nullable(),
        acceptedBy: z.string().nullable(),
        policeDepartedAt: instant.nullable(),
        minutesToAcceptance: z.number().nullable(),
        minutesToDeparture: z.number().nullable(),
        extendedStay: z.object({ reason: z.string(), nhsContact: z.string(), at: instant }).nullable(),
        lastHealthcareCheckAt: instant.nullable(),
      }),
    ),
    assessment: z.object({
      startedAt: instant.nullable(),
      doctorExaminedAt: instant.nullable(),
      amhpInterviewedAt: instant.nullable(),
      endedAt: instant.nullable(),
    }),
    outcomeDetail: z.record(z.string(), z.unknown()).nullable(),
    adr: z.object({ complete: z.boolean(), missing: z.array(z.string()) }),
    flags: z.array(z.object({ key: z.string(), rule: z.string(), severity, message: z.string(), raisedAt: instant })),
    audit: z.array(auditEntry),
    timeline: z.array(timelineEntrySchema),
  })
  .openapi('DetentionDetail');

const adrTableRow = z.object({
  category: z.string(),
  s136: z.number().int(),
  s135: z.number().int(),
  total: z.number().int(),
});

export const adrReturnSchema = z
  .object({
    force: z.object({ name: z.string(), code: z.string() }),
    financialYear: z.string().openapi({ example: '2025-26' }),
    period: z.object({
      from: instant,
      to: instant,
      timeZone: z.string(),
      countingDate: z.enum(['detentionDecision', 'clockStart']),
    }),
    totals: z.object({
      s136: z.number().int(),
      s135: z.number().int(),
      total: z.number().int(),
      complete: z.number().int(),
      incomplete: z.number().int(),
    }),
    tables: z
      .object(
        Object.fromEntries(ADR_TABLES.map((t) => [t, z.array(adrTableRow)])) as Record<
          AdrTable,
          z.ZodArray<typeof adrTableRow>
        >,
      )
      .openapi({ description: 'One table per ADR breakdown: a row per category, then a Total row' }),
    records: z.array(
      z
        .object(
          Object.fromEntries(ADR_RECORD_COLUMNS.map((k) => [k, z.string()])) as Record<keyof AdrRecord, z.ZodString>,
        )
        .openapi('AdrRecord', { description: 'One detention as the Home Office return records it (all text)' }),
    ),
  })
  .openapi('AdrReturn');

const ruleCode = z.enum(Object.keys(DETENTION_RULE_TITLES) as [DetentionRule, ...DetentionRule[]]);

export const findingSchema = z
  .object({
    id: z.number().int(),
    detentionId: z.string(),
    conclusion: z.enum(CONCLUSIONS),
    concernRules: z.array(z.string()),
    learningPoints: z.array(z.string()),
    note: z.string(),
    reviewedBy: z.object({ id: z.string(), name: z.string(), role: z.string() }),
    recordedAt: instant,
  })
  .openapi('DetentionFinding', {
    description: "The MH lead's finding on a detention; findings are never changed: a new one supersedes",
  });

export const findingInputSchema = z
  .object({
    conclusion: z.enum(CONCLUSIONS).openapi({ description: "'lawfulAndTimely', or 'concerns'" }),
    concernRules: z
      .array(ruleCode)
      .max(22)
      .default([])
      .openapi({ description: 'The rules the concerns are about (only with conclusion concerns)' }),
    learningPoints: z.array(z.string().trim().min(1).max(500)).max(20).default([]),
    note: z.string().max(4000).default(''),
  })
  .strict()
  .openapi('DetentionFindingInput');

const ruleCheckSchema = z.object({
  rule: ruleCode,
  title: z.string(),
  result: z.enum(CHECK_RESULTS),
  detail: z.string(),
});

export const detentionReviewSchema = z
  .object({
    detention: detentionDetailSchema,
    steps: z.array(
      z.object({
        key: z.string(),
        phase: z.enum(REVIEW_PHASES),
        label: z.string(),
        occurredAt: instant.nullable(),
        recordedAt: instant.nullable(),
        recordedBy: z.object({ name: z.string(), role: z.string() }).nullable(),
        recordedAfterMinutes: z.number().int().nullable(),
        facts: z.array(z.string()),
        checks: z.array(ruleCheckSchema),
      }),
    ),
    rules: z.array(z.object({ rule: ruleCode, title: z.string(), result: z.enum(CHECK_RESULTS) })),
    findings: z.array(findingSchema).openapi({ description: 'Newest first: the first is the current finding' }),
  })
  .openapi('DetentionReview', {
    description:
      'The legal timeline step by step, each step with who recorded it and when against when it happened, and ' +
      'the rules it was checked against: passed, flagged (the rule raised its alert) or notRecorded',
  });

export const detentionRecordSchema = detentionReviewSchema
  .extend({
    force: z.object({ name: z.string(), code: z.string() }),
    exportedAt: instant,
    exportedBy: z.object({ id: z.string(), name: z.string(), role: z.string() }),
    purpose: z.string().openapi({ description: 'The reason code given', example: 'courtOrCoroner' }),
    purposeLabel: z.string().openapi({ example: 'Court or coroner' }),
    justification: z.string().nullable().openapi({ description: 'The free text given with the reason' }),
  })
  .openapi('DetentionRecord', { description: 'The record of a detention exported for the IOPC or a coroner' });

/** X-Access-Reason: a configured reason code and optional free text; 428 without it on a disclosure. */
const accessReasonHeader = z
  .string()
  .max(600)
  .optional()
  .openapi({
    param: { required: true },
    description: 'Why the record is disclosed: a reason code, then optional free text, e.g. "courtOrCoroner; inquest"',
    example: 'courtOrCoroner; inquest into a death after a s.136 detention',
  });

const disclosureRefusals = {
  400: problemResponse('Bad id, format or reason code'),
  ...authenticated,
  403: problemResponse('Not allowed for your role'),
  404: problemResponse('Unknown detention'),
  428: problemResponse('X-Access-Reason is missing: a disclosure needs its justification'),
};

export function detentionRoutes() {
  const list = createRoute({
    method: 'get',
    path: '/api/detentions',
    operationId: 'listDetentions',
    tags: ['Detentions'],
    summary: 'MHA s.136/s.135 detentions with the time left on each clock',
    description:
      'Every page read is recorded in the access log with the detentions on it. A page that shows a detention ' +
      'closed longer than the grace period needs X-Access-Reason (428 without it): open=true lists the running ones.',
    security,
    request: {
      query: z.object({
        status: detentionStatus.optional(),
        open: z.enum(['true', 'false']).optional().openapi({ description: "'true': considering, running or lapsed" }),
        state: z
          .string()
          .max(40)
          .optional()
          .openapi({ description: `A state: ${DETENTION_STATES.join(', ')} (another value matches nothing)` }),
        power: power.optional(),
        placeOfSafety: z
          .string()
          .max(60)
          .optional()
          .openapi({
            description: `Current place of safety: a type (${PLACE_TYPES.join(', ')}) or a configured site code`,
          }),
        firstPlaceOfSafety: z.string().max(60).optional(),
        incidentId: z.string().max(64).optional(),
        from: z.iso
          .datetime({ offset: true })
          .optional()
          .openapi({ description: 'started (considered, or warrant executed) ≥ from' }),
        to: z.iso.datetime({ offset: true }).optional().openapi({ description: 'started < to' }),
        outcome: z.enum(OUTCOMES).optional(),
        flag: z
          .enum(DETENTION_FLAG_RULES)
          .optional()
          .openapi({ description: "Detentions carrying this rule's alert (R23: the detention lapsed)" }),
        reviewed: z
          .enum(['true', 'false'])
          .optional()
          .openapi({ description: "'true': the MH lead has recorded a finding; 'false': not yet" }),
        format: z
          .enum(['json', 'csv'])
          .default('json')
          .openapi({ description: "'csv': every detention matching the filters (not paged), one row each" }),
        order: z
          .enum(['newest', 'expiry'])
          .default('newest')
          .openapi({ description: "'expiry': the clock that runs out first comes first" }),
        limit: z.coerce.number().int().min(1).max(500).default(50),
        cursor: z
          .string()
          .max(200)
          .optional()
          .openapi({ description: "nextCursor of the previous page (order 'newest')" }),
      }),
      headers: readHeaders,
    },
    responses: {
      200: {
        content: {
          'application/json': {
            schema: z.object({
              items: z.array(detentionListItemSchema),
              total: z.number().int(),
              reviewed: z.object({ reviewed: z.number().int(), notReviewed: z.number().int() }).openapi({
                description: 'Of the detentions matching every filter but `reviewed`: how many have a finding',
              }),
              nextCursor: z.string().nullable(),
              now: instant,
            }),
          },
          ...csvContent,
        },
        headers: headers.download,
        description: 'A page of detentions (or, as CSV, all that match)',
      },
      400: problemResponse('Bad filter, cursor or X-Access-Reason'),
      ...authenticated,
      ...restricted,
      ...reasonRequired,
    },
  });

  const get = createRoute({
    method: 'get',
    path: '/api/detentions/{id}',
    operationId: 'getDetention',
    tags: ['Detentions'],
    summary:
      'A detention: state, clock, places of safety, handover, assessment, outcome, ADR completeness, audit and legal ' +
      'timeline',
    description:
      'Recorded in the access log. A detention closed longer than the grace period needs X-Access-Reason (428 ' +
      'without it).',
    security,
    request: { params: idParam('id', 64), headers: readHeaders },
    responses: {
      200: {
        content: { 'application/json': { schema: detentionDetailSchema } },
        headers: headers.etag('incident'),
        description: 'The detention',
      },
      400: problemResponse('Bad id or X-Access-Reason'),
      ...authenticated,
      ...restricted,
      404: problemResponse('Unknown detention'),
      ...reasonRequired,
    },
  });

  const adr = createRoute({
    method: 'get',
    path: '/api/returns/adr',
    operationId: 'getAdrReturn',
    tags: ['Returns'],
    summary:
      'Home Office ADR return for s.135/s.136 detentions in a financial year (per-detention records and aggregate ' +
      'tables)',
    description:
      'JSON by default (totals, tables, records). format=csv gives one CSV: table=records (default; one row per ' +
      'detention) or an aggregate table. Record-level answers (JSON, table=records) are recorded in the access log, ' +
      'the CSV as a disclosure to the user who downloads it.',
    security,
    request: {
      query: z.object({
        year: z
          .string()
          .regex(/^\d{4}-\d{2}$/, 'a financial year like 2025-26')
          .refine(
            (y) => (Number(y.slice(0, 4)) + 1) % 100 === Number(y.slice(5)),
            'the second year must follow the first, e.g. 2025-26',
          )
          .openapi({ example: '2025-26' }),
        format: z.enum(['json', 'csv']).default('json'),
        table: z.enum(['records', ...ADR_TABLES]).default('records'),
      }),
      headers: readHeaders,
    },
    responses: {
      200: {
        content: { 'application/json': { schema: adrReturnSchema }, ...csvContent },
        headers: headers.download,
        description: 'The return',
      },
      400: problemResponse('Bad year, format, table or X-Access-Reason'),
      ...authenticated,
      ...restricted,
    },
  });

  const review = createRoute({
    method: 'get',
    path: '/api/detentions/{id}/review',
    operationId: 'getDetentionReview',
    tags: ['Detentions'],
    summary: "A detention as the MH lead reviews it: the legal timeline with each rule's result, and the findings",
    description: 'Roles: mh_lead.',
    security,
    request: { params: idParam('id', 64) },
    responses: {
      200: { content: { 'application/json': { schema: detentionReviewSchema } }, description: 'The review' },
      400: problemResponse('Bad id'),
      ...authenticated,
      403: problemResponse('Not allowed for your role'),
      404: problemResponse('Unknown detention'),
    },
  });

  const recordFinding = createRoute({
    method: 'post',
    path: '/api/detentions/{id}/findings',
    operationId: 'recordDetentionFinding',
    tags: ['Detentions'],
    summary: "Record the MH lead's finding on a detention (append-only: a new finding supersedes, none is changed)",
    description: 'Roles: mh_lead.',
    security,
    request: {
      params: idParam('id', 64),
      headers: z.object({ 'idempotency-key': idempotencyHeader }),
      body: { required: true, content: { 'application/json': { schema: findingInputSchema } } },
    },
    responses: {
      201: {
        content: { 'application/json': { schema: findingSchema } },
        headers: z.object({
          'Idempotent-Replayed': z
            .literal('true')
            .optional()
            .openapi({ description: 'Present when this is the stored answer to an earlier request with the same key' }),
        }),
        description: 'Recorded',
      },
      400: problemResponse('Malformed finding (issues name the fields) or a bad Idempotency-Key'),
      ...authenticated,
      403: problemResponse('Not allowed for your role'),
      404: problemResponse('Unknown detention'),
      ...withBody,
      422: problemResponse('The Idempotency-Key was reused for a different request'),
      503: problemResponse('The database could not commit: nothing was saved and the same request may be retried'),
    },
  });

  const exportRecord = createRoute({
    method: 'get',
    path: '/api/detentions/{id}/export',
    operationId: 'exportDetentionRecord',
    tags: ['Detentions'],
    summary: 'The record of a detention for the IOPC or a coroner (JSON, or a printable page); logged as a disclosure',
    description:
      'Roles: mh_lead. Needs X-Access-Reason (a configured reason code, then optional free text); the export is ' +
      'written to the access log as a disclosure to the signed-in user, with that justification.',
    security,
    request: {
      params: idParam('id', 64),
      query: z.object({ format: z.enum(['json', 'html']).default('json') }),
      headers: z.object({ 'x-access-reason': accessReasonHeader }),
    },
    responses: {
      200: {
        content: {
          'application/json': { schema: detentionRecordSchema },
          'text/html': { schema: z.string().openapi({ description: 'A printable page (A4)' }) },
        },
        headers: headers.download.extend(headers.noStore.shape),
        description: 'The record',
      },
      ...disclosureRefusals,
    },
  });

  return { list, get, adr, review, recordFinding, exportRecord };
}

export type DetentionRoutes = ReturnType<typeof detentionRoutes>;
