import type { Executor } from '#shared/db/pool.js';
import type { Outpoint, OwnedOutput } from '../matching/types.js';
import { UTXOS_TABLE } from './tables.js';

interface UtxoRow {
  txid: string;
  vout: number;
  user_id: string;
  address: string;
  value_sats: number;
}

/**
 * Of the outpoints a block spends, the unspent ones that are ours (a running rescan's
 * excepted: see selectUnspentTxids): one query per block.
 * The txids travel as one comma-separated string: as a text[] parameter, node-pg's
 * per-element escaping of ~1,000 txids a block was a visible share of the crawler's CPU.
 */
export async function selectUnspentOutpoints(tx: Executor, outpoints: Outpoint[]): Promise<OwnedOutput[]> {
  if (outpoints.length === 0) return [];
  const { rows } = await tx.query<UtxoRow>(
    `SELECT u.txid, u.vout, u.user_id, u.address, u.value_sats
       FROM unnest(string_to_array($1, ','), $2::int[]) AS o (txid, vout)
       JOIN ${UTXOS_TABLE} u ON u.txid = o.txid AND u.vout = o.vout
      WHERE u.spent_txid IS NULL AND u.rescan_id IS NULL`,
    [outpoints.map((o) => o.txid).join(','), outpoints.map((o) => o.vout)],
  );
  return rows.map((r) => ({
    txid: r.txid,
    vout: r.vout,
    userId: r.user_id,
    address: r.address,
    valueSats: r.value_sats,
  }));
}
