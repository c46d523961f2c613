import type { Executor } from '#shared/db/pool.js';
import { BLOCKS_TABLE, UTXOS_TABLE } from './tables.js';

/**
 * Our unspent wallet UTXOs as txid → output indexes, and the tip they are the state of:
 * one statement, so both come from the same snapshot. Not those of a rescan still running
 * (their spends are the rescan's to match until its addresses join).
 */
export async function selectUnspentTxids(
  ex: Executor,
): Promise<{ tipHash: string | undefined; voutsByTxid: Map<string, number[]> }> {
  const { rows } = await ex.query<{ tip: string | null; txid: string | null; vouts: number[] | null }>(
    `SELECT (SELECT hash FROM ${BLOCKS_TABLE} ORDER BY height DESC LIMIT 1) AS tip, u.txid, u.vouts
       FROM (SELECT 1) AS one
       LEFT JOIN (SELECT txid, array_agg(vout) AS vouts FROM ${UTXOS_TABLE}
                   WHERE spent_txid IS NULL AND rescan_id IS NULL GROUP BY txid) AS u ON true`,
  );
  const voutsByTxid = new Map<string, number[]>();
  for (const r of rows) if (r.txid !== null) voutsByTxid.set(r.txid, r.vouts!);
  return { tipHash: rows[0]?.tip ?? undefined, voutsByTxid };
}
