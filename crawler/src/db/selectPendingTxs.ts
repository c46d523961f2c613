import type { Executor } from '#shared/db/pool.js';
import type { PendingTx } from '../mempool/pendingIndex.js';
import { MEMPOOL_INPUTS_TABLE, MEMPOOL_OUTPUTS_TABLE, MEMPOOL_TXS_TABLE } from './tables.js';

interface PendingRow {
  txid: string;
  users: string[];
  inputs: string[] | null;
  outputs: { vout: number; user_id: string; address: string; value_sats: number }[] | null;
}

/** Every pending transaction with its users, inputs and watched outputs: the index's load. */
export async function selectPendingTxs(ex: Executor): Promise<PendingTx[]> {
  const { rows } = await ex.query<PendingRow>(
    `SELECT t.txid, t.users,
            (SELECT array_agg(i.prev_txid || ':' || i.prev_vout) FROM ${MEMPOOL_INPUTS_TABLE} i
              WHERE i.txid = t.txid) AS inputs,
            (SELECT json_agg(json_build_object('vout', o.vout, 'user_id', o.user_id, 'address', o.address,
                                               'value_sats', o.value_sats))
               FROM ${MEMPOOL_OUTPUTS_TABLE} o WHERE o.txid = t.txid) AS outputs
       FROM (SELECT txid, array_agg(user_id ORDER BY user_id) AS users FROM ${MEMPOOL_TXS_TABLE} GROUP BY txid) t`,
  );
  return rows.map((r) => ({
    txid: r.txid,
    users: r.users,
    inputs: (r.inputs ?? []).map((key) => {
      const [txid, vout] = key.split(':');
      return { txid: txid!, vout: Number(vout) };
    }),
    outputs: (r.outputs ?? []).map((o) => ({
      txid: r.txid,
      vout: o.vout,
      userId: o.user_id,
      address: o.address,
      valueSats: Number(o.value_sats),
    })),
  }));
}
