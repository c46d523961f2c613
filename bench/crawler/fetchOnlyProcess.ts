/**
 * The crawler bench's baseline in a process of its own (forked by bench/crawler.bench.ts,
 * like each catch-up): the crawler's fetch pipeline — block hashes in batches, then raw
 * blocks through its prefetcher — and nothing after it. Run in the warmed-up bench process
 * instead, the baseline's code was already compiled by the JIT while every catch-up's
 * started cold, which flattered the baseline and inflated the ratio. Reads its job from
 * BENCH_FETCH_ONLY (JSON) and sends the timings back over IPC.
 */
import { createRpcClient } from '#shared/bitcoind/rpcClient.js';
import { createBitcoindSource } from '../../crawler/src/node/chainSource.js';
import { createBlockPrefetcher } from '../../crawler/src/sync/blockPrefetcher.js';
import { createRawBlockFetcher } from '../../crawler/src/sync/rawBlockFetcher.js';
import { cpuSecondsOf } from './cpuTimes.js';

export interface FetchOnlyJob {
  rpcUrl: string;
  from: number;
  to: number;
  fetchConcurrency: number;
  /** The bench node's process, whose CPU time is read around the fetch. */
  bitcoindPid: number;
}

export interface FetchOnlyResult {
  ms: number;
  bytes: number;
  /** CPU seconds of this process and of bitcoind during the fetch. */
  cpu: { fetcher: number; bitcoind: number };
}

const job = JSON.parse(process.env.BENCH_FETCH_ONLY ?? '') as FetchOnlyJob;
const rpc = createRpcClient({ url: job.rpcUrl });
const range = { from: job.from, to: job.to };

// Measured from here, as a catch-up is from the moment its crawler has started.
const started = performance.now();
const ownCpu = process.cpuUsage();
const bitcoindCpu = cpuSecondsOf(job.bitcoindPid);
const fetchRaw = createRawBlockFetcher(createBitcoindSource(rpc), range);
const prefetcher = createBlockPrefetcher({
  ...range,
  concurrency: job.fetchConcurrency,
  fetch: async (height) => (await fetchRaw(height))!.raw,
});
let bytes = 0;
for (let h = range.from; h <= range.to; h++) bytes += (await prefetcher.next()).byteLength;
const ms = performance.now() - started;
const own = process.cpuUsage(ownCpu);
const result: FetchOnlyResult = {
  ms,
  bytes,
  cpu: { fetcher: (own.user + own.system) / 1e6, bitcoind: cpuSecondsOf(job.bitcoindPid) - bitcoindCpu },
};
rpc.close();
process.send!(result);
process.disconnect();
