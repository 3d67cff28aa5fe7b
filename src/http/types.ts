import type { AuthenticatedUser } from '../auth/tokens.js';

export type AppEnv = { Variables: { user: AuthenticatedUser; requestId: string } };
