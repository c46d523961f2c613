import type { Executor } from '#shared/db/pool.js';
import { MEMPOOL_TXS_TABLE } from './tables.js';

/** What a stored pending transaction does to one user (a mempool_txs row). */
export interface PendingPart {
  txid: string;
  userId: string;
  receivedSats: number;
  sentSats: number;
  firstSeenAt: Date;
  replaceable: boolean;
}

/** The stored parts of these pending transactions, every user's. */
export async function selectPendingParts(ex: Executor, txids: string[]): Promise<PendingPart[]> {
  if (txids.length === 0) return [];
  const { rows } = await ex.query<{
    txid: string;
    user_id: string;
    received_sats: string;
    sent_sats: string;
    first_seen_at: Date;
    replaceable: boolean;
  }>(
    `SELECT txid, user_id, received_sats, sent_sats, first_seen_at, replaceable
       FROM ${MEMPOOL_TXS_TABLE} WHERE txid = ANY ($1::text[])`,
    [txids],
  );
  return rows.map((r) => ({
    txid: r.txid,
    userId: r.user_id,
    receivedSats: Number(r.received_sats),
    sentSats: Number(r.sent_sats),
    firstSeenAt: r.first_seen_at,
    replaceable: r.replaceable,
  }));
}
