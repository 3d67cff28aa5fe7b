/**
 * Route declaration for GET /api/stream: the live change feed as Server-Sent Events. Declared in the
 * OpenAPI document like every route; served by a plain handler, since a stream is not a typed body.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { authenticated, problemResponse, security } from '../schemas.js';

export const stream = createRoute({
  method: 'get',
  path: '/api/stream',
  operationId: 'streamChanges',
  tags: ['Live'],
  summary: 'Live change feed (Server-Sent Events): a notice after every committed change',
  description:
    'One `incident` notice per committed event (by a person, a partner or the system: a deadline, an email ' +
    'sent), one `alert` notice per acknowledgement or escalation; ids and codes only. Each has an `id:`; ' +
    'reconnect with `Last-Event-ID` to be sent what was missed, or one `reload` notice when that cannot be ' +
    'told. A `: keep-alive` comment keeps idle connections open. With a console session cookie or a bearer ' +
    'token; roles that may not read incidents are refused. Format: docs/api.md (live change feed).',
  security,
  request: {
    headers: z.object({
      'last-event-id': z
        .string()
        .max(100)
        .optional()
        .openapi({ description: 'The id of the last notice received, to resume after a reconnect' }),
    }),
  },
  responses: {
    200: {
      content: {
        'text/event-stream': {
          schema: z.string().openapi({
            description: 'event: incident | alert | reload; id: <feed>-<n>; data: one JSON notice per line',
          }),
        },
      },
      description: 'The stream (stays open)',
    },
    ...authenticated,
    403: problemResponse('Your role may not read incidents'),
  },
});
