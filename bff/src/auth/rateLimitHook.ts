import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { ForklineError } from '#shared/errors/catalogue.js';
import type { Principal } from './principal.js';
import type { RequestAuthenticator } from './requestAuth.js';
import { createWindowCounter } from './windowCounter.js';

export interface RateLimitOptions {
  authenticate: RequestAuthenticator;
  /** Requests per minute per principal (the admin, or one user). */
  perPrincipal: number;
  /** Requests without a valid token per minute per client IP. */
  failuresPerIp: number;
  now?: () => number;
}

const MINUTE_MS = 60_000;

const principalKey = (principal: Principal): string =>
  principal.kind === 'admin' ? 'admin' : `user:${principal.userId}`;

function rateLimited(reply: FastifyReply, message: string, waitMs: number): ForklineError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  reply.header('retry-after', String(seconds));
  return new ForklineError('RATE_LIMITED', `${message}; retry in ${seconds} second${seconds > 1 ? 's' : ''}`);
}

/**
 * The app-wide onRequest hook, which runs before every route's own access hook. An
 * address that has spent its budget of requests without a valid token is refused before
 * its token is looked at (a correct guess gets 429 too, and costs no verification); a
 * valid token is counted against its principal, whatever the header's spelling, whichever
 * token of that user, from whichever address. Routes with `config: { rateLimit: false }`
 * (the probes) are not counted.
 */
export function createRateLimitHook(options: RateLimitOptions) {
  const { authenticate, perPrincipal, failuresPerIp } = options;
  const now = options.now ?? Date.now;
  const principals = createWindowCounter({ max: perPrincipal, windowMs: MINUTE_MS });
  const failures = createWindowCounter({ max: failuresPerIp, windowMs: MINUTE_MS });

  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    if ((request.routeOptions.config as { rateLimit?: boolean }).rateLimit === false) return done();
    const at = now();
    const blocked = failures.blockedFor(request.ip, at);
    if (blocked > 0) {
      return done(
        rateLimited(
          reply,
          `more than ${failuresPerIp} requests without a valid token per minute from this address`,
          blocked,
        ),
      );
    }
    const outcome = authenticate(request);
    if (!outcome.ok) {
      // Counted here; the route's access hook answers the 401 (an unknown route, 404).
      failures.hit(request.ip, at);
      return done();
    }
    const wait = principals.hit(principalKey(outcome.principal), at);
    if (wait > 0) {
      return done(rateLimited(reply, `more than ${perPrincipal} requests per minute with this token`, wait));
    }
    done();
  };
}
