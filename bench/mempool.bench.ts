/**
 * `npm run bench -- mempool`: how fast forkline follows the mempool. With the four
 * processes running as `forkline run` runs them and 100,000 watched scripts, 20,000
 * pre-signed transactions (5 % paying a watched script) are submitted to the node at
 * once: the node's own acceptance time is the baseline, forkline's is the time until it
 * has recorded every matching one as pending. Then, one at a time, payments to watched
 * scripts: broadcast → visible as pendingSats in the BFF. Ends with one JSON line.
 */
import { cpus, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Transaction } from 'bitcoinjs-lib';
import PQueue from 'p-queue';
import { createHash } from 'node:crypto';
import { insertWatchedScripts } from './crawler/watchedScripts.js';
import { watchedScript } from './crawler/benchChain.js';
import { coinOf, laneAddress, laneScript, signedByLane, type Coin } from './laneKey.js';
import { payOutputs } from '../crawler/src/testing/walletTxs.js';
import { regtestFromStack, startForkline } from '../regtest/src/scenario/forklineInstance.js';

const TXS = Number(process.env.BENCH_MEMPOOL_TXS ?? 20_000);
const WATCHED = Number(process.env.BENCH_MEMPOOL_WATCHED ?? 100_000);
const LATENCY_SAMPLES = Number(process.env.BENCH_MEMPOOL_SAMPLES ?? 200);
const MATCH_EVERY = 20; // 5 %
const COIN_SATS = 20_000n;
const FEE_SATS = 300n;
const load = () => `load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs`;
const outsider = (i: number) =>
  Buffer.concat([
    Buffer.from([0x00, 0x14]),
    createHash('sha256').update(`outsider-${i}`).digest().subarray(0, 20),
  ]);

console.log(`mempool benchmark: ${TXS} transactions, ${WATCHED} watched scripts (${load()})`);
const node = regtestFromStack();
await node.ensureFunds((Number(COIN_SATS) * (TXS + LATENCY_SAMPLES)) / 1e8 + 5);
await node.mine(1); // an empty mempool to start from

// Coins for every transaction: fan-outs of 1,000 lane outputs, paid by the node wallet.
const coins: Coin[] = [];
const needed = TXS + LATENCY_SAMPLES;
for (let made = 0; made < needed; made += 1_000) {
  const n = Math.min(1_000, needed - made);
  const txid = await payOutputs(
    node,
    Array.from({ length: n }, () => ({ address: laneAddress, sats: Number(COIN_SATS) })),
  );
  const tx = Transaction.fromHex(await node.rpc.call<string>('getrawtransaction', [txid]));
  tx.outs.forEach((o, vout) => {
    if (Buffer.from(o.script).equals(laneScript)) coins.push(coinOf(tx, vout));
  });
}
// All confirmed (a block may not hold them all): unconfirmed, they would form long chains.
while ((await node.rpc.getRawMempoolSequence()).txids.length > 0) await node.mine(1);
const forkline = await startForkline('bench_mempool', await node.height());
try {
  await insertWatchedScripts(forkline.dbs.online, WATCHED);
  // The crawler loaded its index before the scripts existed (their NOTIFY is off for the
  // bulk insert): restarted, it loads all 100,000.
  process.kill(forkline.supervisor.pid('crawler')!, 'SIGKILL');
  await waitUntil(async () => {
    const res = await fetch(forkline.env.CRAWLER_STATUS_URL!).catch(() => undefined);
    const status = (await res?.json().catch(() => undefined)) as
      { watchedScripts?: number; state?: string } | undefined;
    return status?.watchedScripts === WATCHED && status.state === 'in-sync';
  }, 120_000);

  const signStarted = performance.now();
  let matching = 0;
  const hexes = coins.slice(0, TXS).map((coin, i) => {
    const pays = i % MATCH_EVERY === 0;
    if (pays) matching++;
    const to = pays ? watchedScript((i * 7919) % WATCHED).script : outsider(i);
    return signedByLane(coin, [[to, coin.value - FEE_SATS]]).toHex();
  });
  console.log(`  signed ${TXS} transactions in ${Math.round(performance.now() - signStarted)} ms`);

  // Throughput: everything submitted at once; the node's acceptance is the baseline.
  const pendingCount = async () =>
    (await forkline.dbs.online.query<{ n: number }>('SELECT count(DISTINCT txid)::int AS n FROM mempool_txs'))
      .rows[0]!.n;
  const started = performance.now();
  const submit = new PQueue({ concurrency: 8 });
  let nodeMs = 0;
  let refused: unknown;
  const submitted = submit
    .addAll(hexes.map((hex) => () => node.rpc.call<string>('sendrawtransaction', [hex])))
    .then(
      () => (nodeMs = performance.now() - started),
      (err: unknown) => (refused = err),
    );
  while ((await pendingCount()) < matching && refused === undefined) await sleep(5);
  const forklineMs = performance.now() - started;
  await submitted;
  if (refused) throw refused instanceof Error ? refused : new Error(JSON.stringify(refused));
  const ingestTxPerSec = Math.round(TXS / (forklineMs / 1000));
  console.log(`node accepted ${TXS} in ${Math.round(nodeMs)} ms (${Math.round(TXS / (nodeMs / 1000))} tx/s)`);
  console.log(
    `forkline recorded all ${matching} matching ones ${Math.round(forklineMs)} ms after the first submit (${ingestTxPerSec} tx/s)`,
  );

  // Latency: one payment at a time to a user with nothing pending, until the BFF shows it.
  while ((await node.rpc.getRawMempoolSequence()).txids.length > 0) await node.mine(1);
  const latencies: number[] = [];
  for (let k = 0; k < LATENCY_SAMPLES; k++) {
    const i = 2 * (WATCHED / 2 - 1 - k); // bench-user-(WATCHED/2 - 1 - k)'s first script
    const userId = `bench-user-${i / 2}`;
    const coin = coins[TXS + k]!;
    const hex = signedByLane(coin, [[watchedScript(i).script, coin.value - FEE_SATS]]).toHex();
    const sent = performance.now();
    await node.rpc.call('sendrawtransaction', [hex]);
    for (;;) {
      const balance = await forkline.bff.balance(userId).catch(() => undefined);
      if ((balance as { pendingSats?: number } | undefined)?.pendingSats) break;
      if (performance.now() - sent > 30_000) throw new Error(`${userId}'s payment never showed as pending`);
      await sleep(1);
    }
    latencies.push(performance.now() - sent);
  }
  await node.mine(1);

  const result = {
    ingestTxPerSec,
    ratioVsNode: Math.round((forklineMs / nodeMs) * 100) / 100,
    nodeAcceptMs: Math.round(nodeMs),
    forklineRecordMs: Math.round(forklineMs),
    pendingVisibleP50Ms: pct(latencies, 50),
    pendingVisibleP99Ms: pct(latencies, 99),
  };
  console.log(`ratio forkline / node: ${result.ratioVsNode}`);
  console.log(
    `broadcast → pendingSats in the BFF: p50 ${result.pendingVisibleP50Ms} ms, p99 ${result.pendingVisibleP99Ms} ms (${load()})`,
  );
  console.log(JSON.stringify(result));
} finally {
  await forkline.stop();
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('the crawler did not load the watched scripts in time');
    await sleep(100);
  }
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const v = sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
  return Math.round(v * 10) / 10;
}
