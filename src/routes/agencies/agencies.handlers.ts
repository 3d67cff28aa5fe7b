/**
 * Handlers for the partner agency directory, typed by their routes. Who may read, change, import
 * and see the history is the access policy's (src/access/routes.ts holds each route to it).
 */
import type { CommandDeps } from '../../commands/deps.js';
import { AgencyDirectory, type Agency } from '../../directory/directory.js';
import { importOruk, orukDocumentSchema } from '../../directory/oruk-import.js';
import { parseIfMatch } from '../../http/headers.js';
import { isProblem, problem, sendProblem, type Problem } from '../../http/problem.js';
import type { AppRouteHandler } from '../../http/types.js';
import { agencyHistory, listAgencies } from '../../queries/agencies.js';
import type { AgencyRoutes } from './agencies.routes.js';

const notFound = (code: string) =>
  problem(404, 'AGENCY_NOT_FOUND', 'Unknown agency', `no agency with code ${code} in the directory`);

export function agencyHandlers(deps: CommandDeps) {
  const dir = new AgencyDirectory(deps.db);
  /** Directory writes join the group commit when there is one: answer only once durable. */
  const durable = async () => {
    if (deps.uow) await deps.uow.durable();
  };
  const withVersion = (a: Agency) => ({ ETag: `"${a.version}"` });

  /** The version check for a change: 428 without If-Match, 409 when stale, 404 when unknown. */
  function current(code: string, ifMatchRaw: string | undefined): Agency | Problem<400 | 404 | 409 | 428> {
    const ifMatch = parseIfMatch(ifMatchRaw);
    if (typeof ifMatch !== 'number') return ifMatch;
    const a = dir.get(code);
    if (!a) return notFound(code);
    if (a.version !== ifMatch) {
      return problem(
        409,
        'STALE_VERSION',
        'Agency changed since you read it',
        `you sent If-Match "${ifMatch}" but the agency is at version ${a.version}; reload it and decide again`,
        { currentVersion: a.version },
      );
    }
    return a;
  }

  const list: AppRouteHandler<AgencyRoutes['list']> = (c) => {
    const q = c.req.valid('query');
    const at = q.openAt ? new Date(q.openAt).toISOString() : deps.clock.now().toISOString();
    return c.json({ items: listAgencies(deps.db, q, at, deps.config.force.timezone) }, 200);
  };

  const get: AppRouteHandler<AgencyRoutes['get']> = (c) => {
    const { code } = c.req.valid('param');
    const a = dir.get(code);
    if (!a) return sendProblem(c, notFound(code));
    return c.json(a, 200, withVersion(a));
  };

  const create: AppRouteHandler<AgencyRoutes['create']> = async (c) => {
    const { code, ...input } = c.req.valid('json');
    const user = c.get('user');
    const now = deps.clock.now().toISOString();
    const created = dir.transaction(() => {
      if (dir.get(code)) return null;
      return dir.write(
        {
          ...input,
          code,
          source: 'api',
          orukServiceId: null,
          version: 1,
          createdAt: now,
          updatedAt: now,
          updatedBy: user.id,
        },
        'created',
      );
    });
    if (!created)
      return sendProblem(
        c,
        problem(
          409,
          'AGENCY_EXISTS',
          'Code already used',
          `an agency with code ${code} already exists; change it with PUT /api/agencies/${code}`,
        ),
      );
    await durable();
    return c.json(created, 201, { ...withVersion(created), Location: `/api/agencies/${code}` });
  };

  const replace: AppRouteHandler<AgencyRoutes['replace']> = async (c) => {
    const { code } = c.req.valid('param');
    const input = c.req.valid('json');
    const user = c.get('user');
    const r = dir.transaction(() => {
      const a = current(code, c.req.header('if-match'));
      if (isProblem(a)) return a;
      return dir.write(
        { ...a, ...input, version: a.version + 1, updatedAt: deps.clock.now().toISOString(), updatedBy: user.id },
        'updated',
      );
    });
    if (isProblem(r)) return sendProblem(c, r);
    await durable();
    return c.json(r, 200, withVersion(r));
  };

  const deactivate: AppRouteHandler<AgencyRoutes['deactivate']> = async (c) => {
    const { code } = c.req.valid('param');
    const user = c.get('user');
    const r = dir.transaction(() => {
      const a = current(code, c.req.header('if-match'));
      if (isProblem(a)) return a;
      if (!a.active) return a;
      return dir.write(
        { ...a, active: false, version: a.version + 1, updatedAt: deps.clock.now().toISOString(), updatedBy: user.id },
        'deactivated',
      );
    });
    if (isProblem(r)) return sendProblem(c, r);
    await durable();
    return c.json(r, 200, withVersion(r));
  };

  const history: AppRouteHandler<AgencyRoutes['history']> = (c) => {
    const { code } = c.req.valid('param');
    const items = agencyHistory(deps.db, code);
    if (!items) return sendProblem(c, notFound(code));
    return c.json({ items }, 200);
  };

  const importDirectory: AppRouteHandler<AgencyRoutes['importOruk']> = async (c) => {
    const doc = c.req.valid('json');
    const shape = orukDocumentSchema.safeParse(doc);
    if (!shape.success) {
      return sendProblem(
        c,
        problem(
          400,
          'NOT_AN_ORUK_DOCUMENT',
          'Not an Open Referral UK document',
          'send an ORUK organization with services, an array of organizations, {"organizations": [...]}, {"content": ' +
            '[services]} or an array of services',
        ),
      );
    }
    const report = importOruk(dir, deps.config, doc, {
      activateNew: c.req.valid('query').activateNew === 'true',
      actorId: c.get('user').id,
      now: deps.clock.now().toISOString(),
    });
    await durable();
    return c.json(report, 200);
  };

  return { list, get, create, replace, deactivate, history, importDirectory };
}
