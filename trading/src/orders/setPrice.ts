import type { Pool } from '#shared/db/pool.js';
import { withTransaction } from '#shared/db/withTransaction.js';
import type { ForklineEvent } from '#shared/events/types.js';
import { orderStream } from '#shared/events/streams.js';
import { appendToManyStreams } from '#shared/outbox/appendToManyStreams.js';
import { BEGIN_PRICE_CHANGE, updateHousePrice } from '../db/housePrice.js';
import { selectCrossedOrders } from '../db/selectCrossedOrders.js';
import { fillOrder, type FundingCheck } from './fillOrder.js';

export interface PriceChange {
  priceEurCents: number;
  setAt: string;
  /** Orders the new price filled (or rejected, for sells their users could not fund). */
  filled: number;
  rejected: number;
}

/** Sets the house price and, in the same transaction, fills every open limit order it crosses. */
export async function setPrice(db: Pool, funding: FundingCheck, priceEurCents: number): Promise<PriceChange> {
  return withTransaction(
    db,
    async (tx) => {
      const price = await updateHousePrice(tx, priceEurCents);
      const byStream = new Map<string, ForklineEvent[]>();
      let filled = 0;
      for (const order of await selectCrossedOrders(tx, priceEurCents)) {
        const event = await fillOrder(tx, order, priceEurCents, funding);
        if (event.type === 'OrderFilled') filled++;
        byStream.set(orderStream(order.orderId), [event]);
      }
      await appendToManyStreams(tx, byStream);
      return {
        priceEurCents,
        setAt: price.setAt!.toISOString(),
        filled,
        rejected: byStream.size - filled,
      };
    },
    BEGIN_PRICE_CHANGE,
  );
}
