import { ForklineError } from '#shared/errors/catalogue.js';

// Versioned, so the cursor's content can change later without breaking old clients' links.
const PREFIX = 'a1:';

/** An opaque page cursor: base64url of the last returned row's seq. */
export const encodeCursor = (seq: number): string => Buffer.from(`${PREFIX}${seq}`).toString('base64url');

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^a1:([1-9][0-9]{0,15})$/.exec(text);
  const seq = match ? Number(match[1]) : NaN;
  if (!Number.isSafeInteger(seq) || encodeCursor(seq) !== cursor) {
    throw new ForklineError(
      'INVALID_REQUEST',
      'the query string field "cursor" must be the nextCursor of a previous page, unchanged',
    );
  }
  return seq;
}
