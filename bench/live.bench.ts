/**
 * `npm run bench -- live`: live updates at scale. With the processes running as
 * `forkline run` runs them, BENCH_LIVE_SUBSCRIBERS (5,000) users each hold one open
 * `GET /v1/users/:id/events` stream to one BFF process. Their payments are broadcast
 * (every subscriber first gets its pending change), then one block confirms all of them:
 * measured from `generatetoaddress` returning to each subscriber receiving the change that
 * shows the payment confirmed in that block. BENCH_RUNS (3) rounds, a block each, after a
 * warm-up round that is not counted (the first block after the processes start runs their
 * block paths before V8 has compiled them); the figures are the median round's (by p99),
 * with every round's p99 and the warm-up's. The BFF's resident memory is read before the
 * streams open and once they are all open: RSS per subscriber (a difference the BFF's
 * garbage collection can push either way). In the same run, the
 * baseline: how long the same users' balances take to read once through the BFF's
 * balance route after the block (what polling clients would cost for one round). The
 * last subscriber's delay is split into stages: the crawler's commit of the block (polled),
 * the relay (the broker's append time of the block's last TxConfirmed, read afterwards), the
 * projector and the BFF. Where the window's CPU went is printed per process, with
 * PostgreSQL's statements by time (pg_stat_statements). Ends with one JSON line.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { loadavg } from 'node:os';
import { networks, payments } from 'bitcoinjs-lib';
import { createKafka } from '#shared/kafka/createKafka.js';
import { createLogger } from '#shared/logging/logger.js';
import { readStackEnv } from '#shared/testing/stackEnv.js';
import { cpuSecondsOfAll, cpuSecondsOfTree } from './crawler/cpuTimes.js';
import { blockAppendTimes, stampAppendTimes } from './live/blockAppendTimes.js';
import { postgresCpuSpent, postgresSnapshot } from './live/postgresCpu.js';
import { medianRun } from './median.js';
import { percentile } from './percentile.js';
import { resetStatements, topStatements } from './pgStatements.js';
import { regtestFromStack, startForkline } from '../regtest/src/scenario/forklineInstance.js';

const SUBSCRIBERS = Number(process.env.BENCH_LIVE_SUBSCRIBERS ?? 5_000);
/** Outputs per payment transaction: well under the standard size limit. */
const OUTPUTS_PER_TX = 1_000;
const AMOUNT_BTC = 0.0001;
const AMOUNT_SATS = 10_000;
/** Rounds (a block each) after the warm-up one; the figures are the median round's, by p99. */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const log = (msg: string) => console.error(`[bench live] ${msg}`);
const load1 = () => Math.round(loadavg()[0]! * 100) / 100;

function rssKb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]);
}

/** The balance a `change` event carries (null when it carries none). */
interface ChangeBalance {
  confirmedSats: number;
  pendingSats: number;
}

/**
 * The balance's two amounts, read from the event's JSON text without parsing all of it:
 * 5,000 clients share the 2 cores with the stack, and what they spend delays what they
 * measure. The balance is the first object with these fields (the BFF writes
 * `{userId, balance, activities, removed}` in that order).
 */
function readBalance(json: string): ChangeBalance | null {
  const confirmed = /"confirmedSats":(-?\d+)/.exec(json);
  const pending = /"pendingSats":(-?\d+)/.exec(json);
  if (!confirmed || !pending) return null;
  return { confirmedSats: Number(confirmed[1]), pendingSats: Number(pending[1]) };
}

/**
 * One subscriber: a GET on its own TCP socket, its response read as text (latin1: only
 * ASCII markers are looked for), calling `onChange` with each `change` event's balance.
 * No HTTP client: its parser, chunk decoding and stream objects, for 5,000 streams, took a
 * share of the cores the measured processes need. The response's chunk-size lines fall
 * between events (the BFF writes each event whole), so SSE blocks are read through them.
 */
function subscribe(
  url: URL,
  token: string,
  onChange: (balance: ChangeBalance | null) => void,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(
        `GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${token}\r\n` +
          'Accept: text/event-stream\r\n\r\n',
      );
    });
    socket.setEncoding('latin1');
    let buffer = '';
    let started = false;
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (!started) {
        const headEnd = buffer.indexOf('\r\n\r\n');
        if (headEnd < 0) return;
        const status = buffer.slice(0, buffer.indexOf('\r\n'));
        if (!status.startsWith('HTTP/1.1 200')) {
          reject(new Error(`${url.pathname}: ${status}`));
          socket.destroy();
          return;
        }
        started = true;
        buffer = buffer.slice(headEnd + 4);
        resolve(socket);
      }
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (!block.includes('event: change')) continue;
        const data = block.split('\n').find((l) => l.startsWith('data: '));
        if (data) onChange(readBalance(data));
      }
    });
    socket.on('error', reject);
  });
}

/**
 * Resolves once `n` subscribers have each marked it once: no polling loop spending the
 * cores the measured processes need.
 */
function countdown(n: number, what: string) {
  let left = n;
  let done = () => {};
  const all = new Promise<void>((resolve) => (done = resolve));
  return {
    mark() {
      if (--left === 0) done();
    },
    async wait(timeoutMs: number) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${left} subscribers never saw ${what}`)), timeoutMs);
      });
      try {
        await Promise.race([all, timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
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

/**
 * One round: every subscriber's new payment, seen pending, then confirmed by one block.
 * A subscriber's change counts as the confirmation once its confirmed balance holds this
 * round's payment too (each round pays every user the same amount again).
 */
class Round {
  readonly pendingAt = Array.from({ length: SUBSCRIBERS }, (): number | undefined => undefined);
  readonly confirmedAt = Array.from({ length: SUBSCRIBERS }, (): number | undefined => undefined);
  readonly pendingSeen = countdown(SUBSCRIBERS, 'their payment pending');
  readonly confirmedSeen = countdown(SUBSCRIBERS, 'the block');

  constructor(readonly n: number) {}

  see(index: number, b: ChangeBalance | null): void {
    if (!b || this.n === 0) return;
    if (b.pendingSats > 0 && this.pendingAt[index] === undefined) {
      this.pendingAt[index] = Date.now();
      this.pendingSeen.mark();
    }
    if (b.confirmedSats >= this.n * AMOUNT_SATS && this.confirmedAt[index] === undefined) {
      this.confirmedAt[index] = Date.now();
      this.confirmedSeen.mark();
    }
  }
}

/**
 * Gives the node's wallet a confirmed coin for every payment of every round. On a fresh
 * chain it holds one mature coinbase, and a round's payments would then spend each
 * other's change: a chain of 1,000-output transactions that outgrows the mempool's
 * descendant limit (101 kvB) at the fourth.
 */
async function splitCoins(): Promise<void> {
  const coins = Math.ceil(SUBSCRIBERS / OUTPUTS_PER_TX) * (RUNS + 1);
  const coinBtc = OUTPUTS_PER_TX * AMOUNT_BTC * 2;
  const own = await Promise.all(Array.from({ length: coins }, () => node.newAddress()));
  await node.sendMany(Object.fromEntries(own.map((a) => [a, coinBtc])));
  await node.mine(1);
}

interface RoundResult {
  p50: number;
  p99: number;
  max: number;
  stages: { crawlerMs: number; relayMs: number; projectorAndBffMs: number };
  cpu: Record<string, number>;
}

async function measureRound(round: Round, addresses: string[], label: string): Promise<RoundResult> {
  log(`${label}: broadcasting the payments`);
  const sent = Date.now();
  for (let i = 0; i < SUBSCRIBERS; i += OUTPUTS_PER_TX) {
    await node.sendMany(
      Object.fromEntries(addresses.slice(i, i + OUTPUTS_PER_TX).map((a) => [a, AMOUNT_BTC])),
    );
  }
  await round.pendingSeen.wait(120_000);
  log(
    `every subscriber saw its payment pending ${Math.max(...(round.pendingAt as number[])) - sent} ms after the first broadcast`,
  );

  // Stage clock: the projector's last batch for the block (its transaction's start).
  const { rows: changesBefore } = await forkline.dbs.views.query<{ id: string }>(
    'SELECT coalesce(max(id), 0) AS id FROM projection.user_changes',
  );
  const profiled = await resetStatements(forkline.dbs.online);
  const cpuBefore = cpuNow();
  const postgresBefore = postgresSnapshot();
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
  await round.confirmedSeen.wait(60_000);
  const cpu = cpuSpent(cpuBefore, cpuNow());
  log(`CPU-seconds from the block to the last notice: ${JSON.stringify(cpu)}`);
  log(`  PostgreSQL's by database: ${JSON.stringify(postgresCpuSpent(postgresBefore, postgresSnapshot()))}`);
  if (profiled) {
    for (const s of await topStatements(forkline.dbs.online)) {
      log(`  ${s.totalMs} ms  ${s.calls} calls  ${s.rows} rows  ${s.query}`);
    }
  }
  const delays = (round.confirmedAt as number[]).map((t) => t - mined).sort((a, b) => a - b);
  const [p50, p99, max] = [percentile(delays, 0.5), percentile(delays, 0.99), delays.at(-1)!];
  const appended = await blockAppendTimes(kafka, topic, hash!, SUBSCRIBERS);
  log(
    `timeline: first event in Kafka ${appended.first - mined} ms; notified: first ${delays[0]}, ` +
      `p10 ${percentile(delays, 0.1)}, p25 ${percentile(delays, 0.25)} ms`,
  );
  log(`block → subscriber notified: p50 ${p50} ms, p99 ${p99} ms, last ${max} ms; load ${load1()}`);
  const { rows: lastBatch } = await forkline.dbs.views.query<{ at: number }>(
    'SELECT (extract(epoch FROM max(changed_at)) * 1000)::float8 AS at FROM projection.user_changes WHERE id > $1',
    [changesBefore[0]!.id],
  );
  const projected = Math.round(lastBatch[0]!.at);
  const stages = {
    crawlerMs: (committed ?? mined) - mined,
    relayMs: appended.last - (committed ?? mined),
    projectorAndBffMs: max - (appended.last - mined),
  };
  log(
    `stages: block committed by the crawler after ${stages.crawlerMs} ms, its last event appended to ` +
      `Kafka ${stages.relayMs} ms later, the last subscriber notified ${stages.projectorAndBffMs} ms after that ` +
      `(the projector's last batch for it began ${projected - appended.last} ms after the last append)`,
  );
  return { p50, p99, max, stages, cpu };
}

const stack = readStackEnv();
const node = regtestFromStack();
await node.ensureFunds(Math.ceil(SUBSCRIBERS * AMOUNT_BTC * (RUNS + 1)) + 5);
await splitCoins();
const forkline = await startForkline('bench_live', await node.height());
const streams: Socket[] = [];
// Stage clock: the broker's append time of the block's TxConfirmed events (read afterwards).
const kafka = createKafka({
  brokers: stack.KAFKA_BROKERS.split(','),
  clientId: 'bench-live',
  log: createLogger('bench', 'error'),
});
const topic = forkline.env.RELAY_TOPIC!;
try {
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

  await stampAppendTimes(kafka, topic);
  let round = new Round(0);
  const base = new URL(forkline.bffUrl);
  log(`opening ${SUBSCRIBERS} live streams`);
  for (let i = 0; i < SUBSCRIBERS; i += 250) {
    streams.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(250, SUBSCRIBERS - i) }, (_, j) =>
          subscribe(new URL(`/v1/users/live${i + j}/events`, base), stack.FORKLINE_ADMIN_TOKEN, (b) =>
            round.see(i + j, b),
          ),
        ),
      )),
    );
  }
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const rssAfter = rssKb(bffPid);
  const rssKbPerSubscriber = Math.round(((rssAfter - rssBefore) / SUBSCRIBERS) * 10) / 10;
  log(`BFF RSS ${rssBefore} kB → ${rssAfter} kB with ${SUBSCRIBERS} streams: ${rssKbPerSubscriber} kB each`);

  round = new Round(1);
  const warmUp = await measureRound(round, addresses, 'warm-up round (not counted)');
  const results: RoundResult[] = [];
  for (let r = 2; r <= RUNS + 1; r++) {
    round = new Round(r);
    results.push(await measureRound(round, addresses, `round ${r - 1}`));
  }
  const mid = medianRun(results, (r) => r.p99);
  log(
    `median of ${RUNS} rounds: p50 ${mid.p50} ms, p99 ${mid.p99} ms (p99 of each round: ` +
      `${results.map((r) => r.p99).join(' / ')}; the warm-up round's ${warmUp.p99})`,
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
      notifyP50Ms: mid.p50,
      notifyP99Ms: mid.p99,
      notifyP99MsRuns: results.map((r) => r.p99),
      warmUpNotifyP99Ms: warmUp.p99,
      notifyMaxMs: mid.max,
      ...mid.stages,
      rssKbPerSubscriber,
      cpuSeconds: mid.cpu,
      baselinePollRoundMs: pollRoundMs,
      load1: load1(),
    }),
  );
} finally {
  for (const socket of streams) socket.destroy();
  await forkline.stop();
}
