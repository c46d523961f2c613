import type { Executor } from '#shared/db/pool.js';

/**
 * Records the signed transaction of a decided settlement, before anything is sent: from
 * here on only these bytes are ever broadcast. False when it was signed already.
 */
export async function recordSignedSettlement(
  db: Executor,
  orderId: string,
  txid: string,
  rawTx: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE settlements SET state = 'signed', txid = $2, raw_tx = $3, updated_at = now()
      WHERE order_id = $1 AND state = 'decided'`,
    [orderId, txid, rawTx],
  );
  return rowCount === 1;
}
