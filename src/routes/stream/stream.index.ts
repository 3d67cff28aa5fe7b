/** Wires the live change feed route: declared in the OpenAPI document, served by the streaming handler. */
import type { AppOpenAPI } from '../../http/types.js';
import type { ChangeFeed } from '../../live/change-feed.js';
import { streamHandler } from './stream.handlers.js';
import { stream } from './stream.routes.js';

export function registerStream(app: AppOpenAPI, feed: ChangeFeed) {
  app.openAPIRegistry.registerPath(stream);
  app.get('/api/stream', streamHandler(feed));
}
