/**
 * Handlers for users, roles and tokens, typed by their routes. Only the administrator reaches them
 * (`users.manage`, held by the route guard). Each change is written with its access-log row in one
 * unit of work and answered once both are durable; the list is logged as a consultation.
 */
import type { Context } from 'hono';
import { authorize } from '../../access/authorize.js';
import type { Administrator } from '../../auth/administration.js';
import { issueTokenFor, revokeUserTokens } from '../../auth/tokens.js';
import { changeRole as setRole, createUser, userById } from '../../auth/users.js';
import type { CommandDeps } from '../../commands/deps.js';
import { defaultUnitOfWork } from '../../commands/unit-of-work.js';
import { problem, sendProblem } from '../../http/problem.js';
import type { AppEnv, AppRouteHandler } from '../../http/types.js';
import { getUser, listUsers } from '../../queries/users.js';
import type { ChangeRoleRoute, CreateRoute, IssueTokenRoute, ListRoute, RevokeTokensRoute } from './users.routes.js';

const unknownUser = (id: string) =>
  problem(404, 'USER_NOT_FOUND', 'Unknown user', `no user with id ${id.slice(0, 100)}; GET /api/users lists them`);

export function userHandlers(deps: CommandDeps) {
  const uow = deps.uow ?? defaultUnitOfWork(deps.db.$client);
  /** Runs `work` with its log row atomically and resolves once durable. */
  const change = async <T>(work: () => T): Promise<T> => {
    const { value } = uow.run(() => ({ ok: true, value: work() }));
    await uow.durable();
    return value;
  };
  const by = (c: Context<AppEnv>): Administrator => ({
    userId: c.var.user.id,
    role: c.var.user.role,
    requestId: c.var.requestId,
  });
  const view = (id: string) => getUser(deps.db, deps.clock, id)!;

  const list: AppRouteHandler<ListRoute> = async (c) => {
    const items = listUsers(deps.db, deps.clock);
    const access = await authorize(c, 'users.manage', { action: 'users.list' });
    if (!access.ok) return sendProblem(c, access.problem);
    return c.json({ items }, 200);
  };

  const create: AppRouteHandler<CreateRoute> = async (c) => {
    const { name, role } = c.req.valid('json');
    const created = await change(() => createUser(deps, name, role, by(c)));
    if (!created)
      return sendProblem(
        c,
        problem(409, 'USER_EXISTS', 'Name already used', 'a user with this name exists; GET /api/users lists them'),
      );
    return c.json(view(created.id), 201, { Location: `/api/users/${created.id}` });
  };

  const changeRole: AppRouteHandler<ChangeRoleRoute> = async (c) => {
    const { id } = c.req.valid('param');
    const { role } = c.req.valid('json');
    const user = userById(deps.db, id);
    if (!user) return sendProblem(c, unknownUser(id));
    if (user.oidc)
      return sendProblem(
        c,
        problem(
          409,
          'ROLE_FROM_IDENTITY_PROVIDER',
          'Role set by the identity provider',
          'this user signs in through the identity provider, which sets their role at every sign-in: ' +
            'change their app role or group there',
        ),
      );
    await change(() => setRole(deps, id, role, by(c)));
    return c.json(view(id), 200);
  };

  const issueToken: AppRouteHandler<IssueTokenRoute> = async (c) => {
    const { id } = c.req.valid('param');
    const user = userById(deps.db, id);
    if (!user) return sendProblem(c, unknownUser(id));
    if (user.disabledAt)
      return sendProblem(c, problem(409, 'USER_DISABLED', 'User disabled', 'a disabled user is issued no token'));
    const lifetimeDays = deps.config.access.tokenLifetimeDays;
    const issued = await change(() => issueTokenFor(deps, id, { lifetimeDays, by: by(c) }));
    const { token, createdAt, expiresAt } = issued;
    return c.json({ userId: id, id: issued.id, token, createdAt, expiresAt }, 201);
  };

  const revokeTokens: AppRouteHandler<RevokeTokensRoute> = async (c) => {
    const { id } = c.req.valid('param');
    if (!userById(deps.db, id)) return sendProblem(c, unknownUser(id));
    const revoked = await change(() => revokeUserTokens(deps, id, by(c)));
    return c.json({ user: view(id), revoked }, 200);
  };

  return { list, create, changeRole, issueToken, revokeTokens };
}
