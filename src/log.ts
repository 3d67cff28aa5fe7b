/**
 * Structured logs (pino). Rule: never log request bodies, event payloads, identifiers or free
 * text — only route patterns, status codes, timings, user ids and error codes.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service: 'mh-triage' },
    redact: {
      paths: ['*.authorization', '*.token', '*.identifiers', '*.name', '*.dateOfBirth', '*.nhsNumber'],
      remove: true,
    },
  });
}

export const silentLogger: Logger = pino({ level: 'silent' });
