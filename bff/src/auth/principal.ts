import { ForklineError } from '#shared/errors/catalogue.js';
import type { TokenRefusal, UserTokens } from './userTokens.js';

/** Who is calling: the operator (admin token) or one user (a JWT whose sub is the userId). */
export type Principal = { kind: 'admin' } | { kind: 'user'; userId: string };

/**
 * What a route allows: only the admin; the admin and the user the route is about; or
 * anyone with a valid token (what every user may see, like the house price).
 */
export type Access = 'admin' | 'ownUser' | 'signedIn';

const BEARER = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)[ ]*$/i;

/**
 * Resolves the Authorization header to a principal, or throws UNAUTHORIZED (401).
 * The messages never echo the token.
 */
export function authenticate(
  header: string | undefined,
  isAdminToken: (token: string) => boolean,
  userTokens: UserTokens,
): Principal {
  if (header === undefined || header === '') {
    throw new ForklineError('UNAUTHORIZED', 'this route needs an Authorization: Bearer <token> header');
  }
  const token = BEARER.exec(header)?.[1];
  if (!token) {
    throw new ForklineError('UNAUTHORIZED', 'the Authorization header must be "Bearer <token>"');
  }
  if (isAdminToken(token)) return { kind: 'admin' };
  const verified = userTokens.verify(token);
  if (verified.ok) return { kind: 'user', userId: verified.userId };
  throw new ForklineError('UNAUTHORIZED', REFUSALS[verified.reason]);
}

const REFUSALS: Record<TokenRefusal, string> = {
  expired: 'the token has expired: ask for a new one',
  invalid: 'the token is not valid (malformed, tampered with, or signed with another secret)',
  'no-expiry': 'the token has no expiry (exp): forkline accepts only tokens that expire',
  'too-long': 'the token lives longer than this server accepts (check that exp is in seconds)',
  'issued-later': 'the token says it was issued in the future (iat): check the issuer’s clock',
  'wrong-party': 'the token was issued by or for another party (iss or aud)',
};

/** Throws FORBIDDEN (403) unless `principal` may use a route with this access rule. */
export function authorize(principal: Principal, access: Access, routeUserId: string | undefined): void {
  if (principal.kind === 'admin' || access === 'signedIn') return;
  if (access === 'ownUser' && routeUserId !== undefined && principal.userId === routeUserId) return;
  throw new ForklineError(
    'FORBIDDEN',
    access === 'admin'
      ? 'this route needs the admin token; a user token may only act on its own user (balance, activities, orders)'
      : "a user token may only act on its own user's balance, activities and orders",
  );
}
