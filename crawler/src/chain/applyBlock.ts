import type { Pool } from '#shared/db/pool.js';
import { storeBlock } from '../db/storeBlock.js';
import type { ChainTip } from '../node/chainSource.js';
import type { PreparedBlock } from './prepareBlock.js';

export type ApplyOutcome = { kind: 'applied'; walletTxs: number; users: number } | { kind: 'tip-moved' };

/**
 * Applies one prepared block (prepareBlock) in one SQL transaction — a single statement,
 * db/storeBlock.ts: the block row, wallet UTXOs created and spent, one wallet transaction
 * per (user, txid), the TxConfirmed events of every touched user and BlockConnected on
 * the chain stream. `expectedTip` is the block it extends (undefined for the very first
 * block); if the stored tip is no longer that, nothing is written and `tip-moved` is
 * returned.
 */
export async function applyBlock(
  pool: Pool,
  block: PreparedBlock,
  expectedTip: ChainTip | undefined,
): Promise<ApplyOutcome> {
  if (expectedTip && block.prevHash !== expectedTip.hash) return { kind: 'tip-moved' };
  if (!(await storeBlock(pool, expectedTip?.hash, block))) return { kind: 'tip-moved' };
  return { kind: 'applied', walletTxs: block.walletTxs.length, users: block.users };
}
