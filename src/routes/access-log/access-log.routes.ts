/** Route declaration for GET /api/audit/access: the access log (DPA 2018 s.62), for the auditor, as JSON or CSV. */
import { createRoute, z } from '@hono/zod-openapi';
import { authenticated, csvContent, instantOut, problemResponse, restricted, security } from '../schemas.js';

export const accessLogEntrySchema = z
  .object({
    id: z.number().int(),
    at: instantOut,
    userId: z.string().openapi({ description: "The user's id ('anonymous': a failed sign-in naming no known user)" }),
    userName: z.string().nullable().openapi({ description: "The user's name now (from users; not stored in the log)" }),
    role: z.string(),
    kind: z.enum(['consultation', 'disclosure', 'alteration', 'signIn', 'signOut', 'administration']),
    action: z.string().openapi({ example: 'incident.get' }),
    operation: z.string().nullable().openapi({ description: 'The operation of the access policy that decided' }),
    records: z.array(
      z.object({ type: z.enum(['incident', 'detention', 'alert', 'referral', 'user']), id: z.string() }),
    ),
    purpose: z
      .string()
      .nullable()
      .openapi({ description: 'liveHandling, a reason code from access.reasons, or the operation’s own purpose' }),
    justification: z.string().nullable().openapi({ description: 'The free text given with the reason code' }),
    recipient: z.string().nullable().openapi({ description: 'A disclosure’s recipient: user:<id> or agency:<code>' }),
    outcome: z.enum(['shown', 'refused', 'succeeded']),
    refusal: z.string().nullable().openapi({ description: 'Why it was refused (a problem code)' }),
    params: z.record(z.string(), z.unknown()).openapi({ description: 'Filters, periods, formats (codes only)' }),
    requestId: z.string().nullable(),
  })
  .openapi('AccessLogEntry');

export const read = createRoute({
  method: 'get',
  path: '/api/audit/access',
  operationId: 'getAccessLog',
  tags: ['Audit'],
  summary: 'The access log: who consulted or disclosed which records, when, why, and what was refused (JSON or CSV)',
  description:
    'Oldest first, a page at a time (nextCursor). Filter by user id, by record id (an incident, detention, alert or ' +
    'user id; a referral is incidentId/referralId) and by period [from, to). Accept: text/csv (or format=csv) ' +
    'downloads the page as CSV, with the next cursor in X-Next-Cursor. Reading the log is itself logged.',
  security,
  request: {
    query: z.object({
      user: z.string().max(100).optional().openapi({ description: 'A user id' }),
      record: z.string().max(200).optional().openapi({ description: 'A record id' }),
      from: z.iso.datetime({ offset: true }).optional(),
      to: z.iso.datetime({ offset: true }).optional(),
      cursor: z.string().max(100).optional(),
      limit: z.coerce.number().int().min(1).max(10_000).default(500),
      format: z.enum(['json', 'csv']).optional(),
    }),
  },
  responses: {
    200: {
      content: {
        'application/json': {
          schema: z.object({ items: z.array(accessLogEntrySchema), nextCursor: z.string().nullable() }),
        },
        ...csvContent,
      },
      headers: z.object({
        'Content-Disposition': z.string().optional().openapi({ description: 'attachment; filename="…" (CSV)' }),
        'X-Next-Cursor': z.string().optional().openapi({ description: 'CSV: the cursor of the next page, if any' }),
      }),
      description: 'The rows',
    },
    400: problemResponse('Bad filter or cursor'),
    ...authenticated,
    ...restricted,
  },
});

export type ReadRoute = typeof read;
