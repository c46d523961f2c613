import * as crypto from 'node:crypto';

type OneShotHash = (algorithm: string, data: string, outputEncoding: 'buffer') => Buffer;

// crypto.hash (Node ≥ 20.12) hashes in one call, without a Hash object per request: the
// admin-token check runs it on every authenticated request.
const oneShot = (crypto as { hash?: OneShotHash }).hash;

/** The SHA-256 digest of a string's UTF-8 bytes. */
export const sha256: (data: string) => Buffer = oneShot
  ? (data) => oneShot('sha256', data, 'buffer')
  : (data) => crypto.createHash('sha256').update(data, 'utf8').digest();
