import type { Executor } from '#shared/db/pool.js';
import type { WalletTx } from '../matching/types.js';
import type { PendingTx } from '../mempool/pendingIndex.js';
import { MEMPOOL_INPUTS_TABLE, MEMPOOL_OUTPUTS_TABLE, MEMPOOL_TXS_TABLE } from './tables.js';

/** A pending transaction as recorded: the index's view plus what it does to each user. */
export interface NewPendingTx extends PendingTx {
  walletTxs: WalletTx[];
  firstSeenAt: Date;
  replaceable: boolean;
}

/** Records pending transactions: a mempool_txs row per user, their inputs and watched outputs. */
export async function insertPendingTxs(tx: Executor, txs: NewPendingTx[]): Promise<void> {
  if (txs.length === 0) return;
  const rows = txs.flatMap((p) => p.walletTxs.map((w) => ({ p, w })));
  await tx.query(
    `INSERT INTO ${MEMPOOL_TXS_TABLE}
            (txid, user_id, received_sats, sent_sats, delta_sats, paid_to_others_sats, first_seen_at, replaceable)
     SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[],
                          $7::timestamptz[], $8::boolean[])`,
    [
      rows.map((r) => r.p.txid),
      rows.map((r) => r.w.userId),
      rows.map((r) => r.w.receivedSats),
      rows.map((r) => r.w.sentSats),
      rows.map((r) => r.w.deltaSats),
      rows.map((r) => r.w.paidToOthersSats),
      rows.map((r) => r.p.firstSeenAt.toISOString()),
      rows.map((r) => r.p.replaceable),
    ],
  );
  const inputs = txs.flatMap((p) => p.inputs.map((i) => ({ txid: p.txid, i })));
  await tx.query(
    `INSERT INTO ${MEMPOOL_INPUTS_TABLE} (txid, prev_txid, prev_vout)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int[]) ON CONFLICT DO NOTHING`,
    [inputs.map((r) => r.txid), inputs.map((r) => r.i.txid), inputs.map((r) => r.i.vout)],
  );
  const outputs = txs.flatMap((p) => p.outputs);
  if (outputs.length === 0) return;
  await tx.query(
    `INSERT INTO ${MEMPOOL_OUTPUTS_TABLE} (txid, vout, user_id, address, value_sats)
     SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::bigint[])`,
    [
      outputs.map((o) => o.txid),
      outputs.map((o) => o.vout),
      outputs.map((o) => o.userId),
      outputs.map((o) => o.address),
      outputs.map((o) => o.valueSats),
    ],
  );
}
