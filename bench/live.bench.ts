/**
 * `npm run bench -- live`: live updates at scale. With the processes running as
 * `forkline run` runs them, BENCH_LIVE_SUBSCRIBERS (5,000) users each hold one open
 * `GET /v1/users/:id/events` stream to one BFF process. Their payments are broadcast
 * (every subscriber first gets its pending change), then one block confirms all of them:
 * measured from `generatetoaddress` returning to each subscriber receiving the change that
 * shows the payment confirmed in that block. The BFF's resident memory is read before the
 * streams open and once they are all open: RSS per subscriber. In the same run, the
 * baseline: how long the same users' balances take to read once through the BFF's
 * balance route after the block (what polling clients would cost for one round). The
 * last subscriber's delay is split into stages: the crawler's commit of the block (polled),
 * the relay (the block's last TxConfirmed readable from Kafka), the projector and the BFF.
 * Ends with one JSON line.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { loadavg } from 'node:os';
import { networks, payments } from 'bitcoinjs-lib';
import { createKafka } from '#shared/kafka/createKafka.js';
import { createLogger } from '#shared/logging/logger.js';
import { readStackEnv } from '#shared/testing/stackEnv.js';
import { EVENT_HEADERS } from '../relay/src/publish/toKafkaMessage.js';
import { cpuSecondsOfAll, cpuSecondsOfTree } from './crawler/cpuTimes.js';
import { resetStatements, topStatements } from './pgStatements.js';
import { regtestFromStack, startForkline } from '../regtest/src/scenario/forklineInstance.js';

const SUBSCRIBERS = Number(process.env.BENCH_LIVE_SUBSCRIBERS ?? 5_000);
/** Outputs per payment transaction: well under the standard size limit. */
const OUTPUTS_PER_TX = 1_000;
const AMOUNT_BTC = 0.0001;
const log = (msg: string) => console.error(`[bench live] ${msg}`);
const load1 = () => Math.round(loadavg()[0]! * 100) / 100;

function rssKb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]);
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

interface ChangeData {
  balance: { confirmedSats: number; pendingSats: number; tip: { height: number } | null } | null;
}

/**
 * One subscriber: a raw HTTP stream (node:http, so 5,000 of them stay cheap here), calling
 * `onChange` with each `change` event's data.
 */
function subscribe(
  agent: http.Agent,
  url: URL,
  token: string,
  onChange: (data: ChangeData) => void,
): Promise<http.ClientRequest> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      url,
      { agent, headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } },
      (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`${url.pathname}: HTTP ${res.statusCode}`));
          res.resume();
          return;
        }
        resolve(req);
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            if (!block.includes('event: change')) continue;
            const data = block.split('\n').find((l) => l.startsWith('data: '));
            if (data) onChange(JSON.parse(data.slice(6)) as ChangeData);
          }
        });
      },
    );
    req.on('error', reject);
  });
}

/** Where the block's CPU went: each forkline process (with its children), the servers, this bench. */
function cpuNow(): Record<string, number> {
  const ours = (name: string) => {
    const pid = forkline.supervisor.pid(name);
    return pid === undefined ? 0 : cpuSecondsOfTree(pid);
  };
  const { user, system } = process.cpuUsage();
  return {
    crawler: ours('crawler'),
    relay: ours('relay'),
    projector: ours('projector'),
    bff: ours('bff'),
    postgres: cpuSecondsOfAll('postgres'),
    kafka: cpuSecondsOfAll('java'),
    bitcoind: cpuSecondsOfAll('bitcoind'),
    benchClients: (user + system) / 1e6,
  };
}

function cpuSpent(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after).map(([k, v]) => [k, Math.round((v - (before[k] ?? 0)) * 100) / 100]),
  );
}

const stack = readStackEnv();
const node = regtestFromStack();
await node.ensureFunds(Math.ceil(SUBSCRIBERS * AMOUNT_BTC) + 5);
const forkline = await startForkline('bench_live', await node.height());
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
const streams: http.ClientRequest[] = [];
// Stage clock: when each block's last TxConfirmed became readable from Kafka.
const kafka = createKafka({
  brokers: stack.KAFKA_BROKERS.split(','),
  clientId: 'bench-live',
  log: createLogger('bench', 'error'),
});
const consumer = kafka.consumer({ groupId: `bench-live-${Date.now()}`, maxWaitTimeInMs: 50 });
const lastTxConfirmed = new Map<string, number>();
const firstTxConfirmed = new Map<string, number>();
try {
  await consumer.connect();
  await consumer.subscribe({ topic: forkline.env.RELAY_TOPIC!, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ message }) => {
      if (message.headers?.[EVENT_HEADERS.type]?.toString() === 'TxConfirmed') {
        const { payload } = JSON.parse(message.value!.toString()) as { payload: { blockHash: string } };
        lastTxConfirmed.set(payload.blockHash, Date.now());
        if (!firstTxConfirmed.has(payload.blockHash)) firstTxConfirmed.set(payload.blockHash, Date.now());
      }
      return Promise.resolve();
    },
  });
  log(`registering ${SUBSCRIBERS} users with an address each; load ${load1()}`);
  const addresses: string[] = [];
  for (let i = 0; i < SUBSCRIBERS; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, SUBSCRIBERS - i) }, async (_, j) => {
        const userId = `live${i + j}`;
        const address = payments.p2wpkh({ hash: randomBytes(20), network: networks.regtest }).address!;
        addresses[i + j] = address;
        await forkline.bff.createUser(userId);
        await forkline.bff.addAddress(userId, address);
      }),
    );
  }
  // Every user is known to the read side before the streams open.
  await forkline.bff.balance(`live${SUBSCRIBERS - 1}`, await node.height());
  const bffPid = forkline.supervisor.pid('bff')!;
  // Registering left garbage behind: let the heap settle before the baseline.
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  const rssBefore = rssKb(bffPid);

  /** Per subscriber: when (ms) it saw its payment pending, and confirmed at `height`. */
  // Filled, not sparse: some() and every() skip the holes of a sparse array.
  const pendingAt = Array.from({ length: SUBSCRIBERS }, (): number | undefined => undefined);
  const confirmedAt = Array.from({ length: SUBSCRIBERS }, (): number | undefined => undefined);
  const base = new URL(forkline.bffUrl);
  log(`opening ${SUBSCRIBERS} live streams`);
  for (let i = 0; i < SUBSCRIBERS; i += 250) {
    streams.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(250, SUBSCRIBERS - i) }, (_, j) =>
          subscribe(
            agent,
            new URL(`/v1/users/live${i + j}/events`, base),
            stack.FORKLINE_ADMIN_TOKEN,
            (d) => {
              const b = d.balance;
              if (!b) return;
              if (b.pendingSats > 0) pendingAt[i + j] ??= Date.now();
              // Only the block confirms anything: the payments were all pending before it.
              if (b.confirmedSats > 0) confirmedAt[i + j] ??= Date.now();
            },
          ),
        ),
      )),
    );
  }
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const rssAfter = rssKb(bffPid);
  const rssKbPerSubscriber = Math.round(((rssAfter - rssBefore) / SUBSCRIBERS) * 10) / 10;
  log(`BFF RSS ${rssBefore} kB → ${rssAfter} kB with ${SUBSCRIBERS} streams: ${rssKbPerSubscriber} kB each`);

  log('broadcasting the payments');
  const sent = Date.now();
  for (let i = 0; i < SUBSCRIBERS; i += OUTPUTS_PER_TX) {
    await node.sendMany(
      Object.fromEntries(addresses.slice(i, i + OUTPUTS_PER_TX).map((a) => [a, AMOUNT_BTC])),
    );
  }
  const waitAll = async (seen: (number | undefined)[], what: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (seen.some((t) => t === undefined)) {
      if (Date.now() > deadline) {
        throw new Error(`${seen.filter((t) => t === undefined).length} subscribers never saw ${what}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  await waitAll(pendingAt, 'their payment pending', 120_000);
  log(
    `every subscriber saw its payment pending ${Math.max(...(pendingAt as number[])) - sent} ms after the first broadcast`,
  );

  const profiled = await resetStatements(forkline.dbs.online);
  const cpuBefore = cpuNow();
  const [hash] = await node.mine(1);
  const mined = Date.now();
  // Stage clock: when the crawler's transaction with the block is visible (polled).
  let committed: number | undefined;
  while (committed === undefined && Date.now() - mined < 60_000) {
    const { rowCount } = await forkline.dbs.online.query('SELECT 1 FROM crawler_blocks WHERE hash = $1', [
      hash,
    ]);
    if (rowCount) committed = Date.now();
    else await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await waitAll(confirmedAt, `block ${hash}`, 60_000);
  const cpu = cpuSpent(cpuBefore, cpuNow());
  log(`CPU-seconds from the block to the last notice: ${JSON.stringify(cpu)}`);
  if (profiled) {
    for (const s of await topStatements(forkline.dbs.online)) {
      log(`  ${s.totalMs} ms  ${s.calls} calls  ${s.rows} rows  ${s.query}`);
    }
  }
  const delays = (confirmedAt as number[]).map((t) => t - mined).sort((a, b) => a - b);
  const [p50, p99, max] = [percentile(delays, 50), percentile(delays, 99), delays.at(-1)!];
  log(
    `timeline: first event readable ${(firstTxConfirmed.get(hash!) ?? mined) - mined} ms; notified p10 ` +
      `${percentile(delays, 10)}, p25 ${percentile(delays, 25)}, first ${delays[0]} ms`,
  );
  log(`block → subscriber notified: p50 ${p50} ms, p99 ${p99} ms, last ${max} ms; load ${load1()}`);
  const stages = {
    crawlerMs: (committed ?? mined) - mined,
    relayMs: (lastTxConfirmed.get(hash!) ?? mined) - (committed ?? mined),
    projectorAndBffMs: max - ((lastTxConfirmed.get(hash!) ?? mined) - mined),
  };
  log(
    `stages: block committed by the crawler after ${stages.crawlerMs} ms, its last event readable from ` +
      `Kafka ${stages.relayMs} ms later, the last subscriber notified ${stages.projectorAndBffMs} ms after that`,
  );

  // Baseline: one round of polling the same balances through the BFF after the block.
  const polled = Date.now();
  for (let i = 0; i < SUBSCRIBERS; i += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, SUBSCRIBERS - i) }, (_, j) => forkline.bff.balance(`live${i + j}`)),
    );
  }
  const pollRoundMs = Date.now() - polled;
  log(`baseline: one polling round of ${SUBSCRIBERS} balance GETs (100 at a time) took ${pollRoundMs} ms`);
  console.log(
    JSON.stringify({
      subscribers: SUBSCRIBERS,
      notifyP50Ms: p50,
      notifyP99Ms: p99,
      notifyMaxMs: max,
      ...stages,
      rssKbPerSubscriber,
      cpuSeconds: cpu,
      baselinePollRoundMs: pollRoundMs,
      load1: load1(),
    }),
  );
} finally {
  await consumer.disconnect();
  for (const req of streams) req.destroy();
  agent.destroy();
  await forkline.stop();
}
