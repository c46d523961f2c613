import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from '#shared/db/pool.js';
import { isTransientDbError } from '#shared/db/isTransientDbError.js';
import { isForklineError } from '#shared/errors/catalogue.js';
import type { NetworkName } from '#shared/bitcoin/networks.js';
import { createWakeSignal } from '#shared/lifecycle/createWakeSignal.js';
import { sharedPromise } from '#shared/lifecycle/sharedPromise.js';
import { backoffDelayMs } from '#shared/retry/retry.js';
import type { Logger } from '#shared/logging/logger.js';
import { createUnspentTxids } from './matching/unspentTxids.js';
import { createMempoolFollower } from './mempool/createMempoolFollower.js';
import { createPendingIndex } from './mempool/pendingIndex.js';
import { createWatchIndex, type WatchIndex } from './matching/watchIndex.js';
import type { ChainSource, ChainTip, NodeTip } from './node/chainSource.js';
import { checkNodeNetwork } from './node/checkNodeNetwork.js';
import { statusTip } from './node/statusTip.js';
import type { MempoolSource } from './node/mempoolSource.js';
import { createZmqWakeups } from './node/zmqWakeups.js';
import type { CrawlerMetrics } from './metrics.js';
import { syncToNode, type SyncDeps } from './sync/syncToNode.js';
import { createAddressJoiner } from './rescan/createAddressJoiner.js';
import type { CrawlerStatus } from './crawlerStatus.js';
import { createAddressWatcher } from './watch/addressWatcher.js';

export interface CrawlerSettings {
  network: NetworkName;
  startHeight: number;
  pollIntervalMs: number;
  fetchConcurrency: number;
  catchUp: SyncDeps['catchUp']; // blocks per SQL transaction while catching up
  /** Undefined: no ZMQ, polling only. */
  zmqEndpoint: string | undefined;
  /** For the connection that LISTENs for new watched addresses (see createPgListener). */
  databaseUrl: string;
  /** Longest time between two full mempool snapshots (0: every loop; ZMQ keeps it exact between). */
  mempoolResyncMs: number;
  /** Stored blocks a rescan scans per transaction. */
  rescanChunkBlocks: number;
}

const MAX_BACKOFF_MS = 30_000;
/** The longest a rescan runs before the loop looks at the node again. */
const RESCAN_SLICE_MS = 1_000;
/** A failed placement of new addresses is tried again this soon. */
const PLACE_RETRY_MS = 500;

/**
 * The crawler: keeps the online database's chain equal to the node's best chain. A sync
 * runs on every wake-up — ZMQ, the poll timer, or kick() — and after a failure it is
 * retried with backoff, so an unreachable node or database only delays it. A reorg
 * deeper than our history is the one failure that stops it (`done` rejects).
 */
export function createCrawler({
  pool,
  source,
  log,
  metrics,
  settings,
  mempoolSource,
  index = createWatchIndex(),
}: {
  pool: Pool;
  source: ChainSource;
  /** Without it the mempool is not followed: only mined transactions are seen. */
  mempoolSource?: MempoolSource;
  log: Logger;
  metrics: CrawlerMetrics;
  settings: CrawlerSettings;
  index?: WatchIndex;
}) {
  const abort = new AbortController();
  const status: CrawlerStatus = {
    state: 'starting',
    ourTip: null,
    nodeTip: null,
    behindBlocks: null,
    watchedScripts: 0,
    addressLoadsFailing: 0,
    rescans: [],
    rescanError: null,
    mempool: null,
    lastError: null,
  };
  const unspent = createUnspentTxids();
  const pending = createPendingIndex();
  const mempool =
    mempoolSource &&
    createMempoolFollower({
      pool,
      source: mempoolSource,
      bestTip: () => source.bestTip(),
      watch: index,
      pending,
      fetchConcurrency: settings.fetchConcurrency,
      resyncIntervalMs: settings.zmqEndpoint ? settings.mempoolResyncMs : 0,
      log: log.child({ component: 'mempool' }),
      metrics,
    });
  const wake = createWakeSignal();
  /** Registered or derived addresses may be waiting: the loop's next pass places them. */
  let placeDue = true;
  const kick = () => wake.wake();

  const joiner = createAddressJoiner({
    pool,
    source,
    index,
    unspent,
    log: log.child({ component: 'watch' }),
    metrics,
    network: settings.network,
    startHeight: settings.startHeight,
    chunkBlocks: settings.rescanChunkBlocks,
    fetchConcurrency: settings.fetchConcurrency,
    // Payments to or from them may be in the mempool already: the next sync finds them.
    onJoined: (scripts, funding) => mempool?.onWatchGrew(scripts, funding),
  });
  const watcher = createAddressWatcher({
    connectionString: settings.databaseUrl,
    index,
    log: log.child({ component: 'watch' }),
    onRegistered: () => {
      placeDue = true;
      kick();
    },
  });
  const zmq = settings.zmqEndpoint
    ? createZmqWakeups({
        endpoint: settings.zmqEndpoint,
        onWake: kick,
        onMempool: mempool && ((message) => mempool.onMessage(message)),
        log: log.child({ component: 'zmq' }),
      })
    : undefined;

  const onTip = (ours: (ChainTip & { chainwork?: bigint }) | undefined, node: NodeTip) => {
    status.ourTip = ours ? statusTip(ours) : null;
    status.nodeTip = statusTip(node);
    status.behindBlocks = node.height - (ours?.height ?? settings.startHeight - 1);
  };

  async function loop(): Promise<void> {
    let failures = 0;
    let networkChecked = false;
    while (!abort.signal.aborted) {
      wake.clear();
      try {
        if (!networkChecked) {
          await checkNodeNetwork(source, settings.network);
          networkChecked = true;
        }
        status.state = 'syncing';
        // New addresses first, between two block writes: each joins live matching now or
        // gets a rescan of the blocks applied since it was registered. Only when told of one
        // (or after a failed pass), so a pass for a block or a pending payment waits for nothing.
        const placed = placeDue ? await joiner.place() : 'placed';
        placeDue = placed !== 'placed';
        const result = await syncToNode({
          pool,
          source,
          watch: index,
          unspent,
          pending,
          log,
          metrics,
          startHeight: settings.startHeight,
          fetchConcurrency: settings.fetchConcurrency,
          catchUp: settings.catchUp,
          signal: abort.signal,
          onTip,
        });
        if (result.applied + result.reverted > 0) {
          log.info(
            { applied: result.applied, reverted: result.reverted, tip: result.tip },
            'in sync with the node',
          );
        }
        if (result.reverted > 0) mempool?.onReorg();
        // The mempool after the blocks: a block's effects on it are recorded first. Not
        // before our first block (a node below the start height has nothing for us).
        const mempoolOutcome =
          mempool && result.tip && !result.nodeBehind ? await mempool.sync(result.tip.hash) : 'synced';
        // A slice of a rescan between live syncs, so live blocks never wait long behind it.
        const rescanning = result.nodeBehind ? false : await joiner.rescan(RESCAN_SLICE_MS, abort.signal);
        status.mempool = mempool?.status() ?? null;
        failures = 0;
        status.state = result.nodeBehind ? 'node-behind' : 'in-sync';
        status.lastError = null;
        if (mempoolOutcome === 'synced' && !rescanning && placed !== 'more') {
          await wake.wait(placed === 'failed' ? PLACE_RETRY_MS : settings.pollIntervalMs, abort.signal);
        }
      } catch (err) {
        const message = (err as Error).message;
        status.lastError = message;
        if (isForklineError(err, 'REORG_TOO_DEEP') || (!networkChecked && !isRetriable(err))) {
          status.state = 'failed';
          throw err;
        }
        failures++;
        metrics.errors.inc();
        mempool?.markResync();
        status.state = 'retrying';
        const delayMs = backoffDelayMs(failures, 250, MAX_BACKOFF_MS);
        // Expected outages (node or database away) are warnings; anything else is a bug to look at.
        log[isRetriable(err) ? 'warn' : 'error'](
          { err: message, failures, delayMs },
          'sync failed, retrying',
        );
        await sleep(delayMs, undefined, { signal: abort.signal }).catch(() => undefined);
      }
    }
  }

  let running: Promise<void> | undefined;

  /** Loads the watched addresses (waiting for the database if needed), then follows the node. */
  const start = sharedPromise(async () => {
    await watcher.start();
    status.watchedScripts = index.size;
    metrics.watchedScripts.set(index.size);
    await zmq?.start();
    running = loop();
    running.catch(() => undefined);
  });

  /** Stops intake, lets the block in flight commit, then releases the listeners. */
  const close = sharedPromise(async () => {
    abort.abort();
    await running?.catch(() => undefined);
    await Promise.all([zmq?.close(), watcher.close()]);
    if (status.state !== 'failed') status.state = 'stopped';
  });

  return {
    start,
    close,
    kick,
    /** Settles when the follow loop ends: resolves after close(), rejects on a fatal error. */
    done: (): Promise<void> => running ?? Promise.resolve(),
    status: (): CrawlerStatus => ({ ...status, ...joiner.status(), watchedScripts: index.size }),
    isWatching: (address: string) => index.has(address),
  };
}

export type Crawler = ReturnType<typeof createCrawler>;

function isRetriable(err: unknown): boolean {
  return isTransientDbError(err) || (isForklineError(err) && err.retriable);
}
