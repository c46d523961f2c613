import type { Executor } from '#shared/db/pool.js';
import { CHAIN_STREAM, userStream } from '#shared/events/streams.js';
import { OUTBOX_CHANNEL } from '#shared/outbox/appendToStream.js';
import type { OwnedOutput, SpentOutput, WalletTx } from '../matching/types.js';
import { CHAIN_LOCK_KEY } from './lockChain.js';

export interface BlockToStore {
  hash: string;
  height: number;
  prevHash: string;
  time: number;
  txCount: number;
  created: OwnedOutput[];
  spent: SpentOutput[];
  /** In block order. */
  walletTxs: WalletTx[];
  occurredAt: Date;
}

/**
 * Applies a block in one statement, so in one SQL transaction (crawler_apply_block,
 * migrations 0102, 0103): chain lock, expected-tip check, block row, wallet UTXOs created and
 * spent, wallet transactions, and the outbox events — BlockConnected on the chain stream,
 * a TxConfirmed per wallet transaction — with their stream versions, then NOTIFY.
 * Returns false, having written nothing, when our stored tip is not `expectedTip`.
 */
export async function storeBlock(
  ex: Executor,
  expectedTip: string | undefined,
  block: BlockToStore,
): Promise<boolean> {
  const { created, spent, walletTxs: txs } = block;
  // Each stream's events numbered in block order; BlockConnected is the chain stream's one.
  const counts = new Map<string, number>([[CHAIN_STREAM, 1]]);
  const txStreams: string[] = [];
  const txNth: number[] = [];
  for (const w of txs) {
    const stream = userStream(w.userId);
    const nth = (counts.get(stream) ?? 0) + 1;
    counts.set(stream, nth);
    txStreams.push(stream);
    txNth.push(nth);
  }
  // appendToManyStreams' order, in which every writer locks version rows.
  const streams = [...counts.keys()].sort();
  const { rows } = await ex.query<{ applied: boolean }>(
    `SELECT crawler_apply_block($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                                $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28) AS applied`,
    [
      CHAIN_LOCK_KEY,
      expectedTip ?? null,
      block.hash,
      block.height,
      block.prevHash,
      block.time,
      block.txCount,
      created.map((o) => o.txid),
      created.map((o) => o.vout),
      created.map((o) => o.userId),
      created.map((o) => o.address),
      created.map((o) => o.valueSats),
      spent.map((s) => s.txid),
      spent.map((s) => s.vout),
      spent.map((s) => s.spentTxid),
      txs.map((w) => w.userId),
      txStreams,
      txNth,
      txs.map((w) => w.txid),
      txs.map((w) => w.receivedSats),
      txs.map((w) => w.sentSats),
      txs.map((w) => w.paidToOthersSats),
      txs.map((w) => w.addresses.join(',')),
      streams,
      streams.map((s) => counts.get(s)!),
      CHAIN_STREAM,
      block.occurredAt.toISOString(),
      OUTBOX_CHANNEL,
    ],
  );
  return rows[0]!.applied;
}
