import type { Executor } from '#shared/db/pool.js';

export async function markOrderCancelled(tx: Executor, orderId: string): Promise<void> {
  await tx.query(
    `UPDATE orders SET status = 'cancelled', updated_at = now() WHERE order_id = $1 AND status = 'open'`,
    [orderId],
  );
}
