import type { Executor } from '#shared/db/pool.js';
import { WALLET_TXS_TABLE } from './tables.js';

export interface StoredWalletTx {
  blockHash: string;
  userId: string;
  txid: string;
  receivedSats: number;
  sentSats: number;
  addresses: string[];
}

/** The stored wallet transactions among these (block, user, txid) keys. */
export async function selectWalletTxs(
  ex: Executor,
  keys: readonly { blockHash: string; userId: string; txid: string }[],
): Promise<StoredWalletTx[]> {
  if (keys.length === 0) return [];
  const { rows } = await ex.query<{
    block_hash: string;
    user_id: string;
    txid: string;
    received_sats: number;
    sent_sats: number;
    addresses: string[];
  }>(
    `SELECT w.block_hash, w.user_id, w.txid, w.received_sats, w.sent_sats, w.addresses
       FROM unnest($1::text[], $2::text[], $3::text[]) AS k (block_hash, user_id, txid)
       JOIN ${WALLET_TXS_TABLE} w USING (block_hash, user_id, txid)`,
    [keys.map((k) => k.blockHash), keys.map((k) => k.userId), keys.map((k) => k.txid)],
  );
  return rows.map((r) => ({
    blockHash: r.block_hash,
    userId: r.user_id,
    txid: r.txid,
    receivedSats: r.received_sats,
    sentSats: r.sent_sats,
    addresses: r.addresses,
  }));
}
