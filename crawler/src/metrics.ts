import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The crawler's Prometheus metrics, registered on the process's registry. */
export function createCrawlerMetrics(registry: Registry) {
  const registers = [registry];
  return {
    blocksApplied: new Counter({
      name: 'forkline_crawler_blocks_applied_total',
      help: 'Blocks applied to the online database',
      registers,
    }),
    blocksReverted: new Counter({
      name: 'forkline_crawler_blocks_reverted_total',
      help: 'Blocks reverted because they left the main chain',
      registers,
    }),
    walletTxs: new Counter({
      name: 'forkline_crawler_wallet_transactions_total',
      help: 'Wallet transactions (user, txid, block) recorded',
      registers,
    }),
    reorgs: new Counter({
      name: 'forkline_crawler_reorgs_total',
      help: 'Reorganisations handled',
      registers,
    }),
    reorgDepth: new Histogram({
      name: 'forkline_crawler_reorg_depth_blocks',
      help: 'Blocks reverted per reorganisation',
      buckets: [1, 2, 3, 6, 10, 20, 50, 100],
      registers,
    }),
    syncRestarts: new Counter({
      name: 'forkline_crawler_sync_restarts_total',
      help: 'Syncs started over because the node reorganised while we applied its blocks',
      registers,
    }),
    blockSeconds: new Histogram({
      name: 'forkline_crawler_block_apply_seconds',
      help: 'Time to apply one block (SQL transaction included, fetch excluded)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    }),
    tipHeight: new Gauge({ name: 'forkline_crawler_tip_height', help: 'Height of our tip', registers }),
    nodeTipHeight: new Gauge({
      name: 'forkline_crawler_node_tip_height',
      help: "Height of the node's best block, as last seen",
      registers,
    }),
    watchedScripts: new Gauge({
      name: 'forkline_crawler_watched_scripts',
      help: 'Scripts in the in-memory index',
      registers,
    }),
    addressLoadsFailing: new Gauge({
      name: 'forkline_crawler_address_loads_failing',
      help: 'Registered addresses not placed yet because the last attempt failed (retried every pass)',
      registers,
    }),
    rescansOpen: new Gauge({
      name: 'forkline_crawler_rescans_open',
      help: 'Rescans of the stored chain queued or running',
      registers,
    }),
    rescanBlocks: new Counter({
      name: 'forkline_crawler_rescan_blocks_total',
      help: 'Stored blocks scanned again for addresses learned late or registered with history',
      registers,
    }),
    rescanHeight: new Gauge({
      name: 'forkline_crawler_rescan_height',
      help: 'Height the running rescan has reached (-1: none running)',
      registers,
    }),
    errors: new Counter({
      name: 'forkline_crawler_sync_errors_total',
      help: 'Sync passes that failed and were retried',
      registers,
    }),
    pendingTxs: new Gauge({
      name: 'forkline_crawler_pending_transactions',
      help: 'Mempool transactions touching a watched user (pending)',
      registers,
    }),
    mempoolChanges: new Counter({
      name: 'forkline_crawler_mempool_changes_total',
      help: 'Pending transactions recorded (outcome=pending), already pending and stored again because a joined address added or changed the part of a user, once per transaction each time (outcome=restated), and dropped (outcome=dropped)',
      labelNames: ['outcome'],
      registers,
    }),
    mempoolSnapshots: new Counter({
      name: 'forkline_crawler_mempool_snapshots_total',
      help: 'Full mempool snapshots taken (start, blocks, lost messages, the resync timer)',
      registers,
    }),
  };
}

export type CrawlerMetrics = ReturnType<typeof createCrawlerMetrics>;
