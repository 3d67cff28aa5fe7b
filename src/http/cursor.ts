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

/** A cursor for (sort value, two ids): a sort tie broken by two keys (incident and referral, detention and stay). */
export function encodeTriple([sortValue, a, b]: readonly [string, string, string]): string {
  return encodeCursor(sortValue, JSON.stringify([a, b]));
}

/** The (sort value, id, id) of a cursor made by encodeTriple, or null when it is not one. */
export function decodeTriple(cursor: string): [string, string, string] | null {
  const pair = decodeCursor(cursor);
  if (!pair) return null;
  try {
    const ids = JSON.parse(pair[1]) as unknown;
    if (Array.isArray(ids) && ids.length === 2 && typeof ids[0] === 'string' && typeof ids[1] === 'string')
      return [pair[0], ids[0], ids[1]];
  } catch {
    /* not a cursor of ours */
  }
  return null;
}
