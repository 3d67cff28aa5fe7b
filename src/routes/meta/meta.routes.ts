/** Route declarations for health and the public part of the force configuration (codes clients need for forms). */
import { createRoute, z } from '@hono/zod-openapi';
import { forceConfigSchema } from '../../config/schema.js';
import { authenticated, problemResponse, publicResponses, security } from '../schemas.js';

const { alerts: _internalAddresses, ...publicShape } = forceConfigSchema.shape;
/** The configuration in effect, without the internal alert addresses. */
export const publicConfigSchema = z.object(publicShape).openapi('ForceConfig');

export const health = createRoute({
  method: 'get',
  path: '/healthz',
  operationId: 'getHealth',
  tags: ['System'],
  summary: 'Liveness and database check',
  security: [],
  responses: {
    200: {
      content: { 'application/json': { schema: z.object({ status: z.literal('ok'), database: z.literal('ok') }) } },
      description: 'Healthy',
    },
    ...publicResponses,
    503: problemResponse('Database unavailable'),
  },
});

export const config = createRoute({
  method: 'get',
  path: '/api/config',
  operationId: 'getConfig',
  tags: ['System'],
  summary: 'Force configuration in effect (grades, categories, agencies, codes)',
  security,
  responses: {
    200: {
      content: { 'application/json': { schema: publicConfigSchema } },
      description: 'Configuration',
    },
    ...authenticated,
  },
});

export type HealthRoute = typeof health;
export type ConfigRoute = typeof config;
