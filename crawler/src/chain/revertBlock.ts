import { withTransaction } from '#shared/db/withTransaction.js';
import type { Pool } from '#shared/db/pool.js';
import { CHAIN_STREAM, userStream } from '#shared/events/streams.js';
import type { ForklineEvent } from '#shared/events/types.js';
import { appendToManyStreams } from '#shared/outbox/appendToManyStreams.js';
import { deleteBlock } from '../db/deleteBlock.js';
import { deleteUtxosCreatedIn } from '../db/deleteUtxosCreatedIn.js';
import { deleteWalletTxsOfBlock } from '../db/deleteWalletTxsOfBlock.js';
import { rewindRescans } from '../db/rewindRescans.js';
import { lockChain } from '../db/lockChain.js';
import { selectTip, type StoredBlock } from '../db/selectTip.js';
import { unspendUtxosSpentIn } from '../db/unspendUtxosSpentIn.js';

export type RevertOutcome =
  { kind: 'reverted'; walletTxs: number; previous: StoredBlock | undefined } | { kind: 'tip-moved' };

/**
 * Reverts our tip block in one SQL transaction: restores the wallet UTXOs it spent,
 * removes those it created and its wallet transactions, and writes the exact opposite
 * events — TxReverted (deltaSats negated) per wallet transaction, newest first, and
 * BlockDisconnected naming the versions those reached on each user's stream. Rescans and
 * addresses waiting to be placed move back to its height (its replacement is theirs to
 * scan). Does nothing (`tip-moved`) unless `hash` is still our tip.
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
    await rewindRescans(tx, tip.height);

    const events = new Map<string, ForklineEvent[]>();
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
    // The users' events first: BlockDisconnected names the versions they reached, which
    // the read side waits for before it claims the chain without this block for them.
    const reverts = await appendToManyStreams(tx, events);
    const streams: Record<string, number> = {};
    for (const event of reverts) streams[event.stream] = event.version;
    await appendToManyStreams(
      tx,
      new Map([
        [
          CHAIN_STREAM,
          [
            {
              type: 'BlockDisconnected',
              payload: {
                hash,
                height: tip.height,
                prevHash: tip.prevHash,
                ...(reverts.length > 0 && { streams }),
              },
            },
          ],
        ],
      ]),
    );
    const previous = await selectTip(tx);
    return { kind: 'reverted', walletTxs: walletTxs.length, previous };
  });
}
