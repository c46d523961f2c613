/**
 * One crawler catch-up in a process of its own (forked by bench/crawler.bench.ts), so
 * its RSS is the crawler's alone and not the bench's chain builder or fixtures. Reads
 * its job from BENCH_CATCHUP (JSON), runs createCrawler until our tip reaches the
 * target height, and sends the timings back over IPC.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRpcClient } from '#shared/bitcoind/rpcClient.js';
import { createPool } from '#shared/db/pool.js';
import { createLogger } from '#shared/logging/logger.js';
import { createMetricsRegistry } from '#shared/metrics/registry.js';
import { CATCHUP_DEFAULTS } from '../../crawler/src/config.js';
import { createCrawler } from '../../crawler/src/createCrawler.js';
import { createBitcoindSource } from '../../crawler/src/node/chainSource.js';
import { createCrawlerMetrics } from '../../crawler/src/metrics.js';
import { cpuSecondsOf, cpuSecondsOfTree, type CpuSeconds } from './cpuTimes.js';

export interface CatchUpJob {
  databaseUrl: string;
  rpcUrl: string;
  startHeight: number;
  tipHeight: number;
  fetchConcurrency: number;
  /** Blocks per SQL transaction while catching up. */
  catchUpGroupBlocks: number;
  /** The bench node's process, whose CPU time is read around the catch-up. */
  bitcoindPid: number;
  /** The PostgreSQL cluster's postmaster: its tree's CPU time is read around the catch-up. */
  postmasterPid: number;
}

export interface CatchUpResult {
  indexLoadMs: number;
  catchUpMs: number;
  watchedScripts: number;
  /** The kernel's high-water mark of this process's RSS (VmHWM). */
  vmHwmMb: number;
  /** CPU seconds spent during the catch-up (after the index was loaded). */
  cpuSeconds: CpuSeconds;
}

const job = JSON.parse(process.env.BENCH_CATCHUP ?? '') as CatchUpJob;
const log = createLogger('bench-crawler', process.env.BENCH_LOG_LEVEL ?? 'warn');
const pool = createPool({ connectionString: job.databaseUrl, applicationName: 'bench-crawler', log });
const metrics = createCrawlerMetrics(createMetricsRegistry('crawler', false));
// The moment the tip reaches the target, told by the crawler itself as it commits (its tip
// gauge): polling its status every 2 ms cost the crawler's process ~25 ms of CPU in
// timers and status objects, charged to the crawler and not paid by the fetch-only side.
const atTip = new Promise<void>((resolve) => {
  const setTip = metrics.tipHeight.set.bind(metrics.tipHeight) as (height: number) => void;
  metrics.tipHeight.set = ((height: number) => {
    setTip(height);
    if (height >= job.tipHeight) resolve();
  }) as typeof metrics.tipHeight.set;
});
const crawler = createCrawler({
  pool,
  source: createBitcoindSource(createRpcClient({ url: job.rpcUrl })),
  log,
  metrics,
  settings: {
    network: 'regtest',
    startHeight: job.startHeight,
    pollIntervalMs: 60_000,
    fetchConcurrency: job.fetchConcurrency,
    catchUp: { groupBlocks: job.catchUpGroupBlocks, behindBlocks: CATCHUP_DEFAULTS.behindBlocks },
    zmqEndpoint: undefined,
    databaseUrl: job.databaseUrl,
    mempoolResyncMs: 10_000,
    rescanChunkBlocks: 50,
  },
});

const started = performance.now();
await crawler.start(); // resolves once the watched scripts are in memory and the loop runs
const loaded = performance.now();
const cpuAtLoaded = cpuNow();
// A failure is looked for rarely: it ends the bench, its timing does not matter.
let reached = false;
const failed = (async () => {
  while (!reached && crawler.status().state !== 'failed') await sleep(250);
})();
await Promise.race([atTip, failed]);
reached = true;
const done = performance.now();
const cpuAtDone = cpuNow();
const status = crawler.status();
await crawler.close();
await pool.end();
if (status.state === 'failed') throw new Error(`the crawler failed: ${status.lastError}`);

const hwmKb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN);
const result: CatchUpResult = {
  indexLoadMs: loaded - started,
  catchUpMs: done - loaded,
  watchedScripts: status.watchedScripts,
  vmHwmMb: hwmKb / 1024,
  cpuSeconds: {
    crawler: cpuAtDone.crawler - cpuAtLoaded.crawler,
    postgres: cpuAtDone.postgres - cpuAtLoaded.postgres,
    bitcoind: cpuAtDone.bitcoind - cpuAtLoaded.bitcoind,
  },
};
process.send!(result);

function cpuNow(): CpuSeconds {
  const own = process.cpuUsage();
  return {
    crawler: (own.user + own.system) / 1e6,
    postgres: cpuSecondsOfTree(job.postmasterPid),
    bitcoind: cpuSecondsOf(job.bitcoindPid),
  };
}
process.disconnect();
