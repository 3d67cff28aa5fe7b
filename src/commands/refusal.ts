/**
 * Why a command was refused, in the domain's own words: commands know nothing of HTTP. The route
 * turns a refusal into a problem response (src/http/refusal.ts); a refused command writes nothing.
 * Each kind is one reason a person can act on: fix the input, reload, pick another event, use a new key.
 */
import type { Violation } from '../../machines/kit.js';

export interface Issue {
  path: string;
  message: string;
}

/** What every refusal says: a stable code, a short title and a message a person can act on. */
interface Said {
  code: string;
  title: string;
  message: string;
}

/** The input is malformed or names something that does not exist (issues name the fields). */
export type Invalid = Said & { kind: 'invalid'; issues: Issue[] };
/** The thing the command is about does not exist. */
export type NotFound = Said & { kind: 'notFound' };
/** The command clashes with what exists (a reference or id already used elsewhere). */
export type Conflict = Said & { kind: 'conflict' };
/** One event a person or partner recorded, as a stale-version refusal lists it (who, what, when; no payload). */
export interface Change {
  seq: number;
  type: string;
  occurredAt: string;
  recordedAt: string;
  actor: { id: string; name: string; role: string };
}

/**
 * The client decided on an older version than the one stored (If-Match). `changes` are what people
 * and partners recorded since the version sent (for an incident), so a form can say what changed.
 */
export type StaleVersion = Said & { kind: 'staleVersion'; currentVersion: number; changes?: Change[] };
/** A rule refused it: which rule, and (once the incident exists) where it stands and what is allowed now. */
export type RuleViolation = Said & {
  kind: 'ruleViolation';
  rule: string | null;
  allowedEvents?: string[];
  state?: string;
  currentVersion?: number;
};
/** The idempotency key was already used for a different request. */
export type KeyReused = Said & { kind: 'keyReused' };

export type Refusal = Invalid | NotFound | Conflict | StaleVersion | RuleViolation | KeyReused;
/** What turning a user's input into a machine event can refuse (an unknown agency, a detention id in use …). */
export type TranslationRefusal = Invalid | Conflict | RuleViolation;
export type RefusalKind = Refusal['kind'];

export const invalid = (message: string, issues: Issue[]): Invalid => ({
  kind: 'invalid',
  code: 'VALIDATION_FAILED',
  title: 'Invalid request',
  message,
  issues,
});

/** One field is wrong: the message names it. */
export const badField = (path: string, message: string): Invalid => invalid(`${path}: ${message}`, [{ path, message }]);

export const notFound = (code: string, title: string, message: string): NotFound => ({
  kind: 'notFound',
  code,
  title,
  message,
});

export const conflict = (code: string, title: string, message: string): Conflict => ({
  kind: 'conflict',
  code,
  title,
  message,
});

export const staleVersion = (what: string, sent: number, currentVersion: number, changes?: Change[]): StaleVersion => ({
  kind: 'staleVersion',
  code: 'STALE_VERSION',
  title: `${what[0]!.toUpperCase()}${what.slice(1)} changed since you read it`,
  message:
    `you sent If-Match "${sent}" but the ${what} is at version ${currentVersion}` +
    (changes?.length ? ` (since then: ${changes.map((c) => `${c.type} by ${c.actor.name}`).join(', ')})` : '') +
    '; reload it and decide again',
  currentVersion,
  ...(changes ? { changes } : {}),
});

/** A machine's (or a translator's) refusal, titled by its rule. */
export const ruleViolation = (v: Violation, title?: string): RuleViolation => ({
  kind: 'ruleViolation',
  code: v.code,
  title: title ?? (v.rule ? `Rule ${v.rule} not met` : 'Not allowed now'),
  message: v.message,
  rule: v.rule,
});

const KINDS: ReadonlySet<string> = new Set<RefusalKind>([
  'invalid',
  'notFound',
  'conflict',
  'staleVersion',
  'ruleViolation',
  'keyReused',
]);

export const isRefusal = (x: unknown): x is Refusal =>
  typeof x === 'object' && x !== null && 'kind' in x && KINDS.has(String(x.kind)) && 'code' in x && 'message' in x;
