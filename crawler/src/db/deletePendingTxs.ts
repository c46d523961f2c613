import type { Executor } from '#shared/db/pool.js';
import { MEMPOOL_INPUTS_TABLE, MEMPOOL_OUTPUTS_TABLE, MEMPOOL_TXS_TABLE } from './tables.js';

/** Forgets pending transactions (they left the mempool), all their rows. */
export async function deletePendingTxs(tx: Executor, txids: string[]): Promise<void> {
  if (txids.length === 0) return;
  for (const table of [MEMPOOL_TXS_TABLE, MEMPOOL_INPUTS_TABLE, MEMPOOL_OUTPUTS_TABLE])
    await tx.query(`DELETE FROM ${table} WHERE txid = ANY ($1::text[])`, [txids]);
}
