/** Route declarations for incidents (request/response shapes per status); handlers live apart. */
import { createRoute, z } from '@hono/zod-openapi';
import { CHANNELS, RCRP_DECISIONS } from '../../../machines/incident/index.js';
import type { IncidentInputs } from '../../domain/incident-inputs.js';
import { incidentViewSchema } from '../../domain/incident-view.js';
import {
  authenticated,
  headers,
  idempotencyHeader,
  idParam,
  ifMatchHeader,
  INCIDENT_STATES,
  incidentState,
  instantOut,
  problemResponse,
  readHeaders,
  reasonRequired,
  restricted,
  security,
  timelineEntrySchema,
  withBody,
} from '../schemas.js';

export const incidentDetailSchema = incidentViewSchema
  .extend({ timeline: z.array(timelineEntrySchema) })
  .openapi('IncidentDetail');

export const incidentListItemSchema = z
  .object({
    id: z.string(),
    reference: z.string().nullable(),
    version: z.number().int().openapi({ description: 'The version people see (send it as If-Match)' }),
    seq: z.number().int().openapi({ description: "The seq of the incident's last event" }),
    state: incidentState,
    status: z.enum(['open', 'closed']),
    channel: z.enum(CHANNELS),
    category: z.string(),
    grade: z.string().nullable(),
    rcrpDecision: z.enum(RCRP_DECISIONS).nullable(),
    district: z.string().nullable(),
    receivedAt: instantOut,
    closedAt: instantOut.nullable(),
    mhFlagAtCall: z.boolean(),
    mhFlagAtClose: z.boolean().nullable(),
    repeatContact: z.boolean(),
    updatedAt: instantOut,
  })
  .openapi('IncidentListItem');

const idParams = idParam('id', 64);
const notSaved = problemResponse(
  'The database could not commit: nothing was saved and the same request may be retried',
);

export function incidentRoutes(inputs: IncidentInputs) {
  const create = createRoute({
    method: 'post',
    path: '/api/incidents',
    operationId: 'createIncident',
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
        headers: headers.createdByCommand('incident'),
        description: 'Created',
      },
      400: problemResponse('Malformed input (issues name the fields) or a bad Idempotency-Key'),
      ...authenticated,
      ...restricted,
      409: problemResponse('The reference is already used by another incident'),
      ...withBody,
      422: problemResponse(
        'A rule refused it (rule names it), or the Idempotency-Key was reused for a different request',
      ),
      503: notSaved,
    },
  });

  const list = createRoute({
    method: 'get',
    path: '/api/incidents',
    operationId: 'listIncidents',
    tags: ['Incidents'],
    summary: 'List incidents (newest first), filtered and paginated',
    description:
      'Every page read is recorded in the access log with the incidents on it. A page that shows an incident closed ' +
      'longer than the grace period needs X-Access-Reason (428 without it): ask for status=open for the live queue.',
    security,
    request: {
      query: z.object({
        state: z
          .string()
          .max(40)
          .optional()
          .openapi({ description: `A state: ${INCIDENT_STATES.join(', ')} (another value matches nothing)` }),
        status: z.enum(['open', 'closed']).optional(),
        grade: z.string().max(40).optional(),
        category: z.string().max(40).optional(),
        from: z.iso.datetime({ offset: true }).optional().openapi({ description: 'receivedAt ≥ from' }),
        to: z.iso.datetime({ offset: true }).optional().openapi({ description: 'receivedAt < to' }),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        cursor: z.string().max(200).optional(),
      }),
      headers: readHeaders,
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
      400: problemResponse('Bad filter, cursor or X-Access-Reason'),
      ...authenticated,
      ...restricted,
      ...reasonRequired,
    },
  });

  const get = createRoute({
    method: 'get',
    path: '/api/incidents/{id}',
    operationId: 'getIncident',
    tags: ['Incidents'],
    summary: 'An incident: state, allowed events and full timeline',
    description:
      'Recorded in the access log. An incident closed longer than the grace period needs X-Access-Reason (428 ' +
      'without it).',
    security,
    request: { params: idParams, headers: readHeaders },
    responses: {
      200: {
        content: { 'application/json': { schema: incidentDetailSchema } },
        headers: headers.etag('incident'),
        description: 'The incident',
      },
      400: problemResponse('Bad id or X-Access-Reason'),
      ...authenticated,
      ...restricted,
      404: problemResponse('Unknown incident'),
      ...reasonRequired,
    },
  });

  const postEvent = createRoute({
    method: 'post',
    path: '/api/incidents/{id}/events',
    operationId: 'recordIncidentEvent',
    tags: ['Incidents'],
    summary: 'Record a step (THRIVE, grade, RCRP decision, dispatch, referral, closure …)',
    description:
      'Send If-Match with the version you last read. 409 when another person (or a partner) changed the incident ' +
      "since, listing what they recorded (changes); the system's own events (a deadline reached, an email sent) " +
      'never make a version stale. 422 names the rule that refused it and lists the events allowed now.',
    security,
    request: {
      params: idParams,
      headers: z.object({ 'if-match': ifMatchHeader('incident', '"3"'), 'idempotency-key': idempotencyHeader }),
      body: { required: true, content: { 'application/json': { schema: inputs.incidentEvent } } },
    },
    responses: {
      200: {
        content: { 'application/json': { schema: incidentViewSchema } },
        headers: headers.command('incident'),
        description: 'The new state',
      },
      400: problemResponse('Malformed input, unknown event type, bad id, If-Match or Idempotency-Key'),
      ...authenticated,
      ...restricted,
      404: problemResponse('Unknown incident'),
      409: problemResponse('Stale version (the incident changed since you read it), or an id already used elsewhere'),
      ...withBody,
      422: problemResponse('A rule refused the event (rule names it; allowedEvents lists what is possible now)'),
      428: problemResponse('If-Match missing'),
      503: notSaved,
    },
  });

  return { create, list, get, postEvent };
}

export type IncidentRoutes = ReturnType<typeof incidentRoutes>;
