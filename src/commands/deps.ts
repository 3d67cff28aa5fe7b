import type { Db } from '../../db/client.js';
import type { Actor } from '../../machines/kit.js';
import type { Clock } from '../clock.js';
import type { ForceConfig } from '../config/schema.js';
import type { ChangeFeed } from '../live/change-feed.js';
import type { PersonKeyer } from '../domain/person-key.js';
import type { PartnerLinks } from '../referrals/partner-link.js';
import type { Refusal } from './refusal.js';
import type { UnitOfWork } from './unit-of-work.js';

/** Everything a command needs from the outside world, passed in (no globals). */
export interface CommandDeps {
  db: Db;
  clock: Clock;
  config: ForceConfig;
  keyer: PersonKeyer;
  /** When false, no email is queued (no mail transport configured): alerts stay in the API, email referrals are
   * refused. */
  mailEnabled: boolean;
  /** Signs the partner response links put in referral emails (absent: emails carry no link). */
  partnerLinks?: PartnerLinks;
  /** How writes become durable; defaults to one transaction per command (see unit-of-work.ts). */
  uow?: UnitOfWork;
  /** Where committed changes are announced to open consoles (GET /api/stream); absent: nobody is told. */
  feed?: ChangeFeed;
}

export interface CommandMeta {
  actor: Actor;
  idempotencyKey: string | null;
  requestHash: string;
}

/** What a command did: its answer (stored for idempotent replay), or why it was refused (nothing written). */
export type CommandResult<T = unknown, R = Refusal> =
  | { ok: true; status: number; body: T; etag: string | null; replayed: boolean }
  | { ok: false; refusal: R };

export const SYSTEM_ACTOR: Actor = { id: 'system', role: 'system' };
