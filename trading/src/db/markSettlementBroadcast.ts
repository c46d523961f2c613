import type { Executor } from '#shared/db/pool.js';

/** Marks a signed settlement broadcast; false when it was already (its event is written once). */
export async function markSettlementBroadcast(tx: Executor, orderId: string): Promise<boolean> {
  const { rowCount } = await tx.query(
    `UPDATE settlements SET state = 'broadcast', last_error = NULL, updated_at = now()
      WHERE order_id = $1 AND state = 'signed'`,
    [orderId],
  );
  if (rowCount !== 1) return false;
  await tx.query(`UPDATE orders SET updated_at = now() WHERE order_id = $1`, [orderId]);
  return true;
}
