import PQueue from 'p-queue';
import type { Pool } from '#shared/db/pool.js';
import { withTransaction } from '#shared/db/withTransaction.js';
import type { ForklineEvent } from '#shared/events/types.js';
import type { Logger } from '#shared/logging/logger.js';
import { appendToManyStreams } from '#shared/outbox/appendToManyStreams.js';
import { finishRescan } from '../db/finishRescan.js';
import { lockChain } from '../db/lockChain.js';
import { selectOpenRescans, type OpenRescan } from '../db/selectOpenRescans.js';
import { selectRescanAddresses } from '../db/selectRescanAddresses.js';
import { selectRescanUnspent } from '../db/selectRescanUnspent.js';
import { selectStoredBlocks } from '../db/selectStoredBlocks.js';
import { selectTip } from '../db/selectTip.js';
import type { WaitingAddress } from '../db/selectWaitingAddresses.js';
import { selectWalletTxs } from '../db/selectWalletTxs.js';
import { writeRescanChunk } from '../db/writeRescanChunk.js';
import { outpointKey, type Outpoint } from '../matching/types.js';
import { createWatchIndex, type WatchIndex } from '../matching/watchIndex.js';
import type { ChainSource } from '../node/chainSource.js';
import { parseBlock } from '../node/parseBlock.js';
import { matchRescanChunk } from './matchRescanChunk.js';
import { mergeWalletTxs } from './mergeWalletTxs.js';
import { addRescannedEvents } from './rescannedEvents.js';

export type RescanStep =
  | { kind: 'idle' }
  /** A chunk written; more to scan. */
  | { kind: 'scanned'; rescanId: number; blocks: number; walletTxs: number; reached: number }
  /**
   * The rescan reached our tip: its addresses are matched live from the next block.
   * `funding`: the unspent outputs it found.
   */
  | {
      kind: 'finished';
      rescanId: number;
      addresses: WaitingAddress[];
      joinedHeight: number;
      funding: Outpoint[];
    }
  /** The chain moved under the chunk (a reorg in between): nothing written, read again. */
  | { kind: 'moved' };

export interface RescanProgress extends OpenRescan {
  /** Blocks per second over the last chunk (null before one). */
  blocksPerSec: number | null;
}

/**
 * Rescans of the stored chain for addresses learned late (placeNewAddresses), one at a
 * time, the closest to our tip first (selectOpenRescans), a chunk of blocks per step: the crawler's loop runs a step between
 * its live syncs, so live blocks keep flowing during a long rescan. Each chunk is matched
 * against the rescan's addresses only, as live matching would (the same TxConfirmed
 * events, UTXOs created and spent), and written in one transaction with the rescan's
 * progress, so a crash resumes after the last whole chunk. A reverted block below the
 * progress moves it back (revertBlock), so the blocks replacing it are scanned too.
 */
export function createRescanner({
  pool,
  source,
  log,
  chunkBlocks,
  fetchConcurrency,
}: {
  pool: Pool;
  source: Pick<ChainSource, 'rawBlock'>;
  log: Logger;
  chunkBlocks: number;
  fetchConcurrency: number;
}) {
  let loaded: { rescanId: number; index: WatchIndex; addresses: WaitingAddress[] } | undefined;
  let open: OpenRescan[] = [];
  let rate: { rescanId: number; blocksPerSec: number } | undefined;

  async function step(): Promise<RescanStep> {
    open = await selectOpenRescans(pool);
    const job = open[0];
    if (!job) return { kind: 'idle' };
    if (loaded?.rescanId !== job.rescanId) {
      const addresses = await selectRescanAddresses(pool, job.rescanId);
      const index = createWatchIndex();
      for (const a of addresses) index.add(a.scriptPubKey, { userId: a.userId, address: a.address });
      loaded = { rescanId: job.rescanId, index, addresses };
      log.info(
        {
          rescanId: job.rescanId,
          fromHeight: job.fromHeight,
          nextHeight: job.nextHeight,
          addresses: addresses.length,
        },
        job.startedAt ? 'resuming a rescan' : 'starting a rescan',
      );
    }
    const { index, addresses } = loaded;
    const started = performance.now();
    const stored = await selectStoredBlocks(pool, job.nextHeight, chunkBlocks);
    const unspent = new Map(
      (await selectRescanUnspent(pool, job.rescanId)).map((o) => [outpointKey(o.txid, o.vout), o]),
    );
    const fetching = new PQueue({ concurrency: fetchConcurrency });
    const blocks = await Promise.all(
      stored.map((b) =>
        fetching.add(
          async () => ({ height: b.height, block: parseBlock(await source.rawBlock(b.hash), b.hash) }),
          {
            throwOnTimeout: true,
          },
        ),
      ),
    );
    const match = matchRescanChunk(blocks, index, unspent);
    const merged = mergeWalletTxs(match.walletTxs, await selectWalletTxs(pool, match.walletTxs));

    const outcome = await withTransaction(pool, async (tx): Promise<RescanStep> => {
      await lockChain(tx);
      const written = await writeRescanChunk(tx, {
        rescanId: job.rescanId,
        expectedNext: job.nextHeight,
        blocks: stored,
        created: match.created,
        spent: match.spent,
        inserted: merged.inserted,
        updated: merged.updated,
      });
      if (!written) return { kind: 'moved' };
      await appendToManyStreams(tx, merged.events);
      const reached = stored.at(-1)?.height ?? job.nextHeight - 1;
      const tipHeight = (await selectTip(tx))?.height ?? -1;
      if (reached < tipHeight) {
        return {
          kind: 'scanned',
          rescanId: job.rescanId,
          blocks: stored.length,
          walletTxs: match.walletTxs.length,
          reached,
        };
      }
      await finishRescan(tx, job.rescanId, tipHeight);
      const ended = new Map<string, ForklineEvent[]>();
      addRescannedEvents(ended, addresses, () => job.fromHeight, tipHeight);
      await appendToManyStreams(tx, ended);
      return {
        kind: 'finished',
        rescanId: job.rescanId,
        addresses,
        joinedHeight: tipHeight,
        // matchRescanChunk moved `unspent` past the chunk.
        funding: [...unspent.values()].map((o) => ({ txid: o.txid, vout: o.vout })),
      };
    });
    const seconds = (performance.now() - started) / 1000;
    if (stored.length > 0 && outcome.kind !== 'moved')
      rate = { rescanId: job.rescanId, blocksPerSec: stored.length / seconds };
    if (outcome.kind === 'finished') {
      loaded = undefined;
      open = open.slice(1);
    } else if (outcome.kind === 'scanned') {
      open[0] = {
        ...job,
        nextHeight: outcome.reached + 1,
        blocksScanned: job.blocksScanned + outcome.blocks,
      };
    }
    return outcome;
  }

  return {
    step,
    /** The rescans not finished as of the last step, the running one first. */
    progress: (): RescanProgress[] =>
      open.map((r) => ({ ...r, blocksPerSec: rate?.rescanId === r.rescanId ? rate.blocksPerSec : null })),
  };
}

export type Rescanner = ReturnType<typeof createRescanner>;
