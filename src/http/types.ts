import type { ActiveSession } from '../access/session/session-store.js';
import type { AuthenticatedUser } from '../auth/tokens.js';

/** `session` is set only when the request came with a live console session (see access/session). */
export type AppEnv = { Variables: { user: AuthenticatedUser; requestId: string; session: ActiveSession | undefined } };
