import type { Executor } from '#shared/db/pool.js';

/**
 * What the user's filled sells not yet broadcast will spend (amount + fee margin each):
 * their coins are still unspent in the wallet but already promised.
 */
export async function selectSellReservedSats(
  tx: Executor,
  userId: string,
  feeMarginSats: number,
): Promise<number> {
  const { rows } = await tx.query<{ reserved: number }>(
    `SELECT coalesce(sum(o.amount_sats + $2), 0)::bigint AS reserved
       FROM orders o JOIN settlements s USING (order_id)
      WHERE o.user_id = $1 AND o.side = 'sell' AND s.state <> 'broadcast'`,
    [userId, feeMarginSats],
  );
  return rows[0]!.reserved;
}
