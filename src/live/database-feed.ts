/** The change feed of one database: its notices carry that database's unacknowledged-alert counts. */
import type { Db } from '../../db/client.js';
import { unacknowledgedCounts } from '../queries/alerts.js';
import { ChangeFeed, type ChangeFeedOptions } from './change-feed.js';

export function databaseFeed(db: Db, opts: Omit<ChangeFeedOptions, 'alertSummary'> = {}): ChangeFeed {
  return new ChangeFeed({
    ...opts,
    alertSummary: () => {
      const c = unacknowledgedCounts(db);
      return { unacknowledgedCritical: c.critical, unacknowledged: c.total };
    },
  });
}
