/** Wires the health and configuration routes to their handlers. */
import type { Db } from '../../../db/client.js';
import type { ForceConfig } from '../../config/schema.js';
import type { AppOpenAPI } from '../../http/types.js';
import { metaHandlers } from './meta.handlers.js';
import * as routes from './meta.routes.js';

export function registerMeta(app: AppOpenAPI, db: Db, config: ForceConfig) {
  const handlers = metaHandlers(db, config);
  app.openapi(routes.health, handlers.health).openapi(routes.config, handlers.config);
}
