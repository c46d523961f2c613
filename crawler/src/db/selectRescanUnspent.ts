import type { Executor } from '#shared/db/pool.js';
import type { OwnedOutput } from '../matching/types.js';
import { UTXOS_TABLE } from './tables.js';

/** The unspent outputs a rescan has found so far (hidden from live matching until it ends). */
export async function selectRescanUnspent(ex: Executor, rescanId: number): Promise<OwnedOutput[]> {
  const { rows } = await ex.query<{
    txid: string;
    vout: number;
    user_id: string;
    address: string;
    value_sats: string;
  }>(
    `SELECT txid, vout, user_id, address, value_sats FROM ${UTXOS_TABLE}
      WHERE rescan_id = $1 AND spent_txid IS NULL`,
    [rescanId],
  );
  return rows.map((r) => ({
    txid: r.txid,
    vout: r.vout,
    userId: r.user_id,
    address: r.address,
    valueSats: Number(r.value_sats),
  }));
}
