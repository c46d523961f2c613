import type { FastifyInstance } from 'fastify';
import { ForklineError } from '#shared/errors/catalogue.js';
import { readUserAddresses } from '../db/readUserAddresses.js';
import { accessSecurity } from '../auth/accessSecurity.js';
import { fromDatabase } from '../http/fromDatabase.js';
import { problemResponses } from '../http/problemResponses.js';
import { LIMIT_PATTERN, userIdParams } from '../http/schemas.js';
import { DEFAULT_PAGE_SIZE } from './activityRoutes.js';
import type { RouteDeps } from './routeDeps.js';

/** A user's watched addresses as the read side knows them, with their rescans. */
export function registerAddressRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get<{ Params: { userId: string }; Querystring: { limit?: string; after?: string } }>(
    '/v1/users/:userId/addresses',
    {
      onRequest: deps.access('ownUser'),
      schema: {
        summary:
          "A user's watched addresses, in address order: whether each one's history is being rescanned",
        security: accessSecurity('ownUser'),
        params: userIdParams,
        querystring: {
          type: 'object',
          properties: {
            limit: { type: 'string', pattern: LIMIT_PATTERN },
            after: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9]+$' },
          },
          additionalProperties: false,
        },
        response: {
          200: {
            description: 'A page; `nextAfter` gives the next one (null: no more)',
            type: 'object',
            properties: {
              userId: { type: 'string' },
              addresses: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    address: { type: 'string' },
                    addressType: { type: 'string' },
                    addedAt: { type: 'string', format: 'date-time' },
                    rescanFromHeight: { type: ['integer', 'null'] },
                    rescanning: { type: 'boolean' },
                  },
                  required: ['address', 'addressType', 'addedAt', 'rescanFromHeight', 'rescanning'],
                },
              },
              nextAfter: { type: ['string', 'null'] },
            },
            required: ['userId', 'addresses', 'nextAfter'],
          },
          ...problemResponses('ownUser', ['INVALID_REQUEST', 'NOT_FOUND', 'DEPENDENCY_UNAVAILABLE']),
        },
      },
    },
    async (request) => {
      const { userId } = request.params;
      const limit = request.query.limit === undefined ? DEFAULT_PAGE_SIZE : Number(request.query.limit);
      const page = await fromDatabase('views', () =>
        readUserAddresses(deps.views, userId, { after: request.query.after, limit: limit + 1 }),
      );
      if (!page.known)
        throw new ForklineError('NOT_FOUND', `the read side knows no user ${JSON.stringify(userId)}`);
      const rows = page.rows.slice(0, limit);
      return {
        userId,
        addresses: rows,
        nextAfter: page.rows.length > limit ? rows.at(-1)!.address : null,
      };
    },
  );
}
