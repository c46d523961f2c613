import type { Executor } from '#shared/db/pool.js';
import { ORDER_COLUMNS, type OrderRow } from './orderRow.js';

/**
 * The open limit orders a price crosses (buy: price ≤ limit; sell: price ≥ limit), oldest
 * first, locked: a cancel waiting on one of them finds it filled, and one that committed
 * first is skipped (the status is checked again on the row it waited for).
 */
export async function selectCrossedOrders(tx: Executor, priceEurCents: number): Promise<OrderRow[]> {
  const { rows } = await tx.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM orders o LEFT JOIN settlements s USING (order_id)
      WHERE o.status = 'open' AND o.limit_price_eur_cents IS NOT NULL
        AND ((o.side = 'buy' AND o.limit_price_eur_cents >= $1)
          OR (o.side = 'sell' AND o.limit_price_eur_cents <= $1))
      ORDER BY o.placed_at, o.order_id
      FOR UPDATE OF o`,
    [priceEurCents],
  );
  return rows;
}
