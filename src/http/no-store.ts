/**
 * Which API answers may carry personal data, and so are marked `Cache-Control: no-store` (ACCESS.md
 * "Headers"): every `/api/*` answer but the OpenAPI document. One predicate serves the middleware that
 * sets the header and the OpenAPI document that declares it, so the two cannot drift apart.
 */
import type { AppOpenAPI } from './types.js';

type OpenAPIObject = ReturnType<AppOpenAPI['getOpenAPI31Document']>;

export const OPENAPI_PATH = '/api/openapi.json';

export const carriesPersonalData = (path: string): boolean => path.startsWith('/api/') && path !== OPENAPI_PATH;

const NO_STORE_HEADER = {
  description: 'May carry personal data: never stored by a browser or proxy',
  schema: { type: 'string', const: 'no-store' },
} as const;

/** Declares `Cache-Control: no-store` on every response of every operation whose path carries personal data. */
export function declareNoStore(doc: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    if (!carriesPersonalData(path)) continue;
    for (const op of Object.values(item)) {
      const responses = (op as { responses?: Record<string, { headers?: Record<string, unknown> }> }).responses;
      for (const response of Object.values(responses ?? {})) {
        const headers = response.headers ?? {};
        if (!Object.keys(headers).some((h) => h.toLowerCase() === 'cache-control'))
          response.headers = { ...headers, 'Cache-Control': NO_STORE_HEADER };
      }
    }
  }
  return doc;
}
