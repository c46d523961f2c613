import type { ArrayElement } from '#shared/db/arrayLiteral.js';
import type { Executor } from '#shared/db/pool.js';
import { CHAIN_STREAM } from '#shared/events/streams.js';
import { OUTBOX_CHANNEL } from '#shared/outbox/appendSql.js';
import type { ChainTip } from '../node/chainSource.js';
import { applyBlock, applyBlockArgs, asParam, type ApplyOutcome, type BlockToApply } from './applyBlock.js';
import { CHAIN_LOCK_KEY } from './lockChain.js';

type BlockArgs = ReturnType<typeof applyBlockArgs>;

// crawler_apply_block's per-block arrays, flattened over the group, and the name of the
// argument saying where each block's rows start (migration 0106).
const ROWS: Record<string, (keyof BlockArgs)[]> = {
  p_created_from: [
    'p_created_txid',
    'p_created_vout',
    'p_created_user',
    'p_created_address',
    'p_created_sats',
  ],
  p_spent_from: ['p_spent_txid', 'p_spent_vout', 'p_spent_by'],
  p_tx_from: [
    'p_tx_user',
    'p_tx_stream',
    'p_tx_nth',
    'p_tx_txid',
    'p_tx_received',
    'p_tx_sent',
    'p_tx_paid_to_others',
    'p_tx_addresses',
    'p_tx_coinbase',
  ],
  p_mined_from: ['p_mined_txid'],
  p_dropped_from: ['p_dropped_txid', 'p_dropped_stream', 'p_dropped_nth'],
  p_streams_from: ['p_streams', 'p_stream_counts'],
};
const SCALARS: (keyof BlockArgs)[] = [
  'p_hash',
  'p_height',
  'p_prev_hash',
  'p_time',
  'p_tx_count',
  'p_chainwork',
  'p_occurred_at',
];

/**
 * Applies consecutive blocks, each extending the one before and the first `expectedTip`,
 * in one statement, so in one SQL transaction: crawler_apply_blocks (migration 0106) runs
 * crawler_apply_block for each in order, so the rows, events and stream versions are those
 * of applying them one by one, and the stored tip moves by the whole group or not at all.
 * A group of one is applyBlock. `tip-moved`: the stored tip is not `expectedTip`, nothing
 * written.
 */
export async function applyBlocks(
  ex: Executor,
  blocks: readonly BlockToApply[],
  expectedTip: ChainTip | undefined,
): Promise<ApplyOutcome> {
  if (blocks.length === 1) return applyBlock(ex, blocks[0]!, expectedTip);
  let parent = expectedTip?.hash;
  for (const b of blocks) {
    if (parent !== undefined && b.prevHash !== parent) {
      if (b === blocks[0]) return { kind: 'tip-moved' };
      throw new Error(`block ${b.hash} at height ${b.height} does not extend ${parent}`);
    }
    parent = b.hash;
  }
  const perBlock = blocks.map(applyBlockArgs);
  const args: Record<string, ArrayElement | ArrayElement[]> = {
    p_lock_key: CHAIN_LOCK_KEY,
    p_expected_tip: expectedTip?.hash ?? null,
  };
  for (const name of SCALARS) args[name] = perBlock.map((a) => a[name] as ArrayElement);
  for (const [from, names] of Object.entries(ROWS)) {
    const starts = [1];
    for (const a of perBlock) starts.push(starts.at(-1)! + (a[names[0]!] as unknown[]).length);
    args[from] = starts;
    for (const name of names) args[name] = perBlock.flatMap((a) => a[name] as ArrayElement[]);
  }
  args.p_chain_stream = CHAIN_STREAM;
  args.p_notify_channel = OUTBOX_CHANNEL;
  const names = Object.keys(args).map((name, i) => `${name} => $${i + 1}`);
  const { rows } = await ex.query<{ applied: boolean }>(
    `SELECT crawler_apply_blocks(${names.join(', ')}) AS applied`,
    Object.values(args).map(asParam),
  );
  if (!rows[0]!.applied) return { kind: 'tip-moved' };
  return { kind: 'applied', walletTxs: blocks.reduce((n, b) => n + b.walletTxs.length, 0) };
}
