/**
 * The app's Hono environment, and handlers typed by their route (hono-open-api-starter's
 * `AppRouteHandler`): a handler whose response status or body its route does not declare fails
 * the type-check. `session` is set only when the request came with a live console session; `access`
 * is what src/access/authorize.ts decides and logs with.
 */
import type { OpenAPIHono, RouteConfig, RouteHandler } from '@hono/zod-openapi';
import type { AccessControl } from '../access/authorize.js';
import type { ActiveSession } from '../access/session/session-store.js';
import type { AuthenticatedUser } from '../auth/tokens.js';

export type AppEnv = {
  Variables: {
    user: AuthenticatedUser;
    requestId: string;
    session: ActiveSession | undefined;
    /** The policy in force and what `authorize` needs to log (set for every request by createApp). */
    access: AccessControl;
  };
};

export type AppOpenAPI = OpenAPIHono<AppEnv>;

export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>;
