/** Keyset pagination cursors: an opaque token for (sort value, id) of the last row returned. */
export function encodeCursor(sortValue: string, id: string): string {
  return Buffer.from(JSON.stringify([sortValue, id])).toString('base64url');
}

/** The (sort value, id) pair, or null when the token was not produced by encodeCursor. */
export function decodeCursor(cursor: string): [string, string] | null {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    return Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'string') ? (v as [string, string]) : null;
  } catch {
    return null;
  }
}
