/** Route declarations for incidents (request/response shapes per status); handlers live apart. */
import { createRoute, z } from '@hono/zod-openapi';
import type { IncidentInputs } from '../domain/incident-inputs.js';
import { incidentViewSchema } from '../domain/incident-view.js';
import { idempotencyHeader, problemResponse, security } from './shared.js';

export const timelineEntrySchema = z
  .object({
    seq: z.number().int(),
    type: z.string(),
    occurredAt: z.string(),
    recordedAt: z.string(),
    actor: z.object({ id: z.string(), name: z.string(), role: z.string() }),
    data: z.record(z.string(), z.unknown()),
  })
  .openapi('TimelineEntry');

export const incidentDetailSchema = incidentViewSchema
  .extend({ timeline: z.array(timelineEntrySchema) })
  .openapi('IncidentDetail');

export const incidentListItemSchema = z
  .object({
    id: z.string(),
    reference: z.string().nullable(),
    version: z.number().int(),
    state: z.string(),
    status: z.string(),
    channel: z.string(),
    category: z.string(),
    grade: z.string().nullable(),
    rcrpDecision: z.string().nullable(),
    district: z.string().nullable(),
    receivedAt: z.string(),
    closedAt: z.string().nullable(),
    mhFlagAtCall: z.boolean(),
    mhFlagAtClose: z.boolean().nullable(),
    repeatContact: z.boolean(),
    updatedAt: z.string(),
  })
  .openapi('IncidentListItem');

const idParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' } }),
});
const etagHeader = { ETag: { schema: { type: 'string' as const }, description: 'The incident version, for If-Match' } };

export function incidentRoutes(inputs: IncidentInputs) {
  const create = createRoute({
    method: 'post',
    path: '/api/incidents',
    tags: ['Incidents'],
    summary: 'Open an incident for a call',
    security,
    request: {
      headers: z.object({ 'idempotency-key': idempotencyHeader }),
      body: { required: true, content: { 'application/json': { schema: inputs.createIncident } } },
    },
    responses: {
      201: {
        content: { 'application/json': { schema: incidentViewSchema } },
        headers: etagHeader,
        description: 'Created',
      },
      400: problemResponse('Malformed input (issues name the fields)'),
      401: problemResponse('No valid bearer token'),
      409: problemResponse('The reference is already used by another incident'),
      413: problemResponse('Body too large'),
      422: problemResponse(
        'A rule refused it (rule names it), or the Idempotency-Key was reused for a different request',
      ),
    },
  });

  const list = createRoute({
    method: 'get',
    path: '/api/incidents',
    tags: ['Incidents'],
    summary: 'List incidents (newest first), filtered and paginated',
    security,
    request: {
      query: z.object({
        state: z.string().max(40).optional(),
        status: z.enum(['open', 'closed']).optional(),
        grade: z.string().max(40).optional(),
        category: z.string().max(40).optional(),
        from: z.iso.datetime({ offset: true }).optional().openapi({ description: 'receivedAt ≥ from' }),
        to: z.iso.datetime({ offset: true }).optional().openapi({ description: 'receivedAt < to' }),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        cursor: z.string().max(200).optional(),
      }),
    },
    responses: {
      200: {
        content: {
          'application/json': {
            schema: z.object({
              items: z.array(incidentListItemSchema),
              total: z.number().int(),
              nextCursor: z.string().nullable(),
            }),
          },
        },
        description: 'A page of incidents',
      },
      400: problemResponse('Bad filter'),
      401: problemResponse('No valid bearer token'),
    },
  });

  const get = createRoute({
    method: 'get',
    path: '/api/incidents/{id}',
    tags: ['Incidents'],
    summary: 'An incident: state, allowed events and full timeline',
    security,
    request: { params: idParam },
    responses: {
      200: {
        content: { 'application/json': { schema: incidentDetailSchema } },
        headers: etagHeader,
        description: 'The incident',
      },
      401: problemResponse('No valid bearer token'),
      404: problemResponse('Unknown incident'),
    },
  });

  const postEvent = createRoute({
    method: 'post',
    path: '/api/incidents/{id}/events',
    tags: ['Incidents'],
    summary: 'Record a step (THRIVE, grade, RCRP decision, dispatch, referral, closure …)',
    description:
      'Send If-Match with the version you last read. 409 when someone else changed the incident; 422 names the rule ' +
      'that refused it and lists the events allowed now.',
    security,
    request: {
      params: idParam,
      headers: z.object({
        'if-match': z
          .string()
          .optional()
          .openapi({ description: 'Required: the version you last read, e.g. "3"', example: '"3"' }),
        'idempotency-key': idempotencyHeader,
      }),
      body: { required: true, content: { 'application/json': { schema: inputs.incidentEvent } } },
    },
    responses: {
      200: {
        content: { 'application/json': { schema: incidentViewSchema } },
        headers: etagHeader,
        description: 'The new state',
      },
      400: problemResponse('Malformed input or unknown event type'),
      401: problemResponse('No valid bearer token'),
      404: problemResponse('Unknown incident'),
      409: problemResponse('Stale version: the incident changed since you read it'),
      413: problemResponse('Body too large'),
      422: problemResponse('A rule refused the event (rule names it; allowedEvents lists what is possible now)'),
      428: problemResponse('If-Match missing'),
    },
  });

  return { create, list, get, postEvent };
}
