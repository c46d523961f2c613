import type { Executor } from '../../../shared/src/db/pool.js';
import type { SpentOutput } from '../matching/types.js';
import { UTXOS_TABLE } from './tables.js';

/** Marks wallet UTXOs spent by a block (kept, so a revert can restore them). */
export async function markUtxosSpent(
  tx: Executor,
  block: { hash: string; height: number },
  spent: SpentOutput[],
): Promise<number> {
  if (spent.length === 0) return 0;
  const { rowCount } = await tx.query(
    `UPDATE ${UTXOS_TABLE} u
        SET spent_txid = s.spent_txid, spent_block_hash = $4, spent_height = $5
       FROM unnest($1::text[], $2::int[], $3::text[]) AS s (txid, vout, spent_txid)
      WHERE u.txid = s.txid AND u.vout = s.vout AND u.spent_txid IS NULL`,
    [
      spent.map((s) => s.txid),
      spent.map((s) => s.vout),
      spent.map((s) => s.spentTxid),
      block.hash,
      block.height,
    ],
  );
  return rowCount ?? 0;
}
