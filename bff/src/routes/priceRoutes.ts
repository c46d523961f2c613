import type { FastifyInstance } from 'fastify';
import { accessSecurity } from '../auth/accessSecurity.js';
import { problemResponses } from '../http/problemResponses.js';
import { NO_QUERY } from '../http/schemas.js';
import type { RouteDeps } from './routeDeps.js';

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
        summary: 'Set the house price (fills the open limit orders it crosses)',
        security: accessSecurity('admin'),
        querystring: NO_QUERY,
        body: {
          type: 'object',
          // Two decimals at most: checked by the trading service, which parses it exactly.
          properties: { eurPerBtc: { type: 'number', exclusiveMinimum: 0, maximum: 1_000_000_000 } },
          required: ['eurPerBtc'],
          additionalProperties: false,
        },
        response: {
          200: priceSchema,
          ...problemResponses('admin', ['INVALID_REQUEST', 'PAYLOAD_TOO_LARGE', 'DEPENDENCY_UNAVAILABLE']),
        },
      },
    },
    async (request) => deps.trading.setPrice(request.body.eurPerBtc),
  );

  app.get(
    '/v1/price',
    {
      onRequest: deps.access('signedIn'),
      schema: {
        summary: 'The house price (both null before the first PUT)',
        security: accessSecurity('signedIn'),
        querystring: NO_QUERY,
        response: {
          200: priceSchema,
          ...problemResponses('signedIn', ['INVALID_REQUEST', 'DEPENDENCY_UNAVAILABLE']),
        },
      },
    },
    async () => deps.trading.getPrice(),
  );
}
