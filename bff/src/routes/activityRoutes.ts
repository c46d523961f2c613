import type { FastifyInstance } from 'fastify';
import { ForklineError } from '#shared/errors/catalogue.js';
import { activityItem } from '../activities/activityItem.js';
import { readActivitiesPage } from '../db/readActivitiesPage.js';
import { accessSecurity } from '../auth/accessSecurity.js';
import { fromDatabase } from '../http/fromDatabase.js';
import { problemResponses } from '../http/problemResponses.js';
import { CURSOR_PATTERN, LIMIT_PATTERN, tipSchema, userIdParams } from '../http/schemas.js';
import { TIP_HEIGHT_HEADER } from './balanceRoutes.js';
import type { RouteDeps } from './routeDeps.js';

export const DEFAULT_PAGE_SIZE = 50;

const nullable = (type: string) => ({ type: [type, 'null'] });

export function registerActivityRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get<{ Params: { userId: string }; Querystring: { limit?: string; cursor?: string } }>(
    '/v1/users/:userId/activities',
    {
      onRequest: deps.access('ownUser'),
      schema: {
        summary: "A user's activities, newest first, a page at a time",
        security: accessSecurity('ownUser'),
        params: userIdParams,
        querystring: {
          type: 'object',
          properties: {
            limit: { type: 'string', pattern: LIMIT_PATTERN },
            cursor: { type: 'string', pattern: CURSOR_PATTERN },
          },
          additionalProperties: false,
        },
        response: {
          200: {
            description: 'A page of activities at the chain position `tip`',
            headers: {
              [TIP_HEIGHT_HEADER]: {
                type: 'integer',
                description: 'tip.height (absent before the first block)',
              },
            },
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    txid: nullable('string'),
                    type: { type: 'string' },
                    amountSats: { type: 'integer' },
                    status: { type: 'string' },
                    blockHeight: nullable('integer'),
                    blockHash: nullable('string'),
                    confirmations: nullable('integer'),
                    replacedBy: nullable('string'),
                    dropReason: nullable('string'),
                    replaceable: nullable('boolean'),
                    firstSeenAt: { type: 'string' },
                    orderId: nullable('string'),
                    side: { type: 'string' },
                    limitPriceEurCents: nullable('integer'),
                    priceEurCents: nullable('integer'),
                    eurCents: nullable('integer'),
                    rejectReason: nullable('string'),
                    settlement: {
                      type: ['object', 'null'],
                      properties: {
                        txid: { type: 'string' },
                        status: { type: 'string' },
                        confirmations: nullable('integer'),
                        deltaSats: nullable('integer'),
                      },
                    },
                  },
                },
              },
              nextCursor: nullable('string'),
              tip: tipSchema,
            },
          },
          ...problemResponses('ownUser', ['INVALID_REQUEST', 'NOT_FOUND', 'DEPENDENCY_UNAVAILABLE']),
        },
      },
    },
    async (request, reply) => {
      const { userId } = request.params;
      const limit = request.query.limit === undefined ? DEFAULT_PAGE_SIZE : Number(request.query.limit);
      const beforeSeq =
        request.query.cursor === undefined ? undefined : deps.cursors.decode(userId, request.query.cursor);
      // One row more than asked tells whether there is a next page without a count.
      const page = await fromDatabase('views', () =>
        readActivitiesPage(deps.views, userId, { beforeSeq, limit: limit + 1 }),
      );
      if (!page.known) {
        throw new ForklineError('NOT_FOUND', `the read side knows no user ${JSON.stringify(userId)}`);
      }
      const rows = page.rows.slice(0, limit);
      const last = rows[rows.length - 1];
      if (page.tip) reply.header(TIP_HEIGHT_HEADER, String(page.tip.height));
      return {
        items: rows.map((row) => activityItem(row, page.tip)),
        nextCursor: page.rows.length > limit && last ? deps.cursors.encode(userId, last.seq) : null,
        tip: page.tip,
      };
    },
  );
}
