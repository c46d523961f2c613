import { withTransaction } from '#shared/db/withTransaction.js';
import type { Pool } from '#shared/db/pool.js';
import { CHAIN_STREAM, userStream } from '#shared/events/streams.js';
import type { ForklineEvent } from '#shared/events/types.js';
import { appendToManyStreams } from '#shared/outbox/appendToManyStreams.js';
import { deleteBlock } from '../db/deleteBlock.js';
import { deleteUtxosCreatedIn } from '../db/deleteUtxosCreatedIn.js';
import { deleteWalletTxsOfBlock } from '../db/deleteWalletTxsOfBlock.js';
import { lockChain } from '../db/lockChain.js';
import { selectTip, type StoredBlock } from '../db/selectTip.js';
import { unspendUtxosSpentIn } from '../db/unspendUtxosSpentIn.js';

export type RevertOutcome =
  { kind: 'reverted'; walletTxs: number; previous: StoredBlock | undefined } | { kind: 'tip-moved' };

/**
 * Reverts our tip block in one SQL transaction: restores the wallet UTXOs it spent,
 * removes those it created and its wallet transactions, and writes the exact opposite
 * events — TxReverted (deltaSats negated) per wallet transaction, newest first, and
 * BlockDisconnected. Does nothing (`tip-moved`) unless `hash` is still our tip.
 */
export async function revertBlock(pool: Pool, hash: string): Promise<RevertOutcome> {
  return withTransaction(pool, async (tx) => {
    await lockChain(tx);
    const tip = await selectTip(tx);
    if (!tip || tip.hash !== hash) return { kind: 'tip-moved' };
    const walletTxs = await deleteWalletTxsOfBlock(tx, hash);
    await unspendUtxosSpentIn(tx, hash);
    await deleteUtxosCreatedIn(tx, hash);
    await deleteBlock(tx, hash);

    const events = new Map<string, ForklineEvent[]>([
      [CHAIN_STREAM, [{ type: 'BlockDisconnected', payload: { hash, height: tip.height } }]],
    ]);
    for (const w of walletTxs) {
      const stream = userStream(w.userId);
      const list = events.get(stream) ?? [];
      list.push({
        type: 'TxReverted',
        payload: {
          txid: w.txid,
          blockHash: hash,
          height: w.height,
          deltaSats: w.deltaSats === 0 ? 0 : -w.deltaSats,
        },
      });
      events.set(stream, list);
    }
    await appendToManyStreams(tx, events);
    const previous = await selectTip(tx);
    return { kind: 'reverted', walletTxs: walletTxs.length, previous };
  });
}
