import type { Executor } from '#shared/db/pool.js';

/** Fills an open order and records its settlement as decided, in the caller's transaction. */
export async function markOrderFilled(
  tx: Executor,
  orderId: string,
  priceEurCents: number,
  eurCents: number,
): Promise<void> {
  await tx.query(
    `UPDATE orders SET status = 'filled', price_eur_cents = $2, eur_cents = $3, updated_at = now()
      WHERE order_id = $1 AND status = 'open'`,
    [orderId, priceEurCents, eurCents],
  );
  await tx.query(`INSERT INTO settlements (order_id, state) VALUES ($1, 'decided')`, [orderId]);
}
