import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Compares a presented bearer token with the admin token in constant time. Both are
 * hashed first: timingSafeEqual needs equal lengths, and comparing digests leaks
 * neither the token's length nor how many leading characters matched.
 */
export function createAdminTokenCheck(adminToken: string): (candidate: string) => boolean {
  const expected = digest(adminToken);
  return (candidate) => timingSafeEqual(digest(candidate), expected);
}
