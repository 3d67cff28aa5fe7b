/**
 * How a command's writes become durable.
 *
 * - `serialUnitOfWork`: one BEGIN IMMEDIATE … COMMIT per command. Durable when `run` returns.
 *   Used by the CLI tools and by code that calls commands directly.
 * - `groupCommitUnitOfWork`: commands that arrive together share one transaction, each inside its
 *   own SAVEPOINT, and the transaction commits once (one fsync) on the next turn of the event loop.
 *   Each command is still atomic: a refusal or a throw rolls back to its savepoint and leaves the
 *   others intact. Nothing is acknowledged until it is durable: the HTTP layer awaits `durable()`
 *   before answering, and if the commit fails every command in the batch answers 503 and none of
 *   them is stored. This is what databases call group commit; with synchronous=FULL it replaces one
 *   fsync per command by one per batch.
 *
 * Commands are executed one at a time either way (better-sqlite3 is synchronous), so a command in a
 * batch sees the commands before it exactly as if each had committed on its own.
 *
 * `afterCommit` is how a command says what should happen once its writes are durable (the live
 * change feed): the callbacks of a command that is refused or throws are dropped with its writes,
 * and those of a batch whose commit fails are never run.
 */
import type Database from 'better-sqlite3';
import { getOrInsert } from '../lib/maps.js';

export interface UnitOfWork {
  /** Run `work` atomically: all its writes, or none if it returns a refusal (`ok: false`) or throws. */
  run<R extends Outcome>(work: () => R): R;
  /** Resolves once everything run so far is committed; rejects if that commit failed. */
  durable(): Promise<void>;
  /** Inside `run`: call `fn` once the running command's writes are committed (never if they are not). */
  afterCommit(fn: () => void): void;
}

/** The callbacks of the command running now (null outside `run`). */
class AfterCommit {
  #current: Array<() => void> | null = null;
  add(fn: () => void): void {
    if (!this.#current) throw new Error('afterCommit is only for a command running in this unit of work');
    this.#current.push(fn);
  }
  /** Collect the callbacks `work` adds; they are returned only when `work` returns normally. */
  collect<R>(work: () => R): { result: R; callbacks: Array<() => void> } {
    const callbacks: Array<() => void> = [];
    this.#current = callbacks;
    try {
      return { result: work(), callbacks };
    } finally {
      this.#current = null;
    }
  }
}

const runAll = (fns: Array<() => void>) => {
  for (const fn of fns) fn();
};

/** What a unit of work needs to know of a command's result: whether to keep its writes. */
type Outcome = { ok: boolean };

/** Thrown out of a better-sqlite3 transaction to roll back a refused command. */
class Refused {
  constructor(readonly result: Outcome) {}
}

export function serialUnitOfWork(sqlite: Database.Database): UnitOfWork {
  const after = new AfterCommit();
  const tx = sqlite.transaction((work: () => Outcome) => {
    const r = work();
    if (!r.ok) throw new Refused(r);
    return r;
  });
  return {
    run<R extends Outcome>(work: () => R): R {
      try {
        const { result, callbacks } = after.collect(() => tx.immediate(work) as R);
        runAll(callbacks);
        return result;
      } catch (e) {
        if (e instanceof Refused) return e.result as R;
        throw e;
      }
    },
    durable: () => Promise.resolve(),
    afterCommit: (fn) => after.add(fn),
  };
}

export class CommitFailed extends Error {
  override name = 'CommitFailed';
}

export function groupCommitUnitOfWork(
  sqlite: Database.Database,
  onCommitError: (e: Error) => void = () => {},
): UnitOfWork {
  let batch: {
    promise: Promise<void>;
    resolve: () => void;
    reject: (e: Error) => void;
    size: number;
    callbacks: Array<() => void>;
  } | null = null;
  const after = new AfterCommit();

  const flush = () => {
    const b = batch;
    batch = null;
    if (!b) return;
    try {
      sqlite.exec('COMMIT');
    } catch (e) {
      try {
        if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
      } catch {
        /* the transaction is already gone */
      }
      const err = new CommitFailed(`the batch of ${b.size} command(s) could not be committed: ${(e as Error).message}`);
      onCommitError(err);
      b.reject(err);
      return;
    }
    b.resolve();
    runAll(b.callbacks);
  };

  return {
    run<R extends Outcome>(work: () => R): R {
      if (!batch) {
        sqlite.exec('BEGIN IMMEDIATE');
        let resolve!: () => void;
        let reject!: (e: Error) => void;
        const promise = new Promise<void>((res, rej) => {
          resolve = res;
          reject = rej;
        });
        promise.catch(() => {}); // awaited per request; an unobserved rejection must not crash the process
        batch = { promise, resolve, reject, size: 0, callbacks: [] };
        setImmediate(flush);
      }
      batch.size++;
      sqlite.exec('SAVEPOINT command');
      let done: { result: R; callbacks: Array<() => void> };
      try {
        done = after.collect(work);
      } catch (e) {
        sqlite.exec('ROLLBACK TO command; RELEASE command');
        throw e;
      }
      const r = done.result;
      sqlite.exec(r.ok ? 'RELEASE command' : 'ROLLBACK TO command; RELEASE command');
      if (r.ok) batch.callbacks.push(...done.callbacks);
      return r;
    },
    durable: () => batch?.promise ?? Promise.resolve(),
    afterCommit: (fn) => after.add(fn),
  };
}

const serialByDb = new WeakMap<Database.Database, UnitOfWork>();
/** The per-database default: one transaction per command. */
export function defaultUnitOfWork(sqlite: Database.Database): UnitOfWork {
  return getOrInsert(serialByDb, sqlite, () => serialUnitOfWork(sqlite));
}
