import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from './routeDeps.js';

const NO_QUERY = { type: 'object', properties: {}, additionalProperties: false } as const;

const priceSchema = {
  type: 'object',
  properties: { priceEurCents: { type: ['integer', 'null'] }, setAt: { type: ['string', 'null'] } },
  required: ['priceEurCents', 'setAt'],
} as const;

/** The house price, EUR per BTC: set by the admin (regtest has no market feed), read by anyone signed in. */
export function registerPriceRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.put<{ Body: { eurPerBtc: number } }>(
    '/v1/price',
    {
      onRequest: deps.access('admin'),
      schema: {
        querystring: NO_QUERY,
        body: {
          type: 'object',
          // Two decimals at most: checked by the trading service, which parses it exactly.
          properties: { eurPerBtc: { type: 'number', exclusiveMinimum: 0, maximum: 1_000_000_000 } },
          required: ['eurPerBtc'],
          additionalProperties: false,
        },
        response: { 200: priceSchema },
      },
    },
    async (request) => deps.trading.setPrice(request.body.eurPerBtc),
  );

  app.get(
    '/v1/price',
    { onRequest: deps.access('signedIn'), schema: { querystring: NO_QUERY, response: { 200: priceSchema } } },
    async () => deps.trading.getPrice(),
  );
}
