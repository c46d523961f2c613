import type { Executor } from '#shared/db/pool.js';
import { UTXOS_TABLE } from './tables.js';

/** Removes the wallet UTXOs a reverted block had created. */
export async function deleteUtxosCreatedIn(tx: Executor, blockHash: string): Promise<number> {
  const { rowCount } = await tx.query(`DELETE FROM ${UTXOS_TABLE} WHERE block_hash = $1`, [blockHash]);
  return rowCount ?? 0;
}
