import { createRpcClient } from '#shared/bitcoind/rpcClient.js';
import { migrate } from '#shared/db/migrate.js';
import { createPool } from '#shared/db/pool.js';
import { isTransientDbError } from '#shared/db/isTransientDbError.js';
import { gracefulShutdown } from '#shared/lifecycle/gracefulShutdown.js';
import { runMain } from '#shared/lifecycle/runMain.js';
import { createLogger } from '#shared/logging/logger.js';
import { createStatusServer } from '#shared/http/createStatusServer.js';
import { createMetricsRegistry } from '#shared/metrics/registry.js';
import { retry } from '#shared/retry/retry.js';
import { loadCrawlerConfig } from './config.js';
import { createCrawler } from './createCrawler.js';
import { createBitcoindSource } from './node/chainSource.js';
import { createBitcoindMempoolSource } from './node/mempoolSource.js';
import { acquireLeadership } from './leader/acquireLeadership.js';
import { createCrawlerMetrics } from './metrics.js';

/** The crawler process: config, wiring, start, graceful shutdown on SIGTERM/SIGINT. */
runMain(async () => {
  const config = loadCrawlerConfig();
  const log = createLogger('crawler', config.LOG_LEVEL);
  const pool = createPool({
    connectionString: config.ONLINE_DATABASE_URL,
    applicationName: 'forkline-crawler',
    log,
  });
  const registry = createMetricsRegistry('crawler');
  const rpc = createRpcClient({ url: config.BITCOIND_RPC_URL });
  const crawler = createCrawler({
    pool,
    source: createBitcoindSource(rpc),
    mempoolSource: config.CRAWLER_MEMPOOL ? createBitcoindMempoolSource(rpc) : undefined,
    log,
    metrics: createCrawlerMetrics(registry),
    settings: {
      network: config.BITCOIN_NETWORK,
      startHeight: config.CRAWLER_START_HEIGHT,
      pollIntervalMs: config.CRAWLER_POLL_INTERVAL_MS,
      fetchConcurrency: config.CRAWLER_FETCH_CONCURRENCY,
      catchUp: {
        groupBlocks: config.CRAWLER_CATCHUP_GROUP_BLOCKS,
        behindBlocks: config.CRAWLER_CATCHUP_BEHIND_BLOCKS,
      },
      zmqEndpoint: config.BITCOIND_ZMQ_SEQUENCE,
      databaseUrl: config.ONLINE_DATABASE_URL,
      mempoolResyncMs: config.CRAWLER_MEMPOOL_RESYNC_MS,
      rescanChunkBlocks: config.CRAWLER_RESCAN_CHUNK_BLOCKS,
    },
  });
  // One active crawler per database; another one started waits here as a standby.
  const leadership = acquireLeadership({ connectionString: config.ONLINE_DATABASE_URL, log });
  let standingBy = false;
  const server = createStatusServer({
    host: config.CRAWLER_METRICS_HOST,
    port: config.CRAWLER_METRICS_PORT,
    registry,
    // 'standby' only once started up (migrations done) and waiting for the lock.
    readStatus: () =>
      leadership.isLeader() ? crawler.status() : { state: standingBy ? 'standby' : 'starting' },
    log,
  });
  const closePool = { close: () => pool.end() };
  const resign = { close: () => leadership.release() };
  const shutdown = gracefulShutdown(log, [crawler, resign, server, closePool]);

  await server.start();
  // The schema may be newer than a fresh database: apply pending migrations (idempotent,
  // under an advisory lock), waiting for PostgreSQL if it is not up yet.
  await retry(() => migrate(pool, 'online', log), {
    isRetriable: isTransientDbError,
    maxRetryMs: 10_000,
    onRetry: (err, attempt, delayMs) =>
      log.warn({ err: (err as Error).message, attempt, delayMs }, 'database unavailable, retrying'),
  });
  standingBy = true;
  const waiting = setTimeout(() => log.info('standby: another crawler holds the leader lock'), 1_000);
  const leader = await Promise.race([leadership.acquired, shutdown.then(() => false)]);
  clearTimeout(waiting);
  if (!leader) return; // stopped while standing by
  await crawler.start();
  log.info(
    {
      startHeight: config.CRAWLER_START_HEIGHT,
      zmq: config.BITCOIND_ZMQ_SEQUENCE ?? null,
      status: crawler.status(),
    },
    'crawler started',
  );

  const fatal = await Promise.race([
    shutdown.then(() => undefined),
    crawler.done().then(
      () => undefined,
      (err: unknown) => err as Error,
    ),
    // Without its session the lock no longer keeps a standby out: stop, and be restarted.
    leadership.lost,
  ]);
  if (fatal) {
    log.fatal({ code: (fatal as { code?: string }).code, err: fatal.message }, 'crawler stopped');
    await crawler.close();
    await leadership.release();
    await server.close();
    await pool.end();
    process.exitCode = 1;
    // The signal handlers stay registered; nothing else holds the event loop open.
    process.removeAllListeners('SIGTERM');
    process.removeAllListeners('SIGINT');
  }
});
