/**
 * npm run token -- --name "A Handler" --role call_handler [--change-role]
 * Creates the user if needed and prints a new API token as the last line (shown once, stored hashed).
 * A user who exists with another role is refused, unless --change-role: then their role changes (for
 * every token they hold) and stderr says so.
 */
import { parseArgs } from 'node:util';
import { resolve } from 'node:path';
import { closeDatabase, openDatabase } from '../../db/client.js';
import { ROLES, type UserRole } from '../../machines/types.js';
import { issueToken, UserRoleConflict } from '../auth/tokens.js';
import { systemClock } from '../clock.js';

const { values } = parseArgs({
  options: { name: { type: 'string' }, role: { type: 'string' }, 'change-role': { type: 'boolean', default: false } },
  strict: true,
});
if (!values.name || !values.role) {
  process.stderr.write(`usage: npm run token -- --name "A Handler" --role <${ROLES.join('|')}> [--change-role]\n`);
  process.exit(2);
}
if (!(ROLES as readonly string[]).includes(values.role)) {
  process.stderr.write(`unknown role '${values.role}'; one of: ${ROLES.join(', ')}\n`);
  process.exit(2);
}
const path = resolve(process.env.DATABASE_PATH ?? './data/triage.sqlite');
const db = openDatabase(path);
try {
  const { user, token, previousRole } = issueToken(db, systemClock, values.name, values.role as UserRole, {
    changeRole: values['change-role'],
  });
  if (previousRole)
    process.stderr.write(
      `changed the role of '${user.name}' from ${previousRole} to ${user.role}: every token they hold now has it\n`,
    );
  process.stdout.write(`user ${user.name} (${user.role}) id ${user.id} in ${path}\n`);
  process.stdout.write(`token (shown once; keep it secret):\n${token}\n`);
} catch (e) {
  if (e instanceof UserRoleConflict) {
    process.stderr.write(`${e.message}. No token issued. To change the role, run again with --change-role.\n`);
    process.exitCode = 1;
  } else throw e;
} finally {
  closeDatabase(db);
}
