import { valuesLiteral, type ArrayElement } from '#shared/db/arrayLiteral.js';
import type { Executor } from '#shared/db/pool.js';
import { CHAIN_STREAM, userStream } from '#shared/events/streams.js';
import { OUTBOX_CHANNEL } from '#shared/outbox/appendSql.js';
import type { OwnedOutput, SpentOutput, WalletTx } from '../matching/types.js';
import type { ChainTip } from '../node/chainSource.js';
import { formatChainwork } from '../node/chainworkHex.js';
import { CHAIN_LOCK_KEY } from './lockChain.js';

/** A matched block, as chain/prepareBlock.ts builds it: what applyBlock writes. */
export interface BlockToApply {
  hash: string;
  height: number;
  prevHash: string;
  time: number;
  txCount: number;
  /** The total work of the chain up to this block. */
  chainwork: bigint;
  created: OwnedOutput[];
  spent: SpentOutput[];
  /** In block order. */
  walletTxs: WalletTx[];
  /** Pending transactions it mines: their rows go, their TxConfirmed supersedes them. */
  pendingMined: string[];
  /** Pending (txid, user) it conflicts with: rows go, each gets TxDropped {reason: conflict}. */
  pendingDropped: { txid: string; userId: string }[];
  occurredAt: Date;
}

export type ApplyOutcome = { kind: 'applied'; walletTxs: number } | { kind: 'tip-moved' };

/**
 * Applies a block in one statement, so in one SQL transaction: crawler_apply_block
 * (migrations 0102–0105) takes the chain lock, checks the expected tip, writes the block
 * row (with its chainwork), the wallet UTXOs created and spent, one wallet transaction per (user, txid), ends
 * the pending transactions the block settles, and writes the outbox events —
 * BlockConnected on the chain stream, a TxConfirmed per wallet transaction, then a
 * TxDropped per pending one it conflicts with — with their stream versions, then NOTIFYs. `expectedTip` is the block it
 * extends (undefined for the very first block); if the stored tip is no longer that,
 * nothing is written and `tip-moved` is returned.
 *
 * The function builds the events' JSON itself: their one definition is the zod schemas
 * of shared/src/events/schemas.ts (TxConfirmed, TxDropped, BlockConnected), which
 * crawler/src/outboxEvents.int.spec.ts parses every outbox row with.
 */
export async function applyBlock(
  ex: Executor,
  block: BlockToApply,
  expectedTip: ChainTip | undefined,
): Promise<ApplyOutcome> {
  if (expectedTip && block.prevHash !== expectedTip.hash) return { kind: 'tip-moved' };
  const args = {
    p_lock_key: CHAIN_LOCK_KEY,
    p_expected_tip: expectedTip?.hash ?? null,
    ...applyBlockArgs(block),
    p_chain_stream: CHAIN_STREAM,
    p_notify_channel: OUTBOX_CHANNEL,
  };
  const names = Object.keys(args).map((name, i) => `${name} => $${i + 1}`);
  const { rows } = await ex.query<{ applied: boolean }>(
    `SELECT crawler_apply_block(${names.join(', ')}) AS applied`,
    Object.values(args).map(asParam),
  );
  if (!rows[0]!.applied) return { kind: 'tip-moved' };
  return { kind: 'applied', walletTxs: block.walletTxs.length };
}

/**
 * A crawler_apply_block(s) argument as sent: an array as its literal (arrayLiteral; for a
 * block paying 5,000 users node-postgres's own escaping of the ~20 arrays took ~30 ms of
 * the crawler's CPU, between the block's arrival and its commit).
 */
export const asParam = (value: ArrayElement | readonly ArrayElement[]): ArrayElement =>
  Array.isArray(value) ? valuesLiteral(value) : (value as ArrayElement);

/**
 * crawler_apply_block's arguments for one block, by name, but for those the same for
 * every block (lock, expected tip, chain stream, notify channel). Each stream's events
 * are numbered in block order, BlockConnected the chain stream's one.
 */
export function applyBlockArgs(block: BlockToApply) {
  const { created, spent, walletTxs: txs } = block;
  const counts = new Map<string, number>([[CHAIN_STREAM, 1]]);
  const txStreams: string[] = [];
  const txNth: number[] = [];
  const next = (userId: string) => {
    const stream = userStream(userId);
    const nth = (counts.get(stream) ?? 0) + 1;
    counts.set(stream, nth);
    return { stream, nth };
  };
  for (const w of txs) {
    const { stream, nth } = next(w.userId);
    txStreams.push(stream);
    txNth.push(nth);
  }
  // After the block's TxConfirmed events: the node dropped them because of this block.
  const dropped = block.pendingDropped.map((d) => ({ ...d, ...next(d.userId) }));
  // appendToManyStreams' order, in which every writer locks version rows.
  const streams = [...counts.keys()].sort();
  // Passed by name (p_hash => $3, …), so their order here need not follow the signature.
  return {
    p_hash: block.hash,
    p_height: block.height,
    p_prev_hash: block.prevHash,
    p_time: block.time,
    p_tx_count: block.txCount,
    p_chainwork: formatChainwork(block.chainwork),
    p_created_txid: created.map((o) => o.txid),
    p_created_vout: created.map((o) => o.vout),
    p_created_user: created.map((o) => o.userId),
    p_created_address: created.map((o) => o.address),
    p_created_sats: created.map((o) => o.valueSats),
    p_spent_txid: spent.map((s) => s.txid),
    p_spent_vout: spent.map((s) => s.vout),
    p_spent_by: spent.map((s) => s.spentTxid),
    p_tx_user: txs.map((w) => w.userId),
    p_tx_stream: txStreams,
    p_tx_nth: txNth,
    p_tx_txid: txs.map((w) => w.txid),
    p_tx_received: txs.map((w) => w.receivedSats),
    p_tx_sent: txs.map((w) => w.sentSats),
    p_tx_paid_to_others: txs.map((w) => w.paidToOthersSats),
    p_tx_addresses: txs.map((w) => w.addresses.join(',')),
    p_tx_coinbase: txs.map((w) => w.coinbase === true),
    p_mined_txid: block.pendingMined,
    p_dropped_txid: dropped.map((d) => d.txid),
    p_dropped_stream: dropped.map((d) => d.stream),
    p_dropped_nth: dropped.map((d) => d.nth),
    p_streams: streams,
    p_stream_counts: streams.map((s) => counts.get(s)!),
    p_occurred_at: block.occurredAt.toISOString(),
  };
}
