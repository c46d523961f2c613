import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { authorize, type Access } from './principal.js';
import type { RequestAuthenticator } from './requestAuth.js';

export type AccessHook = (
  access: Access,
) => (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void;

/**
 * Builds the onRequest hook of a route: authenticates before the body is read or
 * validated, so an anonymous caller learns nothing from 400s and cannot make the
 * server parse a large body.
 */
export function createAccessHook(authenticate: RequestAuthenticator): AccessHook {
  return (access) => (request, _reply, done) => {
    try {
      const outcome = authenticate(request);
      if (!outcome.ok) throw outcome.error;
      authorize(outcome.principal, access, (request.params as { userId?: string } | undefined)?.userId);
      done();
    } catch (err) {
      done(err as Error);
    }
  };
}
