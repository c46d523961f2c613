import type { FastifyInstance } from 'fastify';
import { ForklineError } from '#shared/errors/catalogue.js';
import { readOrderAddresses } from '../db/readOrderAddresses.js';
import { accessSecurity } from '../auth/accessSecurity.js';
import { fromDatabase } from '../http/fromDatabase.js';
import { problemResponses } from '../http/problemResponses.js';
import {
  IDEMPOTENCY_KEY_PATTERN,
  NO_QUERY,
  ORDER_ID_PATTERN,
  USER_ID_PATTERN,
  userIdParams,
} from '../http/schemas.js';
import type { OrderSide } from '#shared/events/types.js';
import type { OrderView } from '#shared/orders/orderView.js';
import type { RouteDeps } from './routeDeps.js';

const SATS = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;

const orderParams = {
  type: 'object',
  properties: {
    userId: { type: 'string', pattern: USER_ID_PATTERN },
    orderId: { type: 'string', pattern: ORDER_ID_PATTERN },
  },
  required: ['userId', 'orderId'],
  additionalProperties: false,
} as const;

const nullableInt = { type: ['integer', 'null'] } as const;

/** An order as the API answers it: the trading service's own representation. */
export const orderSchema = {
  type: 'object',
  properties: {
    orderId: { type: 'string' },
    userId: { type: 'string' },
    side: { type: 'string', enum: ['buy', 'sell'] },
    amountSats: { type: 'integer' },
    limitPriceEurCents: nullableInt,
    status: { type: 'string', enum: ['open', 'filled', 'cancelled', 'rejected'] },
    priceEurCents: nullableInt,
    eurCents: nullableInt,
    rejectReason: { type: ['string', 'null'] },
    settlement: {
      type: ['object', 'null'],
      properties: { state: { type: 'string' }, txid: { type: ['string', 'null'] } },
      required: ['state', 'txid'],
    },
    placedAt: { type: 'string' },
    updatedAt: { type: 'string' },
  },
  required: [
    'orderId',
    'userId',
    'side',
    'amountSats',
    'limitPriceEurCents',
    'status',
    'priceEurCents',
    'eurCents',
    'rejectReason',
    'settlement',
    'placedAt',
    'updatedAt',
  ],
} as const;

/** The order, if it is this user's: another user's is refused (403), a missing one is 404. */
async function ownOrder(deps: RouteDeps, userId: string, orderId: string): Promise<OrderView> {
  const order = await deps.trading.getOrder(orderId);
  if (order.userId !== userId) {
    throw new ForklineError('FORBIDDEN', `the order ${orderId} belongs to another user`);
  }
  return order;
}

/**
 * Orders: the BFF checks who may act for which user and which addresses are theirs (a
 * buy is paid to the newest, a sell spends coins at them only), then passes the command
 * to the trading service over HTTP (TRADING_URL), which owns orders.
 */
export function registerOrderRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.post<{
    Params: { userId: string };
    Body: { side: OrderSide; amountSats: number; limitPriceEurCents?: number };
    Headers: { 'idempotency-key'?: string };
  }>(
    '/v1/users/:userId/orders',
    {
      onRequest: deps.access('ownUser'),
      schema: {
        summary: 'Place a buy or sell order for a user (market, or with a limit price)',
        security: accessSecurity('ownUser'),
        params: userIdParams,
        querystring: NO_QUERY,
        headers: {
          type: 'object',
          properties: { 'idempotency-key': { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN } },
        },
        body: {
          type: 'object',
          properties: {
            side: { type: 'string', enum: ['buy', 'sell'] },
            amountSats: SATS,
            limitPriceEurCents: SATS,
          },
          required: ['side', 'amountSats'],
          additionalProperties: false,
        },
        response: {
          201: {
            description: 'Placed (a replayed Idempotency-Key answers the first status and order)',
            headers: { Location: { type: 'string' } },
            ...orderSchema,
          },
          ...problemResponses('ownUser', [
            'INVALID_REQUEST',
            'PAYLOAD_TOO_LARGE',
            'NOT_FOUND',
            'NO_ADDRESS',
            'NO_PRICE',
            'IDEMPOTENCY_KEY_REUSED',
            'DEPENDENCY_UNAVAILABLE',
          ]),
        },
      },
    },
    async (request, reply) => {
      const { userId } = request.params;
      const { known, addresses } = await fromDatabase('online', () =>
        readOrderAddresses(deps.online, userId),
      );
      if (!known) throw new ForklineError('NOT_FOUND', `there is no user ${JSON.stringify(userId)}`);
      const [newest] = addresses;
      if (newest === undefined) {
        throw new ForklineError(
          'NO_ADDRESS',
          `the user ${JSON.stringify(userId)} has no registered address to settle with: register one first (POST /v1/users/:userId/addresses)`,
        );
      }
      const { side, amountSats, limitPriceEurCents } = request.body;
      const answer = await deps.trading.placeOrder(
        {
          userId,
          side,
          amountSats,
          ...(limitPriceEurCents === undefined ? {} : { limitPriceEurCents }),
          receiveAddress: newest,
          spendAddresses: addresses,
        },
        request.headers['idempotency-key'],
      );
      return reply
        .code(answer.status)
        .header('location', `/v1/users/${userId}/orders/${answer.body.orderId}`)
        .send(answer.body);
    },
  );

  app.get<{ Params: { userId: string; orderId: string } }>(
    '/v1/users/:userId/orders/:orderId',
    {
      onRequest: deps.access('ownUser'),
      schema: {
        summary: "One of a user's orders",
        security: accessSecurity('ownUser'),
        params: orderParams,
        querystring: NO_QUERY,
        response: {
          200: orderSchema,
          ...problemResponses('ownUser', ['INVALID_REQUEST', 'NOT_FOUND', 'DEPENDENCY_UNAVAILABLE']),
        },
      },
    },
    async (request) => ownOrder(deps, request.params.userId, request.params.orderId),
  );

  app.delete<{ Params: { userId: string; orderId: string } }>(
    '/v1/users/:userId/orders/:orderId',
    {
      onRequest: deps.access('ownUser'),
      schema: {
        summary: 'Cancel an open order',
        security: accessSecurity('ownUser'),
        params: orderParams,
        querystring: NO_QUERY,
        response: {
          200: { description: 'The order, now cancelled', ...orderSchema },
          ...problemResponses('ownUser', [
            'INVALID_REQUEST',
            'PAYLOAD_TOO_LARGE',
            'NOT_FOUND',
            'ORDER_NOT_OPEN',
            'DEPENDENCY_UNAVAILABLE',
          ]),
        },
      },
    },
    async (request) => {
      const { userId, orderId } = request.params;
      // An order never changes hands: checked once, then cancelled by id.
      await ownOrder(deps, userId, orderId);
      return deps.trading.cancelOrder(orderId);
    },
  );
}
