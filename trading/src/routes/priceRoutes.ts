import type { FastifyInstance } from 'fastify';
import { ForklineError } from '#shared/errors/catalogue.js';
import { selectHousePrice } from '../db/housePrice.js';
import { setPrice } from '../orders/setPrice.js';
import { priceEurCents } from '../pricing/priceEurCents.js';
import type { RouteDeps } from './routeDeps.js';

const NO_QUERY = { type: 'object', properties: {}, additionalProperties: false } as const;
/** Ten billion EUR per BTC: far beyond any price, and every fill's EUR value stays exact in JSON. */
const MAX_EUR_PER_BTC = 10_000_000_000;

export function registerPriceRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.put<{ Body: { eurPerBtc: number } }>(
    '/price',
    {
      onRequest: deps.adminOnly,
      schema: {
        querystring: NO_QUERY,
        body: {
          type: 'object',
          properties: { eurPerBtc: { type: 'number', exclusiveMinimum: 0, maximum: MAX_EUR_PER_BTC } },
          required: ['eurPerBtc'],
          additionalProperties: false,
        },
      },
    },
    async (request) => {
      const cents = priceEurCents(request.body.eurPerBtc);
      if (cents === undefined) {
        throw new ForklineError(
          'INVALID_REQUEST',
          `the JSON body field "eurPerBtc" must be a price in EUR with at most 2 decimals (got ${request.body.eurPerBtc})`,
        );
      }
      const change = await setPrice(deps.db, deps.funding, cents);
      deps.metrics.orders.inc({ outcome: 'filled' }, change.filled);
      deps.metrics.orders.inc({ outcome: 'rejected' }, change.rejected);
      if (change.filled > 0) deps.settlementsDue();
      return { priceEurCents: change.priceEurCents, setAt: change.setAt };
    },
  );

  app.get('/price', { onRequest: deps.adminOnly, schema: { querystring: NO_QUERY } }, async () => {
    const price = await selectHousePrice(deps.db);
    return { priceEurCents: price.priceEurCents, setAt: price.setAt?.toISOString() ?? null };
  });
}
