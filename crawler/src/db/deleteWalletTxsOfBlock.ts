import type { Executor } from '#shared/db/pool.js';
import { WALLET_TXS_TABLE } from './tables.js';

export interface DeletedWalletTx {
  userId: string;
  txid: string;
  height: number;
  deltaSats: number;
}

/** Removes a reverted block's wallet transactions, returned newest first (the undo order). */
export async function deleteWalletTxsOfBlock(tx: Executor, blockHash: string): Promise<DeletedWalletTx[]> {
  const { rows } = await tx.query<{
    id: number;
    user_id: string;
    txid: string;
    height: number;
    delta_sats: number;
  }>(
    `DELETE FROM ${WALLET_TXS_TABLE} WHERE block_hash = $1 RETURNING id, user_id, txid, height, delta_sats`,
    [blockHash],
  );
  return rows
    .sort((a, b) => b.id - a.id)
    .map((r) => ({ userId: r.user_id, txid: r.txid, height: r.height, deltaSats: r.delta_sats }));
}
