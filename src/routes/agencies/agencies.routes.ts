/** Route declarations for the partner agency directory (handlers in agencies.handlers.ts). */
import { createRoute, z } from '@hono/zod-openapi';
import { AGENCY_TYPES, type ForceConfig } from '../../config/schema.js';
import { AGENCY_CODE, agencyInputSchema, agencySchema, DIRECTORY_CHANGES } from '../../directory/directory.js';
import {
  authenticated,
  bodyTooLarge,
  headers,
  idParam,
  ifMatchHeader,
  instantOut,
  problemResponse,
  restricted,
  security,
  withBody,
} from '../schemas.js';

const codeParam = idParam('code', 40);
const ifMatch = z.object({ 'if-match': ifMatchHeader('agency', '"2"') });

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
    operationId: 'listAgencies',
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
      ...authenticated,
      ...restricted,
    },
  });

  const get = createRoute({
    method: 'get',
    path: '/api/agencies/{code}',
    operationId: 'getAgency',
    tags: ['Directory'],
    summary: 'One agency',
    security,
    request: { params: codeParam },
    responses: {
      200: {
        content: { 'application/json': { schema: agencySchema } },
        headers: headers.etag('agency'),
        description: 'The agency',
      },
      400: problemResponse('Bad code'),
      ...authenticated,
      ...restricted,
      404: problemResponse('Unknown agency'),
    },
  });

  const create = createRoute({
    method: 'post',
    path: '/api/agencies',
    operationId: 'createAgency',
    tags: ['Directory'],
    summary: 'Add an agency (admin)',
    security,
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            // One object (not AgencyInput plus code): two strict objects combined could never both be met.
            schema: z
              .strictObject({
                ...input.shape,
                code: z.string().regex(AGENCY_CODE, 'a short code: letters, digits, _ or -, starting with a letter'),
              })
              .openapi('AgencyCreate'),
          },
        },
      },
    },
    responses: {
      201: {
        content: { 'application/json': { schema: agencySchema } },
        headers: headers.created('agency'),
        description: 'Created',
      },
      400: problemResponse('Malformed input (issues name the fields)'),
      ...authenticated,
      ...restricted,
      409: problemResponse('The code is already used'),
      ...withBody,
    },
  });

  const replace = createRoute({
    method: 'put',
    path: '/api/agencies/{code}',
    operationId: 'replaceAgency',
    tags: ['Directory'],
    summary: 'Replace an agency’s details (admin; If-Match required)',
    description: 'Past referrals keep the routing facts they were made with; the change applies to new referrals.',
    security,
    request: {
      params: codeParam,
      headers: ifMatch,
      body: { required: true, content: { 'application/json': { schema: input } } },
    },
    responses: {
      200: {
        content: { 'application/json': { schema: agencySchema } },
        headers: headers.etag('agency'),
        description: 'Updated',
      },
      400: problemResponse('Malformed input, bad code or If-Match'),
      ...authenticated,
      ...restricted,
      404: problemResponse('Unknown agency'),
      409: problemResponse('Stale If-Match'),
      ...withBody,
      428: problemResponse('If-Match missing'),
    },
  });

  const deactivate = createRoute({
    method: 'delete',
    path: '/api/agencies/{code}',
    operationId: 'deactivateAgency',
    tags: ['Directory'],
    summary: 'Deactivate an agency (admin; If-Match required). Agencies are never deleted: past referrals name them',
    security,
    request: { params: codeParam, headers: ifMatch },
    responses: {
      200: {
        content: { 'application/json': { schema: agencySchema } },
        headers: headers.etag('agency'),
        description: 'Deactivated',
      },
      400: problemResponse('Bad code or If-Match'),
      ...authenticated,
      ...restricted,
      404: problemResponse('Unknown agency'),
      409: problemResponse('Stale If-Match'),
      ...bodyTooLarge,
      428: problemResponse('If-Match missing'),
    },
  });

  const history = createRoute({
    method: 'get',
    path: '/api/agencies/{code}/history',
    operationId: 'getAgencyHistory',
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
                  change: z.enum(DIRECTORY_CHANGES),
                  actorId: z.string(),
                  actorName: z.string(),
                  at: instantOut,
                  data: input,
                }),
              ),
            }),
          },
        },
        description: 'History, oldest first',
      },
      400: problemResponse('Bad code'),
      ...authenticated,
      ...restricted,
      404: problemResponse('Unknown agency'),
    },
  });

  const importOruk = createRoute({
    method: 'post',
    path: '/api/agencies/import',
    operationId: 'importAgencies',
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
      400: problemResponse('Not an ORUK document, or a bad query'),
      ...authenticated,
      ...restricted,
      ...withBody,
    },
  });

  return { list, get, create, replace, deactivate, history, importOruk };
}

export type AgencyRoutes = ReturnType<typeof agencyRoutes>;
