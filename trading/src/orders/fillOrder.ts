import { satsToBtc } from '#shared/bitcoin/btcSats.js';
import type { PoolClient } from '#shared/db/pool.js';
import type { OrderFilled, OrderRejected } from '#shared/events/types.js';
import { lockUserSells } from '../db/lockUserSells.js';
import { markOrderFilled } from '../db/markOrderFilled.js';
import { markOrderRejected } from '../db/markOrderRejected.js';
import type { OrderRow } from '../db/orderRow.js';
import { selectSellReservedSats } from '../db/selectSellReservedSats.js';
import { eurCents } from '../pricing/eurCents.js';

export interface FundingCheck {
  /** The user's coins the users' wallet can spend for them, in satoshis. */
  userSpendableSats(userId: string): Promise<number>;
  /** Kept beyond a sell's amount for its transaction's fee. */
  sellFeeMarginSats: number;
}

/**
 * Fills a locked open order at `priceEurCents` in the caller's transaction, recording its
 * settlement as decided; a sell whose user's coins (less what their earlier sells not
 * yet broadcast will spend) cannot pay amount + fee margin is rejected instead.
 * Returns the event to append to the order's stream.
 */
export async function fillOrder(
  tx: PoolClient,
  order: Pick<OrderRow, 'orderId' | 'userId' | 'side' | 'amountSats'>,
  priceEurCents: number,
  funding: FundingCheck,
): Promise<OrderFilled | OrderRejected> {
  const { orderId, userId, side, amountSats } = order;
  if (side === 'sell') {
    await lockUserSells(tx, userId);
    const reserved = await selectSellReservedSats(tx, userId, funding.sellFeeMarginSats);
    const spendable = Math.max(0, (await funding.userSpendableSats(userId)) - reserved);
    if (spendable < amountSats + funding.sellFeeMarginSats) {
      const held = reserved > 0 ? ` (${satsToBtc(reserved)} BTC more held for earlier sells)` : '';
      const reason =
        `insufficient funds: ${satsToBtc(spendable)} BTC spendable${held}, ` +
        `${satsToBtc(amountSats)} BTC + ${satsToBtc(funding.sellFeeMarginSats)} BTC fee margin needed`;
      await markOrderRejected(tx, orderId, reason);
      return { type: 'OrderRejected', payload: { orderId, userId, reason } };
    }
  }
  const cents = eurCents(side, amountSats, priceEurCents);
  await markOrderFilled(tx, orderId, priceEurCents, cents);
  return {
    type: 'OrderFilled',
    payload: { orderId, userId, side, amountSats, priceEurCents, eurCents: cents },
  };
}
