/**
 * What every route declaration shares: the Problem body, the responses any operation can give
 * (401 without a token, 413/415 for a body, 500), the concurrency and idempotency headers with
 * their formats, and the response headers (ETag, Location, Idempotent-Replayed, Content-Disposition).
 * The contract test (test/support/contract.ts) holds every response the tests receive to these.
 */
import { z } from '@hono/zod-openapi';
import { actorRole, commandEventType, eventType, incidentState, instantOut } from '../domain/vocabulary.js';

export * from '../domain/vocabulary.js';

export const problemSchema = z
  .object({
    type: z.string().openapi({ example: 'about:blank#RCRP_THRESHOLD_MET' }),
    status: z.number().int(),
    code: z.string().openapi({ example: 'RCRP_THRESHOLD_MET' }),
    title: z.string(),
    detail: z.string(),
    rule: z
      .string()
      .nullable()
      .optional()
      .openapi({ example: 'R9', description: 'The rule (R1–R45) that refused the command' }),
    allowedEvents: z.array(commandEventType).optional(),
    state: incidentState.optional(),
    currentVersion: z.number().int().optional(),
    changes: z
      .array(
        z.object({
          seq: z.number().int(),
          type: eventType,
          occurredAt: instantOut,
          recordedAt: instantOut,
          actor: z.object({ id: z.string(), name: z.string(), role: actorRole }),
        }),
      )
      .optional()
      .openapi({
        description:
          'On 409: what people and partners recorded since the version you sent (oldest first), so a form can ' +
          "show what changed; the system's own events (deadlines, emails sent) never make a version stale",
      }),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem', { description: 'RFC 9457 problem details; `code` is stable, `detail` says what to do' });

/** One stored event as a timeline shows it (incidents and detentions). */
export const timelineEntrySchema = z
  .object({
    seq: z.number().int(),
    type: eventType,
    occurredAt: instantOut,
    recordedAt: instantOut,
    actor: z.object({ id: z.string(), name: z.string(), role: actorRole }),
    data: z.record(z.string(), z.unknown()).openapi({ description: "The event's own fields (as recorded)" }),
  })
  .openapi('TimelineEntry');

export const problemResponse = (description: string) => ({
  content: { 'application/problem+json': { schema: problemSchema } },
  description,
});

export const security = [{ bearerAuth: [] }];

/** Responses the app's middleware gives before a handler runs, and the last-resort 500. */
const internalError = { 500: problemResponse('Something failed on our side; nothing was saved (quote X-Request-Id)') };
export const authenticated = {
  401: {
    ...problemResponse('No valid bearer token'),
    headers: z.object({ 'WWW-Authenticate': z.string().openapi({ example: 'Bearer realm="mh-triage"' }) }),
  },
  ...internalError,
};
/** Refused for the role: the roles that may are the operation's `x-roles` (docs/access.md). */
export const restricted = {
  403: problemResponse('Not allowed for your role (ROLE_NOT_ALLOWED; x-roles lists the roles that may)'),
};
/** Reading a record closed longer than access.closedRecordGraceHours needs a reason. */
export const reasonRequired = {
  428: problemResponse('The record was closed more than the grace period ago: say why in X-Access-Reason'),
};
/** X-Access-Reason: the justification of a read (DPA 2018 s.62(2)(a)), recorded in the access log. */
export const accessReasonHeader = z
  .string()
  .max(300)
  .optional()
  .openapi({
    description:
      'Why you read this: a reason code from the configuration (access.reasons: followUp, detentionReview, ' +
      'complaintOrIopc, courtOrCoroner, safeguarding, dataQuality by default), then optionally `;` and up to 200 ' +
      'characters of text without names. Required (428 without it) to read a record closed longer than ' +
      'access.closedRecordGraceHours (24 h by default); when given otherwise it is recorded as the purpose.',
    example: 'complaintOrIopc; IOPC request 2026/0412',
  });
/** The request headers of a read that may need a reason. */
export const readHeaders = z.object({ 'x-access-reason': accessReasonHeader });

export const withBody = {
  413: problemResponse('Body too large'),
  415: problemResponse('The body is not sent as application/json'),
};
export const bodyTooLarge = { 413: withBody[413] };
export const publicResponses = internalError;

/** A path id: over-long or empty ids are a 400 naming the parameter. */
export function idParam<N extends string>(name: N, max: number) {
  const id = z
    .string()
    .min(1)
    .max(max)
    .openapi({ param: { name, in: 'path' } });
  return z.object({ [name]: id } as Record<N, typeof id>);
}

export const idempotencyHeader = z
  .string()
  .optional()
  .openapi({
    description:
      'Retrying a POST with the same key returns the first answer (Idempotent-Replayed: true) and writes nothing. ' +
      '1–200 visible ASCII characters; a UUID is ideal',
    example: '7d6f0c1e-3c1b-4b8e-9d0a-2f4c7c1d2e11',
    minLength: 1,
    maxLength: 200,
    pattern: '^[\\x21-\\x7E]{1,200}$',
  });

/** Required (428 without it); checked by the handler so that its absence gets its own answer. */
export const ifMatchHeader = (what: string, example: string) =>
  z
    .string()
    .optional()
    .openapi({
      param: { required: true },
      description: `The ${what} version you last read (its ETag), e.g. ${example}; 428 without it, 409 when stale`,
      example,
      pattern: '^\\s*(W/)?"?\\d{1,9}"?\\s*$',
    });

const etag = (what: string) =>
  z.string().openapi({ description: `The ${what} version, quoted: send it as If-Match`, example: '"3"' });

/** Response headers, declared per response. */
export const headers = {
  etag: (what: string) => z.object({ ETag: etag(what) }),
  created: (what: string) =>
    z.object({
      ETag: etag(what),
      Location: z.string().openapi({ description: `Where the new ${what} is read`, example: '/api/incidents/…' }),
    }),
  command: (what: string) =>
    z.object({
      ETag: etag(what),
      'Idempotent-Replayed': z
        .literal('true')
        .optional()
        .openapi({ description: 'Present when this is the stored answer to an earlier request with the same key' }),
    }),
  createdByCommand: (what: string) =>
    z.object({
      ETag: etag(what),
      Location: z.string().openapi({ description: `Where the new ${what} is read`, example: '/api/incidents/…' }),
      'Idempotent-Replayed': z
        .literal('true')
        .optional()
        .openapi({ description: 'Present when this is the stored answer to an earlier request with the same key' }),
    }),
  download: z.object({
    'Content-Disposition': z
      .string()
      .optional()
      .openapi({ description: 'attachment; filename="…" (CSV and ZIP downloads)' }),
  }),
  /** Personal-data reports: never kept by a browser or proxy cache. */
  noStore: z.object({ 'Cache-Control': z.literal('no-store') }),
};

/** A CSV download as a response content entry. */
export const csvContent = {
  'text/csv': { schema: z.string().openapi({ description: 'UTF-8 CSV with a header row' }) },
};
