import type { Executor } from '../../../shared/src/db/pool.js';
import { OUTBOX_CHANNEL } from '../../../shared/src/outbox/appendToStream.js';
import type { ForklineEvent } from '../../../shared/src/events/types.js';
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
  /** Sorted by stream, in order within each stream; versions are taken by the database. */
  events: (ForklineEvent & { id: string; stream: string })[];
  occurredAt: Date;
}

/**
 * Applies a block in one statement, so in one SQL transaction (crawler_apply_block,
 * migration 0101): chain lock, expected-tip check, block row, wallet UTXOs created and
 * spent, wallet transactions, outbox events with their stream versions, NOTIFY. Returns
 * false, having written nothing, when our stored tip is not `expectedTip`.
 */
export async function storeBlock(
  ex: Executor,
  expectedTip: string | undefined,
  block: BlockToStore,
): Promise<boolean> {
  const { rows } = await ex.query<{ applied: boolean }>(
    `SELECT crawler_apply_block($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) AS applied`,
    [
      CHAIN_LOCK_KEY,
      expectedTip ?? null,
      block.hash,
      block.height,
      block.prevHash,
      block.time,
      block.txCount,
      JSON.stringify(block.created),
      JSON.stringify(block.spent),
      JSON.stringify(block.walletTxs),
      JSON.stringify(block.events),
      block.occurredAt.toISOString(),
      OUTBOX_CHANNEL,
    ],
  );
  return rows[0]!.applied;
}
