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
  /** What the users' wallet can spend at these addresses (a user's), in satoshis. */
  spendableSats(addresses: readonly string[]): Promise<number>;
  /** Kept beyond a sell's amount for its transaction's fee. */
  sellFeeMarginSats: number;
}

/** Why a sell placed before orders carried the user's addresses is not filled. */
export const NO_SPEND_ADDRESSES_REASON =
  "placed before orders carried the user's addresses, so its coins are unknown: place the sell again";

/**
 * Fills a locked open order at `priceEurCents` in the caller's transaction, recording its
 * settlement as decided; a sell whose coins — the users' wallet's at the order's
 * addresses, less what the user's earlier sells not yet broadcast will spend — cannot
 * pay amount + fee margin is rejected instead. Returns the event to append to the
 * order's stream.
 */
export async function fillOrder(
  tx: PoolClient,
  order: Pick<OrderRow, 'orderId' | 'userId' | 'side' | 'amountSats' | 'spendAddresses'>,
  priceEurCents: number,
  funding: FundingCheck,
): Promise<OrderFilled | OrderRejected> {
  const { orderId, userId, side, amountSats, spendAddresses } = order;
  if (side === 'sell') {
    if (spendAddresses.length === 0) {
      await markOrderRejected(tx, orderId, NO_SPEND_ADDRESSES_REASON);
      return { type: 'OrderRejected', payload: { orderId, userId, reason: NO_SPEND_ADDRESSES_REASON } };
    }
    await lockUserSells(tx, userId);
    // The user's earlier sells not yet broadcast will take at most amount + margin each
    // from these addresses (theirs are the user's too): all of it is held, never counted twice.
    const reserved = await selectSellReservedSats(tx, userId, funding.sellFeeMarginSats);
    const spendable = Math.max(0, (await funding.spendableSats(spendAddresses)) - reserved);
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
