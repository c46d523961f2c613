import type { FastifyRequest } from 'fastify';
import { ForklineError } from '#shared/errors/catalogue.js';
import { authenticate, type Principal } from './principal.js';
import type { UserTokens } from './userTokens.js';

export type Authentication = { ok: true; principal: Principal } | { ok: false; error: ForklineError };

export type RequestAuthenticator = (request: FastifyRequest) => Authentication;

/**
 * Authenticates a request once: the rate limiter and the route's access hook both need
 * the outcome, and a JWT should be verified once per request.
 */
export function createRequestAuthenticator(
  isAdminToken: (token: string) => boolean,
  userTokens: UserTokens,
): RequestAuthenticator {
  const outcomes = new WeakMap<FastifyRequest, Authentication>();
  return (request) => {
    let outcome = outcomes.get(request);
    if (!outcome) {
      try {
        outcome = {
          ok: true,
          principal: authenticate(request.headers.authorization, isAdminToken, userTokens),
        };
      } catch (err) {
        if (!(err instanceof ForklineError)) throw err;
        outcome = { ok: false, error: err };
      }
      outcomes.set(request, outcome);
    }
    return outcome;
  };
}
