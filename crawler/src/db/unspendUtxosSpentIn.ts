import type { Executor } from '#shared/db/pool.js';
import { UTXOS_TABLE } from './tables.js';

/** Restores the wallet UTXOs a reverted block had spent. */
export async function unspendUtxosSpentIn(tx: Executor, blockHash: string): Promise<number> {
  const { rowCount } = await tx.query(
    `UPDATE ${UTXOS_TABLE} SET spent_txid = NULL, spent_block_hash = NULL, spent_height = NULL
      WHERE spent_block_hash = $1`,
    [blockHash],
  );
  return rowCount ?? 0;
}
