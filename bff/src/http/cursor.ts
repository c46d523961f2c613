import { createHmac, timingSafeEqual } from 'node:crypto';
import { ForklineError } from '#shared/errors/catalogue.js';

// Versioned, so the cursor's content can change later; a1 (a bare seq) is no longer taken.
const VERSION = 'a2';
const MAC_BYTES = 16;

export interface CursorCodec {
  /** An opaque page cursor for `userId`'s walk: the last returned row's seq, signed. */
  encode(userId: string, seq: number): string;
  /** The seq of a cursor this server gave out for `userId`'s walk; else INVALID_REQUEST. */
  decode(userId: string, cursor: string): number;
}

/**
 * Page cursors bound to the user whose activities they walk: base64url of the seq and an
 * HMAC over (user, seq). A cursor of another user's walk, or one edited by hand, is
 * refused instead of silently walking from an arbitrary place.
 */
export function createCursorCodec(secret: string): CursorCodec {
  // A key of its own, derived from the server's secret: a cursor is no token.
  const key = createHmac('sha256', secret).update('forkline-activity-cursor').digest();
  const mac = (userId: string, seq: number) =>
    createHmac('sha256', key).update(`${userId}\u0000${seq}`).digest().subarray(0, MAC_BYTES);
  const refuse = () =>
    new ForklineError(
      'INVALID_REQUEST',
      'the query string field "cursor" must be the nextCursor of a previous page of this user\'s activities, unchanged',
    );
  return {
    encode: (userId, seq) =>
      Buffer.from(`${VERSION}:${seq}:${mac(userId, seq).toString('base64url')}`).toString('base64url'),
    decode(userId, cursor) {
      const text = Buffer.from(cursor, 'base64url').toString('utf8');
      const match = /^a2:([1-9][0-9]{0,15}):([A-Za-z0-9_-]{22})$/.exec(text);
      const seq = match ? Number(match[1]) : NaN;
      if (!match || !Number.isSafeInteger(seq)) throw refuse();
      const given = Buffer.from(match[2]!, 'base64url');
      const expected = mac(userId, seq);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refuse();
      // One spelling per cursor: base64url with trailing junk decodes to the same text.
      if (this.encode(userId, seq) !== cursor) throw refuse();
      return seq;
    },
  };
}
