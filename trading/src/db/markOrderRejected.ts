import type { Executor } from '#shared/db/pool.js';

export async function markOrderRejected(tx: Executor, orderId: string, reason: string): Promise<void> {
  await tx.query(
    `UPDATE orders SET status = 'rejected', reject_reason = $2, updated_at = now()
      WHERE order_id = $1 AND status = 'open'`,
    [orderId, reason],
  );
}
