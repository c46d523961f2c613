import { withTransaction } from '../../../shared/src/db/withTransaction.js';
import type { Pool } from '../../../shared/src/db/pool.js';
import { CHAIN_STREAM, userStream } from '../../../shared/src/events/streams.js';
import type { ForklineEvent } from '../../../shared/src/events/types.js';
import { appendToManyStreams } from '../../../shared/src/outbox/appendToManyStreams.js';
import { insertBlock } from '../db/insertBlock.js';
import { insertUtxos } from '../db/insertUtxos.js';
import { insertWalletTxs } from '../db/insertWalletTxs.js';
import { lockChain } from '../db/lockChain.js';
import { markUtxosSpent } from '../db/markUtxosSpent.js';
import { selectTip } from '../db/selectTip.js';
import { selectUnspentOutpoints } from '../db/selectUnspentOutpoints.js';
import { matchBlock, spentOutpoints } from '../matching/matchBlock.js';
import type { WatchLookup } from '../matching/types.js';
import type { ParsedBlock } from '../node/parseBlock.js';
import type { ChainTip } from '../node/chainSource.js';

export type ApplyOutcome = { kind: 'applied'; walletTxs: number; users: number } | { kind: 'tip-moved' };

/**
 * Applies one block in one SQL transaction: the block row, wallet UTXOs created and
 * spent, one wallet transaction per (user, txid), the TxConfirmed events of every
 * touched user and BlockConnected on the chain stream. `expectedTip` is the block it
 * extends (undefined for the very first block); if the stored tip is no longer that,
 * nothing is written and `tip-moved` is returned.
 */
export async function applyBlock(
  pool: Pool,
  block: ParsedBlock,
  height: number,
  expectedTip: ChainTip | undefined,
  watch: WatchLookup,
): Promise<ApplyOutcome> {
  return withTransaction(pool, async (tx) => {
    await lockChain(tx);
    const tip = await selectTip(tx);
    if (tip?.hash !== expectedTip?.hash || (expectedTip && block.prevHash !== expectedTip.hash)) {
      return { kind: 'tip-moved' };
    }
    const prevouts = await selectUnspentOutpoints(tx, spentOutpoints(block.txs));
    const match = matchBlock(block.txs, watch, prevouts);
    const ref = { hash: block.hash, height };
    await insertBlock(tx, { ...ref, prevHash: block.prevHash, time: block.time, txCount: block.txs.count });
    await insertUtxos(tx, ref, match.created);
    const marked = await markUtxosSpent(tx, ref, match.spent);
    if (marked !== match.spent.length) {
      throw new Error(`block ${block.hash}: ${match.spent.length} wallet UTXOs spent but ${marked} marked`);
    }
    await insertWalletTxs(tx, ref, match.walletTxs);

    const events = new Map<string, ForklineEvent[]>([
      [
        CHAIN_STREAM,
        [
          {
            type: 'BlockConnected',
            payload: { hash: block.hash, height, prevHash: block.prevHash, time: block.time },
          },
        ],
      ],
    ]);
    for (const w of match.walletTxs) {
      const stream = userStream(w.userId);
      const list = events.get(stream) ?? [];
      list.push({
        type: 'TxConfirmed',
        payload: {
          txid: w.txid,
          blockHash: block.hash,
          height,
          deltaSats: w.deltaSats,
          receivedSats: w.receivedSats,
          sentSats: w.sentSats,
          addresses: w.addresses,
        },
      });
      events.set(stream, list);
    }
    await appendToManyStreams(tx, events);
    return { kind: 'applied', walletTxs: match.walletTxs.length, users: events.size - 1 };
  });
}
