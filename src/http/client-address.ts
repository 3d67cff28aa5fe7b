/**
 * The client's address, for per-client limits: the socket's remote address, or the last
 * X-Forwarded-For entry when the force says a proxy in front sets it (web.trustForwardedFor). A
 * request with neither (an in-process request, as tests make with app.request) has none: null.
 */
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

export function clientAddress(c: Context, trustForwardedFor: boolean): string | null {
  if (trustForwardedFor) {
    const last = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (last) return last;
  }
  try {
    return getConnInfo(c).remote.address ?? null;
  } catch {
    return null;
  }
}
