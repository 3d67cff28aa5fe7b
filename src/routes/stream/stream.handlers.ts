/**
 * GET /api/stream: each connected console is one subscriber of the change feed until it disconnects
 * or the server shuts down (the feed closes every stream). Only roles that may read incidents get a
 * stream at all (the route guard holds it to `incident.read`); the notices carry ids and codes only.
 */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ChangeFeed } from '../../live/change-feed.js';
import type { AppEnv } from '../../http/types.js';

/** How long a browser waits before reconnecting after the stream drops (ms). */
const RETRY_MS = 2000;

export const streamHandler = (feed: ChangeFeed) => (c: Context<AppEnv>) => {
  const lastEventId = c.req.header('last-event-id') ?? null;
  return streamSSE(c, async (s) => {
    // The first bytes: how soon to reconnect, and a comment saying the subscription is live. Writes are
    // queued in order, so this goes first and the subscription below is in place before any byte leaves.
    void s.write(`retry: ${RETRY_MS}\n: connected\n\n`);
    await new Promise<void>((ended) => {
      const stop = feed.subscribe(
        {
          send: (f) => void s.writeSSE(f).catch(() => {}),
          comment: (text) => void s.write(`: ${text}\n\n`),
          close: ended,
        },
        lastEventId,
      );
      s.onAbort(() => {
        stop();
        ended();
      });
    });
  });
};
