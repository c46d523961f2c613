/**
 * `npm run bench -- crawler`: catch-up throughput of the real crawler (createCrawler,
 * a fresh online database) over a regtest chain of BLOCKS blocks of ~1,000 transactions,
 * with 100,000 watched scripts of which ~3 % are paid. Baseline, same run: fetching the
 * same raw blocks from the node with the crawler's own prefetcher and concurrency,
 * nothing else. ratioVsFetch = catch-up time / fetch-only time; cpuRatioVsFetch = CPU
 * seconds of the catch-up (crawler + the PostgreSQL cluster + bitcoind) / CPU seconds of
 * the fetch-only baseline (the fetching process + bitcoind) — wall time is bound by the
 * cores the three share, CPU time is not. Then a second catch-up with 1,000,000 watched
 * scripts, whose process RSS is sampled for its peak.
 *
 * Both sides are measured in the same conditions: each fetch-only run and each catch-up
 * runs in a freshly forked process (bench/crawler/fetchOnlyProcess.ts, catchUpProcess.ts),
 * measured from the moment it is ready to fetch, so both pay the JIT warming up their
 * code. Fresh rather than both warmed: a crawler catching up is a process that has just
 * started, and a catch-up cannot be rerun in one process without its database and
 * mirrors carrying over. (Until the baseline ran in the bench process itself, after
 * a warm-up pass and earlier runs had compiled its code, while every catch-up started
 * cold — the ratio charged the crawler for its JIT warm-up and not the baseline.)
 * A catch-up's process also gives the crawler's RSS alone.
 *
 * The chain lives on a bitcoind of the bench's own (bench/crawler/benchNode.ts), its
 * datadir cached under $FORKLINE_RUN_DIR/bench-crawler/ and reused when it holds the
 * chain.
 *
 * Knobs: BENCH_BLOCKS (200), BENCH_WATCHED (100000), BENCH_WATCHED_1M (1000000; 0 skips),
 * BENCH_FETCH_CONCURRENCY (4, the crawler's default), BENCH_CATCHUP_GROUP_BLOCKS (the
 * crawler's default), BENCH_RUNS (3: every figure is the median of that many runs, the runs
 * listed beside it), BENCH_BITCOIND_RPC_PORT (19243),
 * BENCH_BITCOIND_P2P_PORT (19244), BENCH_CPU_PROF (a directory: V8 CPU profiles of the
 * forked processes, under catch-up/ and fetch-only/). Ends with one JSON line.
 */
import { readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createTestDatabases, type TestDatabases } from '#shared/testing/testDatabases.js';
import { CATCHUP_DEFAULTS } from '../crawler/src/config.js';
import {
  buildChain,
  nodeHasChain,
  PAY_EVERY,
  readManifest,
  type ChainManifest,
} from './crawler/benchChain.js';
import { benchDir, startBenchNode, type BenchNode } from './crawler/benchNode.js';
import type { CatchUpJob, CatchUpResult } from './crawler/catchUpProcess.js';
import { parentPid, type CpuSeconds } from './crawler/cpuTimes.js';
import type { FetchOnlyJob, FetchOnlyResult } from './crawler/fetchOnlyProcess.js';
import { median, medianRun } from './median.js';
import { runForked } from './crawler/runForked.js';
import { insertWatchedScripts } from './crawler/watchedScripts.js';

const BLOCKS = Number(process.env.BENCH_BLOCKS ?? 200);
const WATCHED = Number(process.env.BENCH_WATCHED ?? 100_000);
const WATCHED_1M = Number(process.env.BENCH_WATCHED_1M ?? 1_000_000);
const FETCH_CONCURRENCY = Number(process.env.BENCH_FETCH_CONCURRENCY ?? 4);
const CATCHUP_GROUP_BLOCKS = Number(process.env.BENCH_CATCHUP_GROUP_BLOCKS ?? CATCHUP_DEFAULTS.groupBlocks);
// Every figure is the median of RUNS, with the runs beside it: single runs swing ±20 %.
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const MANIFEST = `${benchDir}/chain.json`;

// Shared machines skew every figure: print what else was running.
const load = () => `load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs`;
console.log(`crawler benchmark (${load()})`);

let node: BenchNode = await startBenchNode();
try {
  let manifest = readManifest(MANIFEST);
  if (await nodeHasChain(node.rpc, manifest, BLOCKS)) {
    console.log(`reusing the cached chain (${manifest!.blocks} blocks) in ${benchDir}`);
  } else {
    console.log(`building a chain of ${BLOCKS} blocks × 1,000 transactions in ${benchDir}…`);
    await node.stop();
    rmSync(`${node.dataDir}/regtest`, { recursive: true, force: true });
    rmSync(MANIFEST, { force: true });
    node = await startBenchNode();
    manifest = await buildChain(node.rpc, BLOCKS, MANIFEST);
  }
  const m: ChainManifest = manifest!;
  // The first BLOCKS lane blocks, even when the cache holds more.
  const range = { from: m.firstHeight, to: m.firstHeight + BLOCKS - 1 };

  await fetchOnly(node, range); // warm-up: the node's block files into the page cache
  const fetches: FetchOnlyResult[] = [];
  for (let run = 1; run <= RUNS; run++) fetches.push(await fetchOnly(node, range));
  const fetchMs = median(fetches.map((f) => f.ms));
  const fetchCpu = {
    fetcher: median(fetches.map((f) => f.cpu.fetcher)),
    bitcoind: median(fetches.map((f) => f.cpu.bitcoind)),
    total: median(fetches.map((f) => f.cpu.fetcher + f.cpu.bitcoind)),
  };
  console.log(
    `fetch only (baseline, median of ${RUNS}): ${fmt(fetchMs)} ms for ${BLOCKS} blocks ` +
      `(runs ${fetches.map((f) => fmt(f.ms)).join(', ')}), ${(fetches[0]!.bytes / 1e6).toFixed(1)} MB, ` +
      `concurrency ${FETCH_CONCURRENCY}; CPU s: fetcher ${fetchCpu.fetcher.toFixed(2)}, ` +
      `bitcoind ${fetchCpu.bitcoind.toFixed(2)}, in all ${fetchCpu.total.toFixed(2)}`,
  );

  const main = await catchUp(node, range, WATCHED, RUNS);
  const txs = main.runs[0]!.txs;
  const catchUpMs = median(main.runs.map((r) => r.result.catchUpMs));
  const txPerSecRuns = main.runs.map((r) => r.txs / (r.result.catchUpMs / 1000));
  const txPerSec = median(txPerSecRuns);
  const blocksPerSec = BLOCKS / (catchUpMs / 1000);
  const ratioVsFetch = catchUpMs / fetchMs;
  const cpu: CpuSeconds = {
    crawler: median(main.runs.map((r) => r.result.cpuSeconds.crawler)),
    postgres: median(main.runs.map((r) => r.result.cpuSeconds.postgres)),
    bitcoind: median(main.runs.map((r) => r.result.cpuSeconds.bitcoind)),
  };
  const cpuRuns = main.runs.map((r) => totalCpu(r.result.cpuSeconds));
  const cpuRatioVsFetch = median(cpuRuns) / fetchCpu.total;
  const peakRssMb = medianRun(main.runs, (r) => r.result.catchUpMs).peakRssMb;
  console.log(
    `catch-up, ${fmt(WATCHED)} scripts (median of ${RUNS}): ${fmt(catchUpMs)} ms — ${blocksPerSec.toFixed(1)} blocks/s, ` +
      `${fmt(txPerSec)} tx/s scanned (runs ${txPerSecRuns.map(fmt).join(', ')}), ${fmt(main.runs[0]!.walletTxs)} wallet txs ` +
      `(index loaded in ${fmt(main.runs[0]!.result.indexLoadMs)} ms, peak RSS ${fmt(peakRssMb)} MB); ` +
      `CPU s: crawler ${cpu.crawler.toFixed(2)}, postgres ${cpu.postgres.toFixed(2)}, bitcoind ${cpu.bitcoind.toFixed(2)}, ` +
      `in all ${median(cpuRuns).toFixed(2)}`,
  );
  console.log(`ratio catch-up / fetch only, wall time: ${ratioVsFetch.toFixed(2)} (${load()})`);
  console.log(
    `ratio catch-up / fetch only, CPU time:  ${cpuRatioVsFetch.toFixed(2)} ` +
      `(runs ${cpuRuns.map((c) => (c / fetchCpu.total).toFixed(2)).join(', ')})`,
  );

  let big: Awaited<ReturnType<typeof catchUp>>['runs'][number] | undefined;
  if (WATCHED_1M > 0) {
    big = (await catchUp(node, range, WATCHED_1M, 1)).runs[0]!;
    console.log(
      `catch-up, ${fmt(WATCHED_1M)} scripts: ${fmt(big.result.catchUpMs)} ms — ` +
        `${fmt(big.txs / (big.result.catchUpMs / 1000))} tx/s (index loaded in ${fmt(big.result.indexLoadMs)} ms); ` +
        `peak RSS ${fmt(big.peakRssMb)} MB sampled, ${fmt(big.result.vmHwmMb)} MB VmHWM`,
    );
  }

  const cs = (n: number) => Math.round(n * 100) / 100;
  console.log(
    JSON.stringify({
      blocksPerSec: round1(blocksPerSec),
      txPerSec: Math.round(txPerSec),
      txPerSecRuns: txPerSecRuns.map(Math.round),
      ratioVsFetch: cs(ratioVsFetch),
      cpuRatioVsFetch: cs(cpuRatioVsFetch),
      cpuRatioVsFetchRuns: cpuRuns.map((c) => cs(c / fetchCpu.total)),
      cpuSecondsCatchUp: { crawler: cs(cpu.crawler), postgres: cs(cpu.postgres), bitcoind: cs(cpu.bitcoind) },
      cpuSecondsFetchOnly: { fetcher: cs(fetchCpu.fetcher), bitcoind: cs(fetchCpu.bitcoind) },
      peakRssMbAt1MScripts: big ? Math.round(big.peakRssMb) : null,
      blocks: BLOCKS,
      txs,
      watchedScripts: WATCHED,
      walletTxs: main.runs[0]!.walletTxs,
      catchUpMs: Math.round(catchUpMs),
      catchUpMsRuns: main.runs.map((r) => Math.round(r.result.catchUpMs)),
      fetchOnlyMs: Math.round(fetchMs),
      fetchOnlyMsRuns: fetches.map((f) => Math.round(f.ms)),
      peakRssMb: Math.round(peakRssMb),
      indexLoadMsAt1MScripts: big ? Math.round(big.result.indexLoadMs) : null,
      txPerSecAt1MScripts: big ? Math.round(big.txs / (big.result.catchUpMs / 1000)) : null,
      fetchConcurrency: FETCH_CONCURRENCY,
      catchUpGroupBlocks: CATCHUP_GROUP_BLOCKS,
      runs: RUNS,
      loadAverage1m: round1(loadavg()[0]!),
      cpus: cpus().length,
    }),
  );
} finally {
  await node.stop();
}

function totalCpu(c: CpuSeconds): number {
  return c.crawler + c.postgres + c.bitcoind;
}

/** The baseline, in a fresh process: the crawler's fetch pipeline and nothing after it. */
async function fetchOnly(node: BenchNode, range: { from: number; to: number }) {
  const job: FetchOnlyJob = {
    rpcUrl: node.rpcUrl,
    ...range,
    fetchConcurrency: FETCH_CONCURRENCY,
    bitcoindPid: node.pid,
  };
  const { result } = runForked<FetchOnlyResult>(
    new URL('./crawler/fetchOnlyProcess.ts', import.meta.url),
    { BENCH_FETCH_ONLY: JSON.stringify(job) },
    'fetch-only',
  );
  return result;
}

/**
 * A fresh online database with `watched` scripts, then `runs` crawler catch-ups over the
 * range (the chain tables emptied before each), each in a forked process whose RSS is
 * sampled from /proc every 20 ms. Returns every run.
 */
async function catchUp(node: BenchNode, range: { from: number; to: number }, watched: number, runs: number) {
  const dbs: TestDatabases = await createTestDatabases('bench_crawler');
  try {
    const inserting = performance.now();
    await insertWatchedScripts(dbs.online, watched);
    console.log(`inserted ${fmt(watched)} watched scripts in ${fmt(performance.now() - inserting)} ms`);
    // The cluster's postmaster, whose tree is the PostgreSQL side of the catch-up's CPU.
    const { rows } = await dbs.online.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const postmasterPid = parentPid(rows[0]!.pid);
    const all: Awaited<ReturnType<typeof catchUpOnce>>[] = [];
    for (let run = 1; run <= runs; run++) {
      await dbs.online.query(
        'TRUNCATE crawler_blocks, wallet_utxos, wallet_transactions, outbox, stream_versions',
      );
      const r = await catchUpOnce(node, range, dbs, postmasterPid);
      const cpu = r.result.cpuSeconds;
      console.log(
        `  run ${run}/${runs}: ${fmt(r.result.catchUpMs)} ms; CPU s: crawler ${cpu.crawler.toFixed(2)}, ` +
          `postgres ${cpu.postgres.toFixed(2)}, bitcoind ${cpu.bitcoind.toFixed(2)}`,
      );
      all.push(r);
    }
    return { runs: all };
  } finally {
    await dbs.drop();
  }
}

async function catchUpOnce(
  node: BenchNode,
  range: { from: number; to: number },
  dbs: TestDatabases,
  postmasterPid: number,
) {
  const job: CatchUpJob = {
    databaseUrl: dbs.onlineUrl,
    rpcUrl: node.rpcUrl,
    startHeight: range.from,
    tipHeight: range.to,
    fetchConcurrency: FETCH_CONCURRENCY,
    catchUpGroupBlocks: CATCHUP_GROUP_BLOCKS,
    bitcoindPid: node.pid,
    postmasterPid,
  };
  const child = runForked<CatchUpResult>(
    new URL('./crawler/catchUpProcess.ts', import.meta.url),
    { BENCH_CATCHUP: JSON.stringify(job) },
    'catch-up',
  );
  let peakRssMb = 0;
  const sampler = setInterval(() => {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]);
      if (kb / 1024 > peakRssMb) peakRssMb = kb / 1024;
    } catch {
      // the child has exited between two samples
    }
  }, 20);
  const result = await child.result.finally(() => clearInterval(sampler));
  const { rows } = await dbs.online.query<{ txs: number; blocks: number; wallet: number }>(
    `SELECT sum(tx_count)::bigint AS txs, count(*)::bigint AS blocks,
            (SELECT count(*) FROM wallet_transactions)::bigint AS wallet
       FROM crawler_blocks`,
  );
  const r = rows[0]!;
  const blocks = range.to - range.from + 1;
  const expected = Math.ceil((blocks * 1_000) / PAY_EVERY);
  if (r.blocks !== blocks || Math.abs(r.wallet - expected) > 1) {
    throw new Error(
      `the crawler stored ${r.blocks} blocks and ${r.wallet} wallet txs, expected ${blocks} and ~${expected}`,
    );
  }
  return { result, peakRssMb, txs: r.txs, walletTxs: r.wallet };
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
