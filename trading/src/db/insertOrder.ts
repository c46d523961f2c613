import type { Executor } from '#shared/db/pool.js';
import type { OrderPlaced, OrderSide } from '#shared/events/types.js';
import { orderStream } from '#shared/events/streams.js';
import { appendSql } from '#shared/outbox/appendSql.js';
import { ORDER_OWN_COLUMNS, type OrderRow } from './orderRow.js';

export interface NewOrder {
  orderId: string;
  userId: string;
  side: OrderSide;
  amountSats: number;
  limitPriceEurCents: number | null;
  receiveAddress: string;
  spendAddresses: string[];
}

/**
 * Inserts an open order (its row stays locked by this transaction until commit) and
 * appends its OrderPlaced to the order's stream, in one statement: a placement that does
 * not fill at once costs one round trip here.
 */
export async function insertOrder(tx: Executor, o: NewOrder, placed: OrderPlaced): Promise<OrderRow> {
  const append = appendSql(orderStream(o.orderId), [placed], new Date(), 7);
  const { rows } = await tx.query<OrderRow>({
    name: 'trading_insert_order',
    text: `WITH placed AS (
       INSERT INTO orders AS o (order_id, user_id, side, amount_sats, limit_price_eur_cents,
                                receive_address, spend_addresses, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'open')
       RETURNING ${ORDER_OWN_COLUMNS}),
     ${append.ctes}
     SELECT placed.*, NULL AS "settlementState", NULL AS "settlementTxid", ${append.notify}
       FROM placed, appended_version`,
    values: [
      o.orderId,
      o.userId,
      o.side,
      o.amountSats,
      o.limitPriceEurCents,
      o.receiveAddress,
      o.spendAddresses,
      ...append.values,
    ],
  });
  return rows[0]!;
}
