import type { NetworkName } from '#shared/bitcoin/networks.js';
import type { Pool } from '#shared/db/pool.js';
import type { Logger } from '#shared/logging/logger.js';
import { backoffDelayMs } from '#shared/retry/retry.js';
import type { CrawlerMetrics } from '../metrics.js';
import type { Outpoint } from '../matching/types.js';
import type { UnspentTxids } from '../matching/unspentTxids.js';
import type { WatchIndex } from '../matching/watchIndex.js';
import type { ChainSource } from '../node/chainSource.js';
import type { WaitingAddress } from '../db/selectWaitingAddresses.js';
import { createRescanner, type RescanProgress } from './createRescanner.js';
import { extendDescriptors } from './extendDescriptors.js';
import { placeNewAddresses } from './placeNewAddresses.js';

export interface JoinStatus {
  /** Registered addresses not placed yet because the last attempt failed (retried every pass). */
  addressLoadsFailing: number;
  /** Why the last rescan step failed (retried with backoff; live sync goes on), null when it did not. */
  rescanError: string | null;
  /** Rescans queued or running, the running one first. */
  rescans: RescanProgress[];
}

/**
 * How registered addresses join live matching, run by the crawler's loop between block
 * writes: extend the wallets' gap windows (extendDescriptors), place the new addresses
 * (placeNewAddresses), then scan the stored chain for those
 * learned late (createRescanner), a chunk at a time within a time budget. An address
 * enters the index — and its outputs the live unspent mirror — only when every block up
 * to our tip has been scanned for it.
 */
export function createAddressJoiner({
  pool,
  source,
  index,
  unspent,
  log,
  metrics,
  network,
  startHeight,
  chunkBlocks,
  fetchConcurrency,
  onJoined,
}: {
  pool: Pool;
  source: Pick<ChainSource, 'rawBlock'>;
  index: WatchIndex;
  unspent: UnspentTxids;
  log: Logger;
  metrics: CrawlerMetrics;
  network: NetworkName;
  startHeight: number;
  chunkBlocks: number;
  fetchConcurrency: number;
  /**
   * Addresses joined (their scripts; their unspent outputs): e.g. the mempool follower
   * looks again for their pending payments.
   */
  onJoined?: (scripts: Uint8Array[], funding: Outpoint[]) => void;
}) {
  const rescanner = createRescanner({ pool, source, log, chunkBlocks, fetchConcurrency });
  const status: JoinStatus = { addressLoadsFailing: 0, rescanError: null, rescans: [] };
  let rescanFailures = 0;
  let rescanRetryAt = 0;
  let lastPlaced = 0;

  const join = (addresses: readonly WaitingAddress[], funding: Outpoint[] = []) => {
    const added = addresses.filter((a) =>
      index.add(a.scriptPubKey, { userId: a.userId, address: a.address }),
    );
    metrics.watchedScripts.set(index.size);
    if (added.length > 0)
      onJoined?.(
        added.map((a) => a.scriptPubKey),
        funding,
      );
  };

  const publish = () => {
    status.rescans = rescanner.progress();
    metrics.rescansOpen.set(status.rescans.length);
    metrics.rescanHeight.set(status.rescans[0] ? status.rescans[0].nextHeight - 1 : -1);
    metrics.addressLoadsFailing.set(status.addressLoadsFailing);
  };

  return {
    /**
     * Extends the wallets' windows that payments moved, then places the addresses
     * registered or derived since the last pass. Never throws: a failure is
     * logged, counted in the status, and retried on the next pass.
     */
    async place(): Promise<'placed' | 'more' | 'failed'> {
      try {
        await extendDescriptors(pool, network, log);
        const placed = await placeNewAddresses(pool, startHeight);
        lastPlaced = placed.placed;
        join(placed.joined);
        if (placed.placed > 0) {
          log.info(
            { joined: placed.joined.length, rescansQueued: placed.rescansQueued, watched: index.size },
            'new addresses placed',
          );
        }
        status.addressLoadsFailing = 0;
        publish();
        return placed.more ? 'more' : 'placed';
      } catch (err) {
        status.addressLoadsFailing = Math.max(1, lastPlaced);
        publish();
        log.warn({ err: (err as Error).message }, 'could not place new addresses, retrying');
        return 'failed';
      }
    },

    /** Runs rescan chunks for about `budgetMs`; true while a rescan has more to scan. */
    async rescan(budgetMs: number, signal: AbortSignal): Promise<boolean> {
      // A failing rescan (a block the node no longer serves, the database away) backs off
      // on its own: live blocks and placements never wait for it.
      if (performance.now() < rescanRetryAt) return false;
      const deadline = performance.now() + budgetMs;
      try {
        for (;;) {
          const step = await rescanner.step();
          if (step.kind === 'idle') return false;
          if (step.kind === 'scanned') {
            metrics.rescanBlocks.inc(step.blocks);
          } else if (step.kind === 'finished') {
            // The live mirror reloads with the rescan's outputs, visible from now on.
            unspent.reset();
            join(step.addresses, step.funding);
            log.info(
              { rescanId: step.rescanId, addresses: step.addresses.length, joinedHeight: step.joinedHeight },
              'rescan finished: its addresses are matched live',
            );
          }
          rescanFailures = 0;
          status.rescanError = null;
          if (signal.aborted || performance.now() >= deadline) return true;
        }
      } catch (err) {
        const delayMs = backoffDelayMs(++rescanFailures, 500, 60_000);
        rescanRetryAt = performance.now() + delayMs;
        status.rescanError = (err as Error).message;
        log.warn(
          { err: status.rescanError, failures: rescanFailures, delayMs },
          'rescan step failed, retrying',
        );
        return false;
      } finally {
        publish();
      }
    },

    status: (): JoinStatus => ({ ...status, rescans: [...status.rescans] }),
  };
}
