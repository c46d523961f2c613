import { createHash, randomUUID } from 'node:crypto';
import { ForklineError } from '#shared/errors/catalogue.js';
import { orderStream } from '#shared/events/streams.js';
import { appendToStream } from '#shared/outbox/appendToStream.js';
import { placementPrice } from '../db/housePrice.js';
import { insertIdempotencyKey, lockIdempotencyKey } from '../db/idempotencyKeys.js';
import { insertOrder } from '../db/insertOrder.js';
import { selectOrder } from '../db/selectOrder.js';
import { crosses } from '../pricing/crosses.js';
import type { PlacementGroups } from './createPlacementGroups.js';
import { fillOrder, type FundingCheck } from './fillOrder.js';
import type { OrderView, PlaceOrderRequest } from '#shared/orders/orderView.js';
import { orderJson } from './orderJson.js';

export interface PlaceOrderAnswer {
  statusCode: number;
  order: OrderView;
  /** The stored answer of an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

/**
 * Places an order in one transaction, begun under the price lock (shared with other
 * placements under load, see createPlacementGroups): OrderPlaced, and for a market order
 * (or a limit order the current price already crosses) its fill or rejection too. With an
 * Idempotency-Key, the answer is stored with the fingerprint of what the client asked
 * for: the same order again gets it back, another order with that key is refused.
 * Errors write nothing.
 */
export async function placeOrder(
  placements: PlacementGroups,
  funding: FundingCheck,
  request: PlaceOrderRequest,
  idempotencyKey?: string,
): Promise<PlaceOrderAnswer> {
  const fingerprint = fingerprintOf(request);
  return placements.run(request.userId, async (tx, opening): Promise<PlaceOrderAnswer> => {
    if (idempotencyKey !== undefined) {
      const stored = await lockIdempotencyKey(tx, request.userId, idempotencyKey);
      if (stored) {
        if (stored.fingerprint !== fingerprint) {
          throw new ForklineError(
            'IDEMPOTENCY_KEY_REUSED',
            'this Idempotency-Key was used before with another request body: use a new key for a new order',
          );
        }
        return { statusCode: stored.statusCode, order: stored.answer as OrderView, replayed: true };
      }
    }
    const limit = request.limitPriceEurCents ?? null;
    const orderId = randomUUID();
    const order = {
      orderId,
      ...request,
      limitPriceEurCents: limit,
      spendAddresses: [...new Set(request.spendAddresses)],
    };
    const { priceEurCents } = placementPrice(opening);
    if (limit === null && priceEurCents === null) {
      throw new ForklineError('NO_PRICE', 'no price is set yet: an admin sets it with PUT /v1/price');
    }
    let row = await insertOrder(tx, order, {
      type: 'OrderPlaced',
      payload: {
        orderId,
        userId: order.userId,
        side: order.side,
        amountSats: order.amountSats,
        limitPriceEurCents: limit,
      },
    });
    if (priceEurCents !== null && (limit === null || crosses(order.side, limit, priceEurCents))) {
      await appendToStream(tx, orderStream(orderId), [await fillOrder(tx, order, priceEurCents, funding)]);
      row = (await selectOrder(tx, orderId))!;
    }
    const answer = orderJson(row);
    if (idempotencyKey !== undefined) {
      await insertIdempotencyKey(tx, request.userId, idempotencyKey, {
        fingerprint,
        statusCode: 201,
        answer,
      });
    }
    return { statusCode: 201, order: answer, replayed: false };
  });
}

/**
 * The order the client asked for, in a fixed order, hashed: key order and spacing do not
 * matter, and neither do the addresses, which the BFF adds from the user's registered
 * ones (a retry after the user registered another address is the same request).
 */
function fingerprintOf(r: PlaceOrderRequest): string {
  const canonical = JSON.stringify([r.userId, r.side, r.amountSats, r.limitPriceEurCents ?? null]);
  return createHash('sha256').update(canonical).digest('hex');
}
