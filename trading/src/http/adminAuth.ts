import { createHash, timingSafeEqual } from 'node:crypto';
import type { onRequestHookHandler } from 'fastify';
import { ForklineError } from '#shared/errors/catalogue.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/**
 * Every route but the probes takes the admin bearer token: only the BFF and the CLI call
 * this service, and the BFF decides who may act for which user. Digests are compared,
 * so neither the token's length nor a matching prefix leaks through timing.
 */
export function createAdminAuth(adminToken: string): onRequestHookHandler {
  const expected = sha256(adminToken);
  return (request, _reply, done) => {
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer (\S+)$/i.exec(header);
    if (!match) {
      return done(new ForklineError('UNAUTHORIZED', 'send Authorization: Bearer <admin token>'));
    }
    if (!timingSafeEqual(sha256(match[1]!), expected)) {
      return done(new ForklineError('UNAUTHORIZED', 'the bearer token is not the admin token'));
    }
    done();
  };
}
