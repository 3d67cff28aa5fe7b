/**
 * Entry point: environment → configuration → database (migrated) → HTTP server → scheduler and
 * outbox worker. SIGTERM/SIGINT: stop accepting, let in-flight requests finish, close the database.
 */
import { createAdaptorServer } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { closeDatabase, openDatabase } from '../db/client.js';
import { SessionConfigError } from './access/session/index.js';
import { createApp } from './app.js';
import { systemClock } from './clock.js';
import type { CommandDeps } from './commands/deps.js';
import { groupCommitUnitOfWork } from './commands/unit-of-work.js';
import { ConfigError, DEFAULT_CONFIG_PATH, loadForceConfig } from './config/load.js';
import { listenPort, localUrl } from './config/listen.js';
import type { ForceConfig } from './config/schema.js';
import { PersonKeyer, resolvePersonKeySecret } from './domain/person-key.js';
import { createLogger } from './log.js';
import { deliverOutbox } from './commands/deliver-mail.js';
import { createTransport, isCapture, mailSettingsFromEnv } from './mail/transport.js';
import { PartnerLinks } from './referrals/partner-link.js';
import { databaseFeed } from './live/database-feed.js';
import { sweepDeadlines } from './scheduler/sweeper.js';

const logger = createLogger();
const env = process.env;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

let config: ForceConfig;
try {
  config = loadForceConfig(env.FORCE_CONFIG ?? DEFAULT_CONFIG_PATH);
} catch (e) {
  fail(e instanceof ConfigError ? e.message : `Cannot load configuration: ${(e as Error).message}`);
}

const databasePath = resolve(env.DATABASE_PATH ?? './data/triage.sqlite');
const listen = listenPort(env);
if ('error' in listen) fail(listen.error);
const { port } = listen;

const db = openDatabase(databasePath, { synchronous: 'FULL' });
const secret = resolvePersonKeySecret(env.PERSON_KEY_SECRET, `${databasePath}.person-key`);
if (secret.source === 'generated') {
  logger.warn(
    { file: `${databasePath}.person-key` },
    'PERSON_KEY_SECRET is not set: generated a person-key secret and saved it beside the database. Back it up with ' +
      'the database; without it repeat contacts cannot be linked. Set PERSON_KEY_SECRET in production.',
  );
}
const linkSecret = resolvePersonKeySecret(env.REFERRAL_LINK_SECRET, `${databasePath}.link-key`);
if (linkSecret.source === 'generated') {
  logger.warn(
    { file: `${databasePath}.link-key` },
    'REFERRAL_LINK_SECRET is not set: generated a secret for partner response links and saved it beside the ' +
      'database. Set REFERRAL_LINK_SECRET in production; changing it invalidates links already emailed.',
  );
}
const mail = mailSettingsFromEnv(env);
if (mail && isCapture(mail)) {
  logger.warn(
    { dir: mail.captureDir },
    'MAIL_CAPTURE_DIR is set and SMTP_URL is not: emails are written to files, not sent (development only; ' +
      'production must set SMTP_URL)',
  );
}
const uow = groupCommitUnitOfWork(db.$client, (e) =>
  logger.error({ err: e.message }, 'commit failed; the batch was not saved'),
);
// Listen first, so PORT=0 (any free port, as tests use) gives the real port to the links and the log.
let app: ReturnType<typeof createApp> | null = null;
let inFlight = 0;
const server = createAdaptorServer({
  fetch: async (req, ...rest) => {
    if (!app) return new Response(null, { status: 503 }); // never: the app exists before the first request
    inFlight++;
    try {
      return await app.fetch(req, ...rest);
    } finally {
      inFlight--;
    }
  },
});
await new Promise<void>((listening) => {
  server.once('error', (e: NodeJS.ErrnoException) =>
    fail(e.code === 'EADDRINUSE' ? `PORT ${port} is already in use` : `Cannot listen on PORT ${port}: ${e.message}`),
  );
  server.listen(port, listening);
});
const boundPort = (server.address() as AddressInfo).port;
const publicBaseUrl = env.PUBLIC_BASE_URL ?? localUrl(boundPort);
const deps: CommandDeps = {
  db,
  clock: systemClock,
  config,
  keyer: new PersonKeyer(secret.secret),
  mailEnabled: mail !== null,
  uow,
  partnerLinks: new PartnerLinks(linkSecret.secret, publicBaseUrl),
  // Open consoles hear of every committed change: commands, the sweeper and the outbox worker alike.
  feed: databaseFeed(db),
};
try {
  app = createApp({
    ...deps,
    logger,
    ...(env.OIDC_CLIENT_SECRET ? { oidcClientSecret: env.OIDC_CLIENT_SECRET } : {}),
    publicBaseUrl,
    publicOrigins: [new URL(publicBaseUrl).origin],
  });
} catch (e) {
  fail(e instanceof SessionConfigError ? e.message : `Cannot start: ${(e as Error).message}`);
}
// Before saying it is serving: a SIGTERM sent as soon as the line appears must find its handler (the
// handler runs on a later turn of the event loop, after everything below is set up).
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
logger.info(
  {
    port: boundPort,
    database: databasePath,
    force: config.force.name,
    mail: mail ? (isCapture(mail) ? 'capture' : 'smtp') : 'off',
    publicBaseUrl,
  },
  `serving on ${localUrl(boundPort)} (evidence pack: ${localUrl(boundPort)}/reports)`,
);

const sweepEvery = Number(env.SWEEP_INTERVAL_MS ?? 15_000);
const sweeper = setInterval(() => {
  try {
    const r = sweepDeadlines(deps);
    if (r.fired > 0) logger.info(r, 'deadlines fired');
  } catch (e) {
    logger.error({ err: (e as Error).message }, 'deadline sweep failed');
  }
}, sweepEvery);

// Idle SSE connections get a comment now and then, so proxies and browsers keep them open.
const keepAlive = setInterval(() => deps.feed?.keepAlive(), Number(env.STREAM_KEEPALIVE_MS ?? 15_000));

let mailTimer: NodeJS.Timeout | null = null;
if (mail) {
  const transport = createTransport(mail);
  let busy = false;
  mailTimer = setInterval(
    () => {
      if (busy) return;
      busy = true;
      deliverOutbox(deps, transport, { from: mail.from })
        .then((r) => {
          if (r.sent + r.failed > 0) logger.info(r, 'outbox delivery');
        })
        .catch((e: Error) => logger.error({ err: e.message }, 'outbox delivery failed'))
        .finally(() => {
          busy = false;
        });
    },
    Number(env.OUTBOX_INTERVAL_MS ?? 5_000),
  );
}

let stopping = false;
function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal, inFlight }, 'shutting down: no new connections; finishing requests in flight');
  clearInterval(sweeper);
  clearInterval(keepAlive);
  if (mailTimer) clearInterval(mailTimer);
  // Live streams never finish by themselves: end them, or the server would wait for them until forced.
  deps.feed?.close();
  const force = setTimeout(() => {
    logger.error({ inFlight }, 'requests still running after 10 s; closing anyway');
    closeDatabase(db);
    process.exit(1);
  }, 10_000);
  force.unref();
  server.close(() => {
    closeDatabase(db);
    logger.info('database closed; bye');
    process.exit(0);
  });
  if ('closeIdleConnections' in server) (server as { closeIdleConnections(): void }).closeIdleConnections();
}
