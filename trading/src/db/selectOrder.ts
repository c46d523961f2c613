import type { Executor } from '#shared/db/pool.js';
import { ORDER_COLUMNS, type OrderRow } from './orderRow.js';

/** One order with its settlement; `forUpdate` locks the order row until the transaction ends. */
export async function selectOrder(
  db: Executor,
  orderId: string,
  forUpdate = false,
): Promise<OrderRow | undefined> {
  const { rows } = await db.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM orders o LEFT JOIN settlements s USING (order_id)
      WHERE o.order_id = $1 ${forUpdate ? 'FOR UPDATE OF o' : ''}`,
    [orderId],
  );
  return rows[0];
}
