/**
 * The one place commands tell the live change feed what they changed: the notice is handed to the
 * unit of work and published only after the command's writes are committed (a refused or rolled
 * back command announces nothing). Every event goes through `commitEvent`, which announces it, so
 * user commands, the deadline sweeper, the outbox worker and partner answers all reach the feed
 * without any route publishing anything itself.
 */
import type { ChangeNotice } from '../live/change-feed.js';
import type { CommandDeps } from './deps.js';
import { defaultUnitOfWork } from './unit-of-work.js';

export function announce(deps: CommandDeps, notice: ChangeNotice): void {
  const feed = deps.feed;
  if (!feed) return;
  (deps.uow ?? defaultUnitOfWork(deps.db.$client)).afterCommit(() => feed.publish([notice]));
}
