/**
 * Idempotency-Key: the first successful answer to a (user, key) is stored in the same transaction
 * as the change; a retry gets that answer back and writes nothing. A key reused for a different
 * request is refused. Refusals are not stored, so a retry after fixing the cause is re-evaluated.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../../db/client.js';
import { rowWriter } from '../../db/rows.js';
import { idempotencyKeys } from '../../db/schema.js';
import { getOrInsert } from '../lib/maps.js';

export interface StoredAnswer {
  requestHash: string;
  status: number;
  body: string;
  etag: string | null;
}

export const requestHash = (method: string, path: string, body: string) =>
  createHash('sha256').update(`${method} ${path}\n${body}`).digest('hex');

export class IdempotencyStore {
  readonly #get;
  readonly #put;
  constructor(db: Db) {
    this.#get = db.$client.prepare(
      'SELECT request_hash AS requestHash, status, body, etag FROM idempotency_keys WHERE actor_id = ? AND key = ?',
    );
    this.#put = rowWriter(db.$client, idempotencyKeys);
  }
  get(actorId: string, key: string): StoredAnswer | null {
    return (this.#get.get(actorId, key) as StoredAnswer | undefined) ?? null;
  }
  put(actorId: string, key: string, answer: StoredAnswer, createdAt: string): void {
    this.#put({ actorId, key, ...answer, createdAt });
  }
}

const stores = new WeakMap<Db, IdempotencyStore>();
export function idempotencyStore(db: Db): IdempotencyStore {
  return getOrInsert(stores, db, () => new IdempotencyStore(db));
}
