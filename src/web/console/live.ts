/**
 * The console's event stream (Server-Sent Events at /console/live): each open page holds one, and
 * its htmx partials reload themselves when an event they listen for arrives (`hx-trigger="sse:…"`).
 * Events: `incident` (any incident changed: queue and board reload), `inc-<id>` (this incident
 * changed: its page reloads its header and timeline), `alert` (the banner and the badge reload).
 * The changes come from a `LiveFeed` (the engine's feed of committed changes); a comment line every
 * 15 s keeps proxies from closing an idle stream, and the browser reconnects by itself.
 */
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { AppEnv } from '../../http/types.js';

/** A committed change, as the console needs to hear of it. */
export interface LiveChange {
  kind: 'incident' | 'alert';
  incidentId: string | null;
}

/** Where changes come from: subscribe, and unsubscribe with the function returned. */
export interface LiveFeed {
  subscribe(listener: (change: LiveChange) => void): () => void;
}

/** A feed that never reports anything (until the engine's feed is wired in). */
export const silentFeed: LiveFeed = { subscribe: () => () => {} };

const HEARTBEAT_MS = 15_000;

/** The SSE answer for one page. */
export function liveStream(c: Context<AppEnv>, feed: LiveFeed) {
  c.header('Cache-Control', 'no-store');
  return streamSSE(c, async (stream) => {
    let queue = Promise.resolve();
    const send = (event: string, data: string) => {
      queue = queue.then(() => stream.writeSSE({ event, data })).catch(() => {});
    };
    const unsubscribe = feed.subscribe((change) => {
      if (change.kind === 'alert') send('alert', change.incidentId ?? '');
      else {
        send('incident', change.incidentId ?? '');
        if (change.incidentId) send(`inc-${change.incidentId}`, change.incidentId);
      }
    });
    stream.onAbort(unsubscribe);
    send('hello', 'live');
    while (!stream.aborted && !stream.closed) {
      await stream.sleep(HEARTBEAT_MS);
      queue = queue
        .then(async () => {
          await stream.write(': still here\n\n');
        })
        .catch(() => {});
    }
    unsubscribe();
  });
}
