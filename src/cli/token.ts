/**
 * npm run token -- --name "A Handler" --role call_handler
 * Creates the user if needed and prints a new API token as the last line (shown once, stored hashed).
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { closeDatabase, openDatabase } from '../../db/client.js';
import { ROLES, type UserRole } from '../../machines/kit.js';
import { issueToken, UserRoleConflict } from '../auth/tokens.js';
import { systemClock } from '../clock.js';

const { values } = parseArgs({ options: { name: { type: 'string' }, role: { type: 'string' } }, strict: true });
if (!values.name || !values.role) {
  process.stderr.write(`usage: npm run token -- --name "A Handler" --role <${ROLES.join('|')}>\n`);
  process.exit(2);
}
if (!(ROLES as readonly string[]).includes(values.role)) {
  process.stderr.write(`unknown role '${values.role}'; one of: ${ROLES.join(', ')}\n`);
  process.exit(2);
}
const path = resolve(process.env.DATABASE_PATH ?? './data/triage.sqlite');
const db = openDatabase(path);
try {
  const { user, token } = issueToken(db, systemClock, values.name, values.role as UserRole);
  process.stdout.write(`user ${user.name} (${user.role}) id ${user.id} in ${path}\n`);
  process.stdout.write(`token (shown once; keep it secret):\n${token}\n`);
} catch (e) {
  if (e instanceof UserRoleConflict) {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  }
  throw e;
} finally {
  closeDatabase(db);
}
