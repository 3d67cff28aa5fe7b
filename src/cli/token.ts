/**
 * The token CLI (prints to stdout; errors and role changes to stderr):
 *   npm run token -- --name "A Handler" --role call_handler [--change-role]
 *       creates the user if needed and prints a new API token as the last line (shown once, stored
 *       hashed; it expires access.tokenLifetimeDays after today). A user who exists with another role
 *       is refused, unless --change-role: then their role changes (for every token they hold).
 *   npm run token -- --list
 *       every token: user, role, created, expires, last used, status (never the token)
 *   npm run token -- --revoke --name "A Handler"
 *       revokes every token of the user at once (and ends the console sessions they signed in with one)
 * Each issue, role change and revocation is written to the access log, by `cli:<operating-system user>`.
 */
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { closeDatabase, openDatabase, type Db } from '../../db/client.js';
import { ROLES, type UserRole } from '../../machines/kit.js';
import type { Administrator } from '../auth/administration.js';
import { issueToken, revokeUserTokens, UserRoleConflict } from '../auth/tokens.js';
import { userByName } from '../auth/users.js';
import { systemClock } from '../clock.js';
import { DEFAULT_CONFIG_PATH, loadForceConfig } from '../config/load.js';
import { listUsers } from '../queries/users.js';

const USAGE =
  `usage: npm run token -- --name "A Handler" --role <${ROLES.join('|')}> [--change-role]\n` +
  '       npm run token -- --list\n' +
  '       npm run token -- --revoke --name "A Handler"\n';

function readArgs() {
  try {
    return parseArgs({
      options: {
        name: { type: 'string' },
        role: { type: 'string' },
        'change-role': { type: 'boolean', default: false },
        list: { type: 'boolean', default: false },
        revoke: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (e) {
    // An unknown option or a missing value: say which, and how it is used (not a stack trace).
    process.stderr.write(`${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}
const values = readArgs();
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

function fail(message: string, code: number): never {
  process.stderr.write(message);
  process.exit(code);
}

const mode = values.list ? 'list' : values.revoke ? 'revoke' : 'issue';
if (values.list && values.revoke) fail(USAGE, 2);
if (mode !== 'list' && !values.name) fail(USAGE, 2);
if (mode === 'issue' && !values.role) fail(USAGE, 2);
if (mode === 'issue' && !(ROLES as readonly string[]).includes(values.role!))
  fail(`unknown role '${values.role}'; one of: ${ROLES.join(', ')}\n`, 2);

const by: Administrator = { userId: `cli:${userInfo().username}`, role: 'operator' };
const path = resolve(process.env.DATABASE_PATH ?? './data/triage.sqlite');
const db = openDatabase(path);
try {
  if (mode === 'list') list(db);
  else if (mode === 'revoke') revoke(db, values.name!);
  else issue(db, values.name!, values.role as UserRole);
} finally {
  closeDatabase(db);
}

function issue(db: Db, name: string, role: UserRole) {
  const { tokenLifetimeDays } = loadForceConfig(process.env.FORCE_CONFIG ?? DEFAULT_CONFIG_PATH).access;
  try {
    const { user, token, expiresAt, previousRole } = issueToken(db, systemClock, name, role, {
      changeRole: values['change-role'],
      lifetimeDays: tokenLifetimeDays,
      by,
    });
    if (previousRole)
      process.stderr.write(
        `changed the role of '${user.name}' from ${previousRole} to ${user.role}: every token they hold now has it\n`,
      );
    process.stdout.write(`user ${user.name} (${user.role}) id ${user.id} in ${path}\n`);
    process.stdout.write(`expires ${expiresAt} (in ${tokenLifetimeDays} days)\n`);
    process.stdout.write(`token (shown once; keep it secret):\n${token}\n`);
  } catch (e) {
    if (!(e instanceof UserRoleConflict)) throw e;
    process.stderr.write(`${e.message}. No token issued. To change the role, run again with --change-role.\n`);
    process.exitCode = 1;
  }
}

function list(db: Db) {
  const rows = listUsers(db, systemClock).flatMap((u) =>
    u.tokens.map((t) => [u.name, u.role, t.createdAt, t.expiresAt ?? '', t.lastUsedAt ?? 'never', t.status]),
  );
  const table = [['name', 'role', 'created', 'expires', 'last used', 'status'], ...rows];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  for (const r of table)
    process.stdout.write(
      `${r
        .map((v, i) => v.padEnd(widths[i]!))
        .join('  ')
        .trimEnd()}\n`,
    );
  if (rows.length === 0) process.stdout.write(`no tokens in ${path}\n`);
}

function revoke(db: Db, name: string) {
  const user = userByName(db, name);
  if (!user) {
    process.stderr.write(`no user called '${name}' in ${path}; npm run token -- --list shows them\n`);
    process.exitCode = 1;
    return;
  }
  const n = db.$client.transaction(() => revokeUserTokens({ db, clock: systemClock }, user.id, by)).immediate();
  process.stdout.write(
    `revoked ${n} token${n === 1 ? '' : 's'} of ${user.name} (${user.role}); they stop working now\n`,
  );
}
