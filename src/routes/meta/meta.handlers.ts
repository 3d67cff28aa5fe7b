/** Health and configuration handlers, typed by their routes. */
import type { Db } from '../../../db/client.js';
import type { ForceConfig } from '../../config/schema.js';
import { problem, sendProblem } from '../../http/problem.js';
import type { AppRouteHandler } from '../../http/types.js';
import type { ConfigRoute, HealthRoute } from './meta.routes.js';

export function metaHandlers(db: Db, forceConfig: ForceConfig) {
  const ping = db.$client.prepare('SELECT 1');
  const health: AppRouteHandler<HealthRoute> = (c) => {
    try {
      ping.get();
    } catch {
      return sendProblem(
        c,
        problem(503, 'DATABASE_UNAVAILABLE', 'Database unavailable', 'the database did not answer'),
      );
    }
    return c.json({ status: 'ok' as const, database: 'ok' as const }, 200);
  };
  const { alerts: _internalAddresses, ...publicConfig } = forceConfig;
  const config: AppRouteHandler<ConfigRoute> = (c) => c.json(publicConfig, 200);
  return { health, config };
}
