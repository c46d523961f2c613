import type { FastifyInstance } from 'fastify';
import { ForklineError } from '#shared/errors/catalogue.js';
import { accessSecurity } from '../auth/accessSecurity.js';
import { fromDatabase } from '../http/fromDatabase.js';
import { problemResponses } from '../http/problemResponses.js';
import { userIdParams } from '../http/schemas.js';
import { createSseStream } from '../live/createSseStream.js';
import type { RouteDeps } from './routeDeps.js';

/**
 * `GET /v1/users/:userId/events`: the user's live updates as Server-Sent Events (see
 * createLiveHub). The token goes in the Authorization header, never in the URL: a page
 * reads the stream with fetch(). Refusals (auth, unknown user, the subscriber limit) are
 * answered as problems before the stream starts.
 */
export function registerEventRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get<{ Params: { userId: string }; Headers: { 'last-event-id'?: string } }>(
    '/v1/users/:userId/events',
    {
      onRequest: deps.access('ownUser'),
      schema: {
        summary: "A user's live updates (Server-Sent Events): balance and changed activities",
        security: accessSecurity('ownUser'),
        params: userIdParams,
        headers: {
          type: 'object',
          properties: {
            'last-event-id': {
              type: 'string',
              pattern: '^[0-9]{1,15}$',
              description: 'The id of the last event received: what came after it is sent first',
            },
          },
        },
        response: {
          200: {
            description:
              'An event stream: `change` (id: the change id; data: {userId, balance, activities, removed}), ' +
              '`reset` (refetch everything), `tip` (data: {height, hash}), and `: ping` heartbeats',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          ...problemResponses('ownUser', [
            'INVALID_REQUEST',
            'NOT_FOUND',
            'DEPENDENCY_UNAVAILABLE',
            'TOO_MANY_SUBSCRIBERS',
          ]),
        },
      },
    },
    async (request, reply) => {
      const { userId } = request.params;
      if (!deps.live.hasRoom()) {
        throw new ForklineError(
          'TOO_MANY_SUBSCRIBERS',
          'this server has as many live subscribers as it takes; try again shortly',
        );
      }
      const known = await fromDatabase('views', () => deps.balances.read(userId));
      if (!known)
        throw new ForklineError('NOT_FOUND', `the read side knows no user ${JSON.stringify(userId)}`);
      const last = request.headers['last-event-id'];
      reply.hijack();
      deps.live.subscribe(userId, createSseStream(reply.raw), last === undefined ? undefined : Number(last));
    },
  );
}
