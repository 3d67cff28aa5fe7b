/** Handlers for the partner agency directory. Reads: any role. Changes and imports: admins. */
import type { OpenAPIHono } from '@hono/zod-openapi';
import { forbidUnless } from '../auth/roles.js';
import type { CommandDeps } from '../commands/deps.js';
import { AgencyDirectory, type Agency } from '../directory/directory.js';
import { isOpenAt } from '../directory/hours.js';
import { importOruk, orukDocumentSchema } from '../directory/oruk-import.js';
import { parseIfMatch } from '../http/headers.js';
import { problem } from '../http/problem.js';
import { sendProblem } from '../http/respond.js';
import type { AppEnv } from '../http/types.js';
import type { agencyRoutes } from './agencies.routes.js';

const notFound = (code: string) =>
  problem(404, 'AGENCY_NOT_FOUND', 'Unknown agency', `no agency with code ${code} in the directory`);

export function registerAgencyHandlers(
  app: OpenAPIHono<AppEnv>,
  deps: CommandDeps,
  routes: ReturnType<typeof agencyRoutes>,
) {
  const dir = new AgencyDirectory(deps.db);
  const names = deps.db.$client.prepare('SELECT name FROM users WHERE id = ?').pluck();
  /** Directory writes join the group commit when there is one: answer only once durable. */
  const durable = async () => {
    if (deps.uow) await deps.uow.durable();
  };
  const withVersion = (a: Agency) => ({ ETag: `"${a.version}"` });

  /** The version check for a change: 428 without If-Match, 409 when stale, 404 when unknown. */
  function current(code: string, ifMatchRaw: string | undefined): Agency | ReturnType<typeof problem> {
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
  const isAgency = (x: unknown): x is Agency => typeof x === 'object' && x !== null && 'code' in x && 'version' in x;

  app.openapi(routes.list, (c) => {
    const q = c.req.valid('query');
    const at = q.openAt ? new Date(q.openAt).toISOString() : deps.clock.now().toISOString();
    const items = dir
      .list()
      .filter((a) => (q.type ? a.type === q.type : true))
      .filter((a) => (q.active ? a.active === (q.active === 'true') : true))
      .filter((a) => (q.district ? a.districts.length === 0 || a.districts.includes(q.district) : true))
      .map((a) => ({ ...a, openAt: isOpenAt(a.hours, at, deps.config.force.timezone) }))
      .filter((a) => (q.open ? a.openAt !== false : true));
    return c.json({ items }, 200);
  });

  app.openapi(routes.get, (c) => {
    const { code } = c.req.valid('param');
    const a = dir.get(code);
    if (!a) return sendProblem(c, notFound(code)) as never;
    return c.json(a, 200, withVersion(a));
  });

  app.openapi(routes.create, async (c) => {
    const denied = forbidUnless(c, ['admin'], 'changing the agency directory');
    if (denied) return denied as never;
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
      ) as never;
    await durable();
    return c.json(created, 201, { ...withVersion(created), Location: `/api/agencies/${code}` });
  });

  app.openapi(routes.replace, async (c) => {
    const denied = forbidUnless(c, ['admin'], 'changing the agency directory');
    if (denied) return denied as never;
    const { code } = c.req.valid('param');
    const input = c.req.valid('json');
    const user = c.get('user');
    const r = dir.transaction(() => {
      const a = current(code, c.req.header('if-match'));
      if (!isAgency(a)) return a;
      return dir.write(
        { ...a, ...input, version: a.version + 1, updatedAt: deps.clock.now().toISOString(), updatedBy: user.id },
        'updated',
      );
    });
    if (!isAgency(r)) return sendProblem(c, r) as never;
    await durable();
    return c.json(r, 200, withVersion(r));
  });

  app.openapi(routes.deactivate, async (c) => {
    const denied = forbidUnless(c, ['admin'], 'changing the agency directory');
    if (denied) return denied as never;
    const { code } = c.req.valid('param');
    const user = c.get('user');
    const r = dir.transaction(() => {
      const a = current(code, c.req.header('if-match'));
      if (!isAgency(a)) return a;
      if (!a.active) return a;
      return dir.write(
        { ...a, active: false, version: a.version + 1, updatedAt: deps.clock.now().toISOString(), updatedBy: user.id },
        'deactivated',
      );
    });
    if (!isAgency(r)) return sendProblem(c, r) as never;
    await durable();
    return c.json(r, 200, withVersion(r));
  });

  app.openapi(routes.history, (c) => {
    const denied = forbidUnless(c, ['admin', 'mh_lead'], 'the directory history');
    if (denied) return denied as never;
    const { code } = c.req.valid('param');
    if (!dir.get(code)) return sendProblem(c, notFound(code)) as never;
    const items = dir
      .history(code)
      .map((h) => ({ ...h, actorName: (names.get(h.actorId) as string | undefined) ?? h.actorId }));
    return c.json({ items }, 200);
  });

  app.openapi(routes.importOruk, async (c) => {
    const denied = forbidUnless(c, ['admin'], 'importing into the agency directory');
    if (denied) return denied as never;
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
      ) as never;
    }
    const report = importOruk(dir, deps.config, doc, {
      activateNew: c.req.valid('query').activateNew === 'true',
      actorId: c.get('user').id,
      now: deps.clock.now().toISOString(),
    });
    await durable();
    return c.json(report, 200);
  });
}
