import type { FastifyInstance } from 'fastify';
import { addressToScript } from '#shared/bitcoin/addressToScript.js';
import { ForklineError } from '#shared/errors/catalogue.js';
import { selectOrder } from '../db/selectOrder.js';
import { cancelOrder } from '../orders/cancelOrder.js';
import { orderJson } from '../orders/orderJson.js';
import type { PlaceOrderRequest } from '#shared/orders/orderView.js';
import { placeOrder } from '../orders/placeOrder.js';
import type { RouteDeps } from './routeDeps.js';

const NO_QUERY = { type: 'object', properties: {}, additionalProperties: false } as const;
/** An address as text; checked against the network by the handler. */
const ADDRESS = { type: 'string', minLength: 1, maxLength: 100, pattern: '^\\S+$' } as const;
const UUID_PATTERN = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const orderIdParams = {
  type: 'object',
  properties: { orderId: { type: 'string', pattern: UUID_PATTERN } },
  required: ['orderId'],
  additionalProperties: false,
} as const;

export function registerOrderRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.post<{ Body: PlaceOrderRequest; Headers: { 'idempotency-key'?: string } }>(
    '/orders',
    {
      onRequest: deps.adminOnly,
      schema: {
        querystring: NO_QUERY,
        headers: {
          type: 'object',
          // Printable ASCII, no spaces: a key is an opaque token the caller made up.
          properties: {
            'idempotency-key': { type: 'string', minLength: 1, maxLength: 200, pattern: '^[!-~]+$' },
          },
        },
        body: {
          type: 'object',
          properties: {
            userId: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
            side: { type: 'string', enum: ['buy', 'sell'] },
            amountSats: { type: 'integer', minimum: 1, maximum: deps.settings.maxOrderSats },
            limitPriceEurCents: { type: 'integer', minimum: 1, maximum: 1_000_000_000_000 },
            receiveAddress: ADDRESS,
            spendAddresses: { type: 'array', minItems: 1, maxItems: 1000, items: ADDRESS },
          },
          required: ['userId', 'side', 'amountSats', 'receiveAddress', 'spendAddresses'],
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const { receiveAddress, spendAddresses } = request.body;
      // The receive address is one of the spend addresses: each is checked once.
      for (const address of new Set([receiveAddress, ...spendAddresses])) {
        const parsed = addressToScript(address, deps.settings.network);
        if (!parsed.ok) throw new ForklineError(parsed.code, parsed.message);
      }
      if (!spendAddresses.includes(receiveAddress)) {
        throw new ForklineError(
          'INVALID_REQUEST',
          'the field "receiveAddress" must be one of "spendAddresses" (the user\'s addresses)',
        );
      }
      const answer = await placeOrder(
        deps.placements,
        deps.funding,
        request.body,
        request.headers['idempotency-key'],
      );
      if (!answer.replayed) {
        deps.metrics.orders.inc({ outcome: 'placed' });
        if (answer.order.status !== 'open') deps.metrics.orders.inc({ outcome: answer.order.status });
        if (answer.order.status === 'filled') deps.settlementsDue();
      }
      return reply
        .code(answer.statusCode)
        .header('location', `/orders/${answer.order.orderId}`)
        .send(answer.order);
    },
  );

  app.get<{ Params: { orderId: string } }>(
    '/orders/:orderId',
    { onRequest: deps.adminOnly, schema: { params: orderIdParams, querystring: NO_QUERY } },
    async (request) => {
      const order = await selectOrder(deps.db, request.params.orderId.toLowerCase());
      if (!order) throw new ForklineError('NOT_FOUND', `there is no order ${request.params.orderId}`);
      return orderJson(order);
    },
  );

  app.delete<{ Params: { orderId: string } }>(
    '/orders/:orderId',
    { onRequest: deps.adminOnly, schema: { params: orderIdParams, querystring: NO_QUERY } },
    async (request) => {
      const order = await cancelOrder(deps.db, request.params.orderId.toLowerCase());
      deps.metrics.orders.inc({ outcome: 'cancelled' });
      return order;
    },
  );
}
