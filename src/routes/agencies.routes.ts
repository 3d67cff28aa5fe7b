/** Route declarations for the partner agency directory (handlers in agencies.handlers.ts). */
import { createRoute, z } from '@hono/zod-openapi';
import { AGENCY_TYPES } from '../config/schema.js';
import { agencyInputSchema, agencySchema } from '../directory/directory.js';
import type { ForceConfig } from '../config/schema.js';
import { problemResponse, security } from './shared.js';

const codeParam = z.object({
  code: z
    .string()
    .min(1)
    .max(40)
    .openapi({ param: { name: 'code', in: 'path' } }),
});
const etagHeader = { ETag: { schema: { type: 'string' as const }, description: 'The agency version, for If-Match' } };
const ifMatchHeader = z.object({
  'if-match': z
    .string()
    .optional()
    .openapi({ description: 'Required: the version you last read, e.g. "2"', example: '"2"' }),
});

export const importReportSchema = z
  .object({
    created: z.array(
      z.object({
        code: z.string(),
        label: z.string(),
        type: z.string(),
        typeSource: z.enum(['taxonomy', 'guessed']),
        active: z.boolean(),
      }),
    ),
    updated: z.array(z.object({ code: z.string(), label: z.string(), changes: z.array(z.string()) })),
    unchanged: z.number().int(),
    deactivated: z.array(z.string()),
    skipped: z.array(z.object({ serviceId: z.string().nullable(), name: z.string().nullable(), reason: z.string() })),
    warnings: z.array(z.object({ serviceId: z.string(), message: z.string() })),
  })
  .openapi('DirectoryImportReport');

export function agencyRoutes(config: ForceConfig) {
  const input = agencyInputSchema(config);
  const listItem = agencySchema.extend({
    openAt: z.boolean().nullable().openapi({
      description: 'Open at the time asked (openAt, default now) by its listed hours; null when no hours are listed',
    }),
  });

  const list = createRoute({
    method: 'get',
    path: '/api/agencies',
    tags: ['Directory'],
    summary: 'Partner agencies and services (filter by type, district, active, open at a time)',
    security,
    request: {
      query: z.object({
        type: z.enum(AGENCY_TYPES).optional(),
        district: z
          .string()
          .max(80)
          .optional()
          .openapi({ description: 'Agencies covering this district (or the whole force area)' }),
        active: z.enum(['true', 'false']).optional(),
        openAt: z.iso
          .datetime({ offset: true })
          .optional()
          .openapi({ description: 'Instant for the openAt field and the open filter (default now)' }),
        open: z
          .enum(['true'])
          .optional()
          .openapi({ description: 'Only agencies open at openAt (or with no hours listed)' }),
      }),
    },
    responses: {
      200: {
        content: { 'application/json': { schema: z.object({ items: z.array(listItem) }) } },
        description: 'The directory',
      },
      400: problemResponse('Bad filter'),
      401: problemResponse('No valid bearer token'),
    },
  });

  const get = createRoute({
    method: 'get',
    path: '/api/agencies/{code}',
    tags: ['Directory'],
    summary: 'One agency',
    security,
    request: { params: codeParam },
    responses: {
      200: {
        content: { 'application/json': { schema: agencySchema } },
        headers: etagHeader,
        description: 'The agency',
      },
      401: problemResponse('No valid bearer token'),
      404: problemResponse('Unknown agency'),
    },
  });

  const create = createRoute({
    method: 'post',
    path: '/api/agencies',
    tags: ['Directory'],
    summary: 'Add an agency (admin)',
    security,
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: input.extend({
              code: z
                .string()
                .regex(
                  /^[A-Za-z][A-Za-z0-9_-]{0,39}$/,
                  'a short code: letters, digits, _ or -, starting with a letter',
                ),
            }),
          },
        },
      },
    },
    responses: {
      201: { content: { 'application/json': { schema: agencySchema } }, headers: etagHeader, description: 'Created' },
      400: problemResponse('Malformed input (issues name the fields)'),
      401: problemResponse('No valid bearer token'),
      403: problemResponse('Not an admin'),
      409: problemResponse('The code is already used'),
    },
  });

  const replace = createRoute({
    method: 'put',
    path: '/api/agencies/{code}',
    tags: ['Directory'],
    summary: 'Replace an agency’s details (admin; If-Match required)',
    description: 'Past referrals keep the routing facts they were made with; the change applies to new referrals.',
    security,
    request: {
      params: codeParam,
      headers: ifMatchHeader,
      body: { required: true, content: { 'application/json': { schema: input } } },
    },
    responses: {
      200: { content: { 'application/json': { schema: agencySchema } }, headers: etagHeader, description: 'Updated' },
      400: problemResponse('Malformed input'),
      401: problemResponse('No valid bearer token'),
      403: problemResponse('Not an admin'),
      404: problemResponse('Unknown agency'),
      409: problemResponse('Stale If-Match'),
      428: problemResponse('If-Match missing'),
    },
  });

  const deactivate = createRoute({
    method: 'delete',
    path: '/api/agencies/{code}',
    tags: ['Directory'],
    summary: 'Deactivate an agency (admin; If-Match required). Agencies are never deleted: past referrals name them',
    security,
    request: { params: codeParam, headers: ifMatchHeader },
    responses: {
      200: {
        content: { 'application/json': { schema: agencySchema } },
        headers: etagHeader,
        description: 'Deactivated',
      },
      400: problemResponse('Bad If-Match'),
      401: problemResponse('No valid bearer token'),
      403: problemResponse('Not an admin'),
      404: problemResponse('Unknown agency'),
      409: problemResponse('Stale If-Match'),
      428: problemResponse('If-Match missing'),
    },
  });

  const history = createRoute({
    method: 'get',
    path: '/api/agencies/{code}/history',
    tags: ['Directory'],
    summary: 'Every change to an agency: who, when, what it became (admin, mh_lead)',
    security,
    request: { params: codeParam },
    responses: {
      200: {
        content: {
          'application/json': {
            schema: z.object({
              items: z.array(
                z.object({
                  version: z.number().int(),
                  change: z.string(),
                  actorId: z.string(),
                  actorName: z.string(),
                  at: z.string(),
                  data: z.record(z.string(), z.unknown()),
                }),
              ),
            }),
          },
        },
        description: 'History, oldest first',
      },
      401: problemResponse('No valid bearer token'),
      403: problemResponse('Not allowed for your role'),
      404: problemResponse('Unknown agency'),
    },
  });

  const importOruk = createRoute({
    method: 'post',
    path: '/api/agencies/import',
    tags: ['Directory'],
    summary: 'Import services from an Open Referral UK JSON document (admin)',
    description:
      'Body: an ORUK organization with services, an array of organizations, {"organizations": [...]}, an ORUK API ' +
      'page {"content": [services]} or an array of services. New services arrive inactive for review unless ' +
      'activateNew=true; re-imports update contact details by ORUK service id. Up to 5 MiB; larger files: npm ' +
      'run directory:import.',
    security,
    request: {
      query: z.object({ activateNew: z.enum(['true', 'false']).optional() }),
      body: {
        required: true,
        content: { 'application/json': { schema: z.unknown().openapi({ type: 'object', description: 'ORUK JSON' }) } },
      },
    },
    responses: {
      200: {
        content: { 'application/json': { schema: importReportSchema } },
        description: 'What was created, updated, skipped',
      },
      400: problemResponse('Not an ORUK document'),
      401: problemResponse('No valid bearer token'),
      403: problemResponse('Not an admin'),
      413: problemResponse('Body too large'),
    },
  });

  return { list, get, create, replace, deactivate, history, importOruk };
}
