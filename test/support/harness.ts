/**
 * A real system for one test: a fresh SQLite file on disk, migrations applied, the app built with
 * createApp, a manual clock, and a token per role. Requests go through app.request (no socket)
 * unless a test starts a real server. Every response `request` returns has been held to the API
 * contract (test/support/contract.ts): one the OpenAPI document does not allow fails the test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeDatabase, openDatabase, type Db } from '../../db/client.js';
import { ROLES, type UserRole } from '../../machines/kit.js';
import { eventOperations, grantOf, policyFor } from '../../src/access/policy.js';
import { createApp } from '../../src/app.js';
import { issueToken } from '../../src/auth/tokens.js';
import type { CommandDeps } from '../../src/commands/deps.js';
import { groupCommitUnitOfWork, serialUnitOfWork } from '../../src/commands/unit-of-work.js';
import { loadForceConfig } from '../../src/config/load.js';
import { parseForceConfig } from '../../src/config/load.js';
import type { ForceConfig, ForceConfigInput } from '../../src/config/schema.js';
import { PersonKeyer } from '../../src/domain/person-key.js';
import type { ChangeFeed } from '../../src/live/change-feed.js';
import { databaseFeed } from '../../src/live/database-feed.js';
import { PartnerLinks } from '../../src/referrals/partner-link.js';

/** The secret test partner links are signed with (tests forge and tamper with links using it). */
export const LINK_SECRET = 'test-secret-for-partner-links-0123456789';
import type { Logger } from '../../src/log.js';
import { ManualClock } from './clock.js';
import { Contract, type OpenApiDocument } from './contract.js';

/** The document depends on the configuration only (its codes become enums): one contract per configuration. */
const contracts = new Map<string, Promise<Contract>>();
function contractFor(app: { request(path: string): Response | Promise<Response> }, config: ForceConfig) {
  const key = JSON.stringify(config);
  let c = contracts.get(key);
  if (!c) {
    c = Promise.resolve(app.request('/api/openapi.json'))
      .then((r) => r.json())
      .then((doc) => new Contract(doc as OpenApiDocument));
    contracts.set(key, c);
  }
  return c;
}

export interface HarnessOptions {
  config?: (c: ForceConfig) => ForceConfigInput;
  mailEnabled?: boolean;
  logger?: Logger;
  start?: string;
  maxBodyBytes?: number;
  /** 'group' (default, as the server runs) or 'serial' (one transaction per command). */
  commit?: 'group' | 'serial';
  /** The OIDC client secret, for a configuration that names an identity provider. */
  oidcClientSecret?: string;
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export type Harness = Awaited<ReturnType<typeof createHarness>>;

export function createHarness(opts: HarnessOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'mh-test-'));
  const dbPath = join(dir, 'test.sqlite');
  const db = openDatabase(dbPath);
  const clock = new ManualClock(opts.start);
  const base = loadForceConfig();
  const config = parseForceConfig(opts.config ? opts.config(structuredClone(base)) : base, 'test');
  const uow = opts.commit === 'serial' ? serialUnitOfWork(db.$client) : groupCommitUnitOfWork(db.$client);
  const partnerLinks = new PartnerLinks(LINK_SECRET, 'http://localhost:3000');
  const deps: CommandDeps & { feed: ChangeFeed } = {
    db,
    clock,
    config,
    keyer: new PersonKeyer('test-secret-for-person-keys-0123456789'),
    mailEnabled: opts.mailEnabled ?? false,
    uow,
    partnerLinks,
    feed: databaseFeed(db),
  };
  const app = createApp({
    ...deps,
    ...(opts.logger ? { logger: opts.logger } : {}),
    ...(opts.maxBodyBytes ? { maxBodyBytes: opts.maxBodyBytes } : {}),
    ...(opts.oidcClientSecret ? { oidcClientSecret: opts.oidcClientSecret } : {}),
  });
  const tokens = Object.fromEntries(ROLES.map((r) => [r, issueToken(db, clock, `Test ${r}`, r).token])) as Record<
    UserRole,
    string
  >;

  async function request<T = any>(
    method: string,
    path: string,
    init: { body?: unknown; raw?: string; token?: string | null; headers?: Record<string, string> } = {},
  ): Promise<ApiResponse<T>> {
    if (path.startsWith('http://localhost:3000')) path = path.slice('http://localhost:3000'.length);
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    const token = init.token === undefined ? tokens.call_handler : init.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (init.raw !== undefined) body = init.raw;
    else if (init.body !== undefined) body = JSON.stringify(init.body);
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['content-type'] = 'application/json';
    const res = await app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await res.text();
    const broken = (await contractFor(app, config)).violations({
      method,
      path,
      status: res.status,
      headers: res.headers,
      text,
    });
    if (broken.length > 0) throw new Error(`the response breaks the API contract:\n${broken.join('\n')}`);
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep text */
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  // The version people see (ETag, If-Match): people's and partners' events only, not the system's.
  const versionOf = db.$client.prepare('SELECT person_version FROM incidents WHERE id = ?').pluck();
  /**
   * The token of the control-room role that does this step: the call handler, or the first of the
   * dispatcher and the supervisor the access policy lets send it (dispatch, s.136, an R9 override).
   */
  function tokenFor(body: Record<string, unknown>): string {
    const ops = eventOperations({ type: String(body.type), override: body.override }) ?? [];
    const role = (['call_handler', 'dispatcher', 'supervisor'] as const).find((r) =>
      ops.every((op) => grantOf(policyFor(config), r, op) !== null),
    );
    return tokens[role ?? 'call_handler'];
  }

  /**
   * POST an event with If-Match set to `version` (or the incident's current version, read from the
   * database so that the access log holds only what a test reads itself), as the role that does the
   * step unless `token` says who.
   */
  async function event(
    id: string,
    body: Record<string, unknown>,
    o: { version?: number; token?: string; key?: string } = {},
  ) {
    const token = o.token ?? tokenFor(body);
    let version = o.version ?? (versionOf.get(id) as number | undefined);
    if (version === undefined) version = (await request('GET', `/api/incidents/${id}`, { token })).body.version;
    const headers: Record<string, string> = { 'if-match': `"${version}"` };
    if (o.key) headers['idempotency-key'] = o.key;
    return request('POST', `/api/incidents/${id}/events`, {
      body: { occurredAt: clock.at(), ...body },
      headers,
      token,
    });
  }

  function count(table: string): number {
    return (db.$client.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  }

  async function close() {
    deps.feed.close();
    await uow.durable().catch(() => {});
    closeDatabase(db);
    rmSync(dir, { recursive: true, force: true });
  }

  return {
    dir,
    dbPath,
    db: db as Db,
    clock,
    config,
    deps,
    app,
    tokens,
    tokenFor,
    request,
    event,
    count,
    close,
    partnerLinks,
  };
}
