import { ForklineError } from '#shared/errors/catalogue.js';
import type { Logger } from '#shared/logging/logger.js';
import type { Pool } from '#shared/db/pool.js';
import { revertBlock } from '../chain/revertBlock.js';
import { selectBlockHashAt } from '../db/selectBlockHashAt.js';
import { selectLowestBlock } from '../db/selectLowestBlock.js';
import { selectTip, type StoredBlock } from '../db/selectTip.js';
import type { WatchLookup } from '../matching/types.js';
import type { UnspentTxids } from '../matching/unspentTxids.js';
import { loadPendingIndex } from '../mempool/loadPendingIndex.js';
import type { PendingIndex } from '../mempool/pendingIndex.js';
import type { ChainSource, ChainTip, NodeTip } from '../node/chainSource.js';
import type { CrawlerMetrics } from '../metrics.js';
import { applyUpTo } from './applyUpTo.js';
import { findForkPoint } from './findForkPoint.js';
import { NodeMoved } from './nodeMoved.js';
import { nodeStanding } from './nodeStanding.js';

export interface SyncDeps {
  pool: Pool;
  source: ChainSource;
  watch: WatchLookup;
  /** Our unspent outputs' txids, kept across passes (reloaded by prepareBlock when stale). */
  unspent: UnspentTxids;
  /** Our pending transactions, which blocks mine or conflict with (reloaded when stale). */
  pending: PendingIndex;
  log: Logger;
  metrics: CrawlerMetrics;
  startHeight: number;
  fetchConcurrency: number;
  /**
   * Catching up: blocks at least `behindBlocks` below the node's tip are applied up to
   * `groupBlocks` per SQL transaction; the others (live blocks) one per transaction.
   */
  catchUp: { groupBlocks: number; behindBlocks: number };
  signal: AbortSignal;
  /** Told of every tip change, for /status; chainwork when known. */
  onTip?: (ours: (ChainTip & { chainwork?: bigint }) | undefined, node: NodeTip) => void;
}

export interface SyncResult {
  applied: number;
  reverted: number;
  tip: ChainTip | undefined;
  /** The node is behind our tip (nodeStanding): waited for, nothing reverted. */
  nodeBehind: boolean;
}

/**
 * Brings our chain to the node's best block: finds the fork point, reverts our blocks
 * above it from the top down, then applies the node's blocks upwards, each extending
 * the one before. When the node reorganises again meanwhile, starts over from its new
 * best block. Returns when our tip is the node's best hash (or the signal aborts).
 */
export async function syncToNode(deps: SyncDeps): Promise<SyncResult> {
  const { pool, source, log, metrics, signal } = deps;
  const result: SyncResult = { applied: 0, reverted: 0, tip: undefined, nodeBehind: false };
  for (;;) {
    const node = await source.bestTip();
    metrics.nodeTipHeight.set(node.height);
    let tip: StoredBlock | undefined = await selectTip(pool);
    result.tip = tip && { hash: tip.hash, height: tip.height };
    deps.onTip?.(tip, node);
    if (tip?.hash === node.hash || signal.aborted) return result;
    if (!tip && node.height < deps.startHeight) {
      log.debug({ nodeHeight: node.height, startHeight: deps.startHeight }, 'node is below the start height');
      return result;
    }
    // Only a node with more chainwork than our tip, or that holds our tip and left it, has
    // reorganised; one reindexing, in initial block download or lagging is waited for.
    if (tip) {
      const standing = nodeStanding(tip, { ...node, holdsOurTip: await source.holdsBlock(tip.hash) });
      if (standing.kind === 'behind') {
        result.nodeBehind = true;
        log.warn(
          {
            reason: standing.reason,
            ourTip: tip.height,
            ourChainwork: tip.chainwork?.toString(16) ?? null,
            nodeTip: node.height,
            nodeChainwork: node.chainwork.toString(16),
            initialBlockDownload: node.initialBlockDownload,
          },
          'the node is behind our tip: waiting for it',
        );
        return result;
      }
    }
    try {
      await loadPendingIndex(pool, deps.pending);
      if (tip) tip = await revertToForkPoint(deps, tip, node, result);
      if (signal.aborted) return result;
      result.tip = tip && { hash: tip.hash, height: tip.height };
      await applyUpTo(deps, tip, node, result);
    } catch (err) {
      if (!(err instanceof NodeMoved)) throw err;
      metrics.syncRestarts.inc();
      log.info({ reason: err.message }, 'node reorganised during sync, starting over');
    }
  }
}

async function revertToForkPoint(
  deps: SyncDeps,
  tip: StoredBlock,
  node: NodeTip,
  result: SyncResult,
): Promise<StoredBlock | undefined> {
  const { pool, source, log, metrics } = deps;
  const lowest = (await selectLowestBlock(pool))!;
  const fork = await findForkPoint({ tipHeight: tip.height, lowestHeight: lowest.height }, node.height, {
    nodeHashAt: (h) => source.hashAt(h),
    ourHashAt: (h) => selectBlockHashAt(pool, h),
  });
  if (fork.kind === 'too-deep') {
    // Checked before anything is reverted: the database stays at our last good tip.
    throw new ForklineError(
      'REORG_TOO_DEEP',
      `the node's chain (best ${node.hash} at height ${node.height}) shares no block with ours at or above ` +
        `height ${fork.lowestHeight}, the oldest block we hold (our tip: height ${tip.height}); ` +
        `the reorg is deeper than our history, so the crawler stops instead of guessing. ` +
        `Check that the node follows the intended network, or restart with an empty database and a lower CRAWLER_START_HEIGHT.`,
    );
  }
  const depth = tip.height - fork.height;
  if (depth === 0) return tip;
  log.warn(
    { depth, forkHeight: fork.height, ourTip: tip.height, nodeTip: node.height },
    'reorg: reverting blocks',
  );
  let current: StoredBlock | undefined = tip;
  while (current && current.height > fork.height) {
    const started = performance.now();
    const outcome = await revertBlock(pool, current.hash);
    if (outcome.kind === 'tip-moved') throw new NodeMoved('our tip changed while reverting');
    metrics.blocksReverted.inc();
    metrics.blockSeconds.observe((performance.now() - started) / 1000);
    log.info({ height: current.height, hash: current.hash, walletTxs: outcome.walletTxs }, 'block reverted');
    result.reverted++;
    current = outcome.previous;
    metrics.tipHeight.set(current?.height ?? 0);
    deps.onTip?.(current, node);
  }
  metrics.reorgs.inc();
  metrics.reorgDepth.observe(depth);
  return current;
}
