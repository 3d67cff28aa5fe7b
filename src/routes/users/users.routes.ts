/** Route declarations for users, roles and tokens, managed by the administrator (handlers in users.handlers.ts). */
import { createRoute, z } from '@hono/zod-openapi';
import { ROLES } from '../../../machines/kit.js';
import {
  authenticated,
  bodyTooLarge,
  idParam,
  instantOut,
  problemResponse,
  restricted,
  security,
  withBody,
} from '../schemas.js';

const role = z.enum(ROLES).openapi({ description: 'A role of the access matrix (docs/access.md)' });

export const tokenViewSchema = z
  .object({
    id: z.string(),
    createdAt: instantOut,
    expiresAt: instantOut.nullable(),
    lastUsedAt: instantOut.nullable().openapi({ description: 'When it last authenticated a request (to the minute)' }),
    revokedAt: instantOut.nullable(),
    status: z.enum(['active', 'expired', 'revoked']),
  })
  .openapi('ApiTokenInfo', { description: 'A token as an administrator sees it: never the token itself' });

export const userSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role,
    createdAt: instantOut,
    disabledAt: instantOut.nullable(),
    signIn: z.enum(['token', 'identityProvider']).openapi({
      description: 'identityProvider: the role is set from the provider’s claims at each sign-in',
    }),
    tokens: z.array(tokenViewSchema),
  })
  .openapi('User');

const userId = idParam('id', 100);
const userName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((s) => !/\p{Cc}/u.test(s), 'no control characters')
  .openapi({ example: 'A Handler' });

export const list = createRoute({
  method: 'get',
  path: '/api/users',
  operationId: 'listUsers',
  tags: ['Users'],
  summary: 'Users, their roles and their tokens’ dates (admin)',
  security,
  responses: {
    200: {
      content: { 'application/json': { schema: z.object({ items: z.array(userSchema) }) } },
      description: 'Every user, by name',
    },
    400: problemResponse('An X-Access-Reason that is not a configured reason'),
    ...authenticated,
    ...restricted,
  },
});

export const create = createRoute({
  method: 'post',
  path: '/api/users',
  operationId: 'createUser',
  tags: ['Users'],
  summary: 'Add a user with a role (admin); issue their token with POST /api/users/{id}/tokens',
  security,
  request: {
    body: {
      required: true,
      content: { 'application/json': { schema: z.strictObject({ name: userName, role }).openapi('UserCreate') } },
    },
  },
  responses: {
    201: {
      content: { 'application/json': { schema: userSchema } },
      headers: z.object({ Location: z.string().openapi({ example: '/api/users/…' }) }),
      description: 'Created',
    },
    400: problemResponse('Malformed input (issues name the fields)'),
    ...authenticated,
    ...restricted,
    409: problemResponse('The name is already used'),
    ...withBody,
  },
});

export const changeRole = createRoute({
  method: 'patch',
  path: '/api/users/{id}',
  operationId: 'changeUserRole',
  tags: ['Users'],
  summary: 'Change a user’s role (admin): every token and session of theirs has the new role at once',
  security,
  request: {
    params: userId,
    body: {
      required: true,
      content: { 'application/json': { schema: z.strictObject({ role }).openapi('UserRoleChange') } },
    },
  },
  responses: {
    200: { content: { 'application/json': { schema: userSchema } }, description: 'The user with the role' },
    400: problemResponse('Malformed input'),
    ...authenticated,
    ...restricted,
    404: problemResponse('Unknown user'),
    409: problemResponse('The user signs in through the identity provider, which sets their role'),
    ...withBody,
  },
});

export const issueToken = createRoute({
  method: 'post',
  path: '/api/users/{id}/tokens',
  operationId: 'issueUserToken',
  tags: ['Users'],
  summary: 'Issue a new API token for the user (admin); the token is in this answer only',
  description: 'The token expires access.tokenLifetimeDays (90 by default) after it is issued.',
  security,
  request: { params: userId },
  responses: {
    201: {
      content: {
        'application/json': {
          schema: z
            .object({
              userId: z.string(),
              id: z.string(),
              token: z.string().openapi({ description: 'Shown once; only its hash is stored', example: 'mht_…' }),
              createdAt: instantOut,
              expiresAt: instantOut,
            })
            .openapi('IssuedToken'),
        },
      },
      description: 'Issued',
    },
    400: problemResponse('Bad id'),
    ...authenticated,
    ...restricted,
    404: problemResponse('Unknown user'),
    409: problemResponse('The user is disabled'),
    ...bodyTooLarge,
  },
});

export const revokeTokens = createRoute({
  method: 'delete',
  path: '/api/users/{id}/tokens',
  operationId: 'revokeUserTokens',
  tags: ['Users'],
  summary: 'Revoke every token of the user at once (admin); their token sign-in sessions end too',
  security,
  request: { params: userId },
  responses: {
    200: {
      content: {
        'application/json': {
          schema: z.object({
            user: userSchema,
            revoked: z.number().int().openapi({ description: 'How many tokens this request revoked' }),
          }),
        },
      },
      description: 'Revoked',
    },
    400: problemResponse('Bad id'),
    ...authenticated,
    ...restricted,
    404: problemResponse('Unknown user'),
    ...bodyTooLarge,
  },
});

export type ListRoute = typeof list;
export type CreateRoute = typeof create;
export type ChangeRoleRoute = typeof changeRole;
export type IssueTokenRoute = typeof issueToken;
export type RevokeTokensRoute = typeof revokeTokens;
