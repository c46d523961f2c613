/**
 * `npm run bench -- e2e`: how fresh forkline's answers are. With the four processes
 * running as `forkline run` runs them, each of N blocks (default 200) pays a user (the
 * coinbase goes to the user's address); measured from `generatetoaddress` returning to
 * the BFF's balance showing the payment, split into crawler (block committed in the
 * online DB), relay (BlockConnected readable from Kafka) and projector+BFF (the rest).
 * Baseline in the same run: asking bitcoind itself for the same balance (scantxoutset).
 * Ends with one JSON line.
 */
import { cpus, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { EVENT_HEADERS } from '../relay/src/publish/toKafkaMessage.js';
import { createKafka } from '#shared/kafka/createKafka.js';
import { createLogger } from '#shared/logging/logger.js';
import { readStackEnv } from '#shared/testing/stackEnv.js';
import { regtestFromStack, startForkline } from '../regtest/src/scenario/forklineInstance.js';
import { createWalletUsers } from '../regtest/src/scenario/walletUsers.js';

const BLOCKS = Number(process.env.BENCH_E2E_BLOCKS ?? 200);
const load = () => `load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs`;
console.log(`end-to-end benchmark: ${BLOCKS} blocks (${load()})`);

const node = regtestFromStack();
await node.ensureFunds(1);
const forkline = await startForkline('bench_e2e', await node.height());
const kafka = createKafka({
  brokers: readStackEnv().KAFKA_BROKERS.split(','),
  clientId: 'bench-e2e',
  log: createLogger('bench', 'error'),
});
const consumer = kafka.consumer({ groupId: `bench-e2e-${Date.now()}`, maxWaitTimeInMs: 100 });
try {
  const users = createWalletUsers(node, forkline.bff);
  const [address] = await users.register('bench', ['bech32']);

  // When each block's BlockConnected became readable from Kafka.
  const readable = new Map<string, number>();
  await consumer.connect();
  await consumer.subscribe({ topic: forkline.env.RELAY_TOPIC!, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message }) => {
      if (message.headers?.[EVENT_HEADERS.type]?.toString() === 'BlockConnected') {
        const { payload } = JSON.parse(message.value!.toString()) as { payload: { hash: string } };
        readable.set(payload.hash, Date.now());
      }
      return Promise.resolve();
    },
  });

  const total: number[] = [];
  const crawler: number[] = [];
  const relay: number[] = [];
  const projector: number[] = [];
  const oracle: number[] = [];
  for (let i = 0; i < BLOCKS + 5; i++) {
    const before = (await forkline.bff.balance('bench')).confirmedSats;
    const [hash] = await node.mine(1, address);
    const mined = Date.now();
    let shown = before;
    while (shown === before) {
      shown = (await forkline.bff.balance('bench')).confirmedSats;
      if (shown === before) await sleep(2);
    }
    const done = Date.now();
    const o0 = performance.now();
    await node.balanceOf([address!]);
    const oracleMs = performance.now() - o0;
    if (i < 5) continue; // warm-up
    const { rows } = await forkline.dbs.online.query<{ applied_ms: number }>(
      `SELECT (EXTRACT(EPOCH FROM applied_at) * 1000)::float8 AS applied_ms FROM crawler_blocks WHERE hash = $1`,
      [hash],
    );
    const applied = rows[0]?.applied_ms ?? mined;
    const inKafka = readable.get(hash!) ?? done;
    total.push(done - mined);
    crawler.push(Math.max(0, applied - mined));
    relay.push(Math.max(0, inKafka - applied));
    projector.push(Math.max(0, done - inKafka));
    oracle.push(oracleMs);
  }

  const result = {
    p50Ms: pct(total, 50),
    p99Ms: pct(total, 99),
    crawlerP50Ms: pct(crawler, 50),
    relayP50Ms: pct(relay, 50),
    projectorP50Ms: pct(projector, 50),
    baselineScantxoutsetP50Ms: pct(oracle, 50),
  };
  console.log(`generatetoaddress → BFF balance: p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`);
  console.log(`  crawler (block committed):      p50 ${result.crawlerP50Ms} ms`);
  console.log(`  relay (readable from Kafka):    p50 ${result.relayP50Ms} ms`);
  console.log(`  projector + BFF:                p50 ${result.projectorP50Ms} ms`);
  console.log(`baseline, asking bitcoind (scantxoutset): p50 ${result.baselineScantxoutsetP50Ms} ms`);
  console.log(
    `ratio forkline p50 / scantxoutset p50: ${(result.p50Ms / Math.max(0.01, result.baselineScantxoutsetP50Ms)).toFixed(2)} (${load()})`,
  );
  console.log(JSON.stringify(result));
} finally {
  await consumer.disconnect();
  await forkline.stop();
}

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const v = sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
  return Math.round(v * 10) / 10;
}
