import type { Executor } from '#shared/db/pool.js';
import type { ChainTip } from '../node/chainSource.js';
import type { RescanOutput, RescanSpend, RescanWalletTx } from '../rescan/matchRescanChunk.js';
import { BLOCKS_TABLE, RESCANS_TABLE, UTXOS_TABLE, WALLET_TXS_TABLE } from './tables.js';

export interface RescanChunkRows {
  rescanId: number;
  /** The rescan's next height when the chunk was read: the write is refused if it moved. */
  expectedNext: number;
  /** The stored blocks scanned: the write is refused unless every one is still stored. */
  blocks: readonly ChainTip[];
  created: readonly RescanOutput[];
  spent: readonly RescanSpend[];
  /** Wallet transactions new for their user. */
  inserted: readonly RescanWalletTx[];
  /** Stored ones the rescan's addresses add to (the amounts here are the whole, merged). */
  updated: readonly RescanWalletTx[];
}

/**
 * Writes a rescan chunk's rows inside the caller's transaction (which holds the chain
 * lock): the outputs it found (tagged with the rescan, so live matching does not see them
 * before the addresses join), the spends of earlier ones, the wallet transactions, and the
 * rescan's progress. False, with nothing written, when the chain or the rescan moved since
 * the chunk was read (a reorg): the caller reads it again.
 */
export async function writeRescanChunk(tx: Executor, c: RescanChunkRows): Promise<boolean> {
  const next = c.blocks.length > 0 ? c.blocks.at(-1)!.height + 1 : c.expectedNext;
  const { rows } = await tx.query<{ ok: boolean }>(
    `SELECT (SELECT next_height FROM ${RESCANS_TABLE} WHERE rescan_id = $1 AND finished_at IS NULL FOR UPDATE) = $2
        AND (SELECT count(*) FROM unnest($3::int[], $4::text[]) AS b (height, hash)
               JOIN ${BLOCKS_TABLE} s USING (height, hash)) = cardinality($3::int[]) AS ok`,
    [c.rescanId, c.expectedNext, c.blocks.map((b) => b.height), c.blocks.map((b) => b.hash)],
  );
  if (!rows[0]?.ok) return false;

  if (c.created.length > 0) {
    await tx.query(
      `INSERT INTO ${UTXOS_TABLE}
              (txid, vout, user_id, address, value_sats, block_hash, height, spent_txid, spent_block_hash, spent_height, rescan_id)
       SELECT o.*, $11::bigint FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::bigint[], $6::text[],
                                   $7::int[], $8::text[], $9::text[], $10::int[]) AS o`,
      [
        c.created.map((o) => o.txid),
        c.created.map((o) => o.vout),
        c.created.map((o) => o.userId),
        c.created.map((o) => o.address),
        c.created.map((o) => o.valueSats),
        c.created.map((o) => o.blockHash),
        c.created.map((o) => o.height),
        c.created.map((o) => o.spentBy?.txid ?? null),
        c.created.map((o) => o.spentBy?.blockHash ?? null),
        c.created.map((o) => o.spentBy?.height ?? null),
        c.rescanId,
      ],
    );
  }
  if (c.spent.length > 0) {
    const { rowCount } = await tx.query(
      `UPDATE ${UTXOS_TABLE} u
          SET spent_txid = s.spent_txid, spent_block_hash = s.block_hash, spent_height = s.height
         FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::int[]) AS s (txid, vout, spent_txid, block_hash, height)
        WHERE u.txid = s.txid AND u.vout = s.vout AND u.spent_txid IS NULL AND u.rescan_id = $6`,
      [
        c.spent.map((s) => s.txid),
        c.spent.map((s) => s.vout),
        c.spent.map((s) => s.spentTxid),
        c.spent.map((s) => s.blockHash),
        c.spent.map((s) => s.height),
        c.rescanId,
      ],
    );
    if (rowCount !== c.spent.length) {
      throw new Error(`rescan ${c.rescanId}: ${c.spent.length} outputs spent but ${rowCount} marked`);
    }
  }
  const walletArgs = (list: readonly RescanWalletTx[]) => [
    list.map((w) => w.userId),
    list.map((w) => w.txid),
    list.map((w) => w.blockHash),
    list.map((w) => w.height),
    list.map((w) => w.receivedSats),
    list.map((w) => w.sentSats),
    list.map((w) => w.addresses.join(',')),
  ];
  if (c.inserted.length > 0) {
    await tx.query(
      `INSERT INTO ${WALLET_TXS_TABLE} (user_id, txid, block_hash, height, received_sats, sent_sats, delta_sats, addresses)
       SELECT w.user_id, w.txid, w.block_hash, w.height, w.received, w.sent, w.received - w.sent,
              string_to_array(w.addresses, ',')
         FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::bigint[], $7::text[])
              WITH ORDINALITY AS w (user_id, txid, block_hash, height, received, sent, addresses, ord)
        ORDER BY w.ord`,
      walletArgs(c.inserted),
    );
  }
  if (c.updated.length > 0) {
    await tx.query(
      `UPDATE ${WALLET_TXS_TABLE} t
          SET received_sats = w.received, sent_sats = w.sent, delta_sats = w.received - w.sent,
              addresses = string_to_array(w.addresses, ',')
         FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::bigint[], $6::bigint[], $7::text[])
              AS w (user_id, txid, block_hash, height, received, sent, addresses)
        WHERE t.block_hash = w.block_hash AND t.user_id = w.user_id AND t.txid = w.txid`,
      walletArgs(c.updated),
    );
  }
  await tx.query(
    `UPDATE ${RESCANS_TABLE}
        SET next_height = $2, blocks_scanned = blocks_scanned + $3, started_at = coalesce(started_at, now())
      WHERE rescan_id = $1`,
    [c.rescanId, next, c.blocks.length],
  );
  return true;
}
