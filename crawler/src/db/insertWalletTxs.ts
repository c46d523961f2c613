import type { Executor } from '../../../shared/src/db/pool.js';
import type { WalletTx } from '../matching/types.js';
import { WALLET_TXS_TABLE } from './tables.js';

/** One row per (user, txid, block); the unique key refuses a block counted twice. */
export async function insertWalletTxs(
  tx: Executor,
  block: { hash: string; height: number },
  walletTxs: WalletTx[],
): Promise<void> {
  if (walletTxs.length === 0) return;
  await tx.query(
    `INSERT INTO ${WALLET_TXS_TABLE}
            (user_id, txid, block_hash, height, received_sats, sent_sats, delta_sats, addresses)
     SELECT w.user_id, w.txid, $7, $8, w.received_sats, w.sent_sats, w.received_sats - w.sent_sats,
            ARRAY(SELECT json_array_elements_text(w.addresses))
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::json[], $6::int[])
            AS w (user_id, txid, received_sats, sent_sats, addresses, ord)
      ORDER BY w.ord`,
    [
      walletTxs.map((w) => w.userId),
      walletTxs.map((w) => w.txid),
      walletTxs.map((w) => w.receivedSats),
      walletTxs.map((w) => w.sentSats),
      walletTxs.map((w) => JSON.stringify(w.addresses)),
      walletTxs.map((_, i) => i),
      block.hash,
      block.height,
    ],
  );
}
