/** Health and the public part of the force configuration (codes clients need to build forms). */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Db } from '../../db/client.js';
import type { ForceConfig } from '../config/schema.js';
import type { AppEnv } from '../http/types.js';
import { problemResponse, security } from './shared.js';

const health = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['System'],
  summary: 'Liveness and database check',
  responses: {
    200: {
      content: { 'application/json': { schema: z.object({ status: z.literal('ok'), database: z.literal('ok') }) } },
      description: 'Healthy',
    },
    503: problemResponse('Database unavailable'),
  },
});

const configRoute = createRoute({
  method: 'get',
  path: '/api/config',
  tags: ['System'],
  summary: 'Force configuration in effect (grades, categories, agencies, codes)',
  security,
  responses: {
    200: {
      content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } },
      description: 'Configuration',
    },
    401: problemResponse('No valid bearer token'),
  },
});

export function registerMetaRoutes(app: OpenAPIHono<AppEnv>, db: Db, config: ForceConfig) {
  const ping = db.$client.prepare('SELECT 1');
  app.openapi(health, (c) => {
    try {
      ping.get();
    } catch {
      return c.body(
        JSON.stringify({
          status: 503,
          code: 'DATABASE_UNAVAILABLE',
          title: 'Database unavailable',
          detail: 'the database did not answer',
        }),
        503,
        {
          'content-type': 'application/problem+json',
        },
      ) as never;
    }
    return c.json({ status: 'ok' as const, database: 'ok' as const }, 200);
  });
  const { alerts: _internalAddresses, ...publicConfig } = config;
  app.openapi(configRoute, (c) => c.json(publicConfig, 200));
}
