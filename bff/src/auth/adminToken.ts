import { timingSafeEqual } from 'node:crypto';
import { sha256 } from './sha256.js';

/**
 * Compares a presented bearer token with the admin token in constant time. Both are
 * hashed first: timingSafeEqual needs equal lengths, and comparing digests leaks
 * neither the token's length nor how many leading characters matched.
 */
export function createAdminTokenCheck(adminToken: string): (candidate: string) => boolean {
  const expected = sha256(adminToken);
  return (candidate) => timingSafeEqual(sha256(candidate), expected);
}
