/**
 * The victim process of test/faults/mail-crash.test.ts: runs the outbox worker (as the server does)
 * against a real database file and a real SMTP server, and dies by SIGKILL the moment the SMTP
 * server has accepted the first message — after the "250 OK", before the worker records `sent`.
 * That is the at-least-once window. Fault injection, not a mock: the SMTP conversation is real.
 *
 * argv: <dbPath> <smtpUrl> <clockIso>
 */
import { openDatabase } from '../../db/client.js';
import { deliverOutbox } from '../../src/commands/deliver-mail.js';
import type { CommandDeps } from '../../src/commands/deps.js';
import { loadForceConfig } from '../../src/config/load.js';
import { PersonKeyer } from '../../src/domain/person-key.js';
import { createTransport } from '../../src/mail/transport.js';
import { ManualClock } from '../support/clock.js';

const [dbPath, smtpUrl, clockIso] = process.argv.slice(2) as [string, string, string];
const db = openDatabase(dbPath);
const deps: CommandDeps = {
  db,
  clock: new ManualClock(clockIso),
  config: loadForceConfig(),
  keyer: new PersonKeyer('test-secret-for-person-keys-0123456789'),
  mailEnabled: true,
};
const smtp = createTransport({ url: smtpUrl, from: 'mh-triage@kent.police.test', ignoreTLS: true });
const dying = {
  async sendMail(message: Parameters<typeof smtp.sendMail>[0]) {
    await smtp.sendMail(message);
    process.stdout.write('accepted\n');
    process.kill(process.pid, 'SIGKILL');
    await new Promise(() => {}); // never returns: the kill is on its way
  },
};
await deliverOutbox(deps, dying, { from: 'mh-triage@kent.police.test' });
process.stdout.write('finished without dying\n');
