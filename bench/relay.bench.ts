/**
 * `npm run bench -- relay`: the outbox relay against the real stack (PostgreSQL, Kafka).
 *
 * 1. Throughput, RUNS rounds after an untimed warm-up one (median and spread): a backlog
 *    of 1 KB events is committed first, then one relay drains it (default batch size and
 *    batches in flight);
 *    events/s = backlog / time until the outbox is empty (every event acked by Kafka with
 *    acks=all and deleted). Ceiling, in each round: the relay's own publisher sending the
 *    same messages from memory (no database) the same way; ratioToCeiling = median rate /
 *    median ceiling. CPU-seconds of the bench process (relay), PostgreSQL and Kafka during
 *    each drain. Baseline, once: batches of one event (one event per transaction and per
 *    Kafka request).
 * 2. Latency under light load: one event per transaction, ~50 per second; commit →
 *    readable by a consumer of the topic, with NOTIFY wake-ups. Baseline, same run: the
 *    same relay polling only (NOTIFY off, the default 1 s poll).
 * 3. The same drain (warm-up, then RUNS rounds) and latency against a three-broker
 *    cluster with replication factor 3 and min.insync.replicas 2, once one consumer group
 *    has made the cluster create its offsets topic (BENCH_THREE_BROKERS=0 skips it).
 * Knobs: BENCH_RELAY_EVENTS (40000), BENCH_RUNS (3), BENCH_CPU_PROFILE_DIR (writes a V8
 * CPU profile of the first round's drain there). Ends with one JSON line.
 */
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka } from 'kafkajs';
import type { Pool } from '#shared/db/pool.js';
import { withTransaction } from '#shared/db/withTransaction.js';
import { appendToStream } from '#shared/outbox/appendToStream.js';
import { createTestDatabases } from '#shared/testing/testDatabases.js';
import { createTestTopic } from '#shared/testing/testTopic.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { readOutboxBacklog } from '#shared/outbox/readOutboxBacklog.js';
import { defaultRelayConfig, type RelayConfig } from '../relay/src/config.js';
import { collectTopic } from '../relay/src/testing/collectTopic.js';
import { startTestRelay, testKafka, testLog } from '../relay/src/testing/relayHarness.js';
import { sampleEvent, writeEvents } from '../relay/src/testing/writeEvents.js';
import { readFileSync } from 'node:fs';
import { runDir } from '#shared/testing/stackEnv.js';
import { cpuSecondsOf, cpuSecondsOfTree, parentPid } from './crawler/cpuTimes.js';
import { startCpuProfile } from './cpuProfile.js';
import { median } from './median.js';
import { percentile } from './percentile.js';
import { benchMessages, publishCeiling } from './relay/publishCeiling.js';
import { createKafka } from '#shared/kafka/createKafka.js';
import { startKafkaCluster } from '../regtest/src/scenario/kafkaCluster.js';

const EVENT_BYTES = 1_024;
const BACKLOG = Number(process.env.BENCH_RELAY_EVENTS ?? 40_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const THREE_BROKERS = process.env.BENCH_THREE_BROKERS !== '0';
const PROFILE_DIR = process.env.BENCH_CPU_PROFILE_DIR;
const BASELINE_BACKLOG = 2_000;
const LATENCY_EVENTS = 250;
const LATENCY_GAP_MS = 20;
/** The latency events go round this many streams (so over every partition). */
const LATENCY_STREAMS = 20;
/**
 * Warm-up events per stream, so every partition the measurement writes holds ≥ 8 KB
 * before it: past its segment's first index entries (see `latency`).
 */
const LATENCY_WARM_UP_PER_STREAM = 8;
const LATENCY_WARM_UP = LATENCY_STREAMS * LATENCY_WARM_UP_PER_STREAM;
const { batchSize, maxInFlightBatches } = defaultRelayConfig;

// Shared machines skew every figure: print what else was running.
const load = () => `load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} CPUs`;
console.log(`relay benchmark (${load()})`);
const dbs = await createTestDatabases('bench_relay');
const kafka = testKafka('bench-relay');
// This stack's own PostgreSQL cluster (its postmaster's tree) and Kafka broker, not the
// other stacks' that may share the machine.
const { rows: backend } = await dbs.online.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
const postmasterPid = parentPid(backend[0]!.pid);
const stackKafkaPid = Number(readFileSync(`${runDir}/kafka/kafka.pid`, 'utf8').trim());
/** The broker JVMs whose CPU counts: the stack's, or the three-broker cluster's. */
let kafkaPids = (): number[] => [stackKafkaPid];
try {
  // The latency phases' topics, made now: minutes before they are measured (see latency).
  const notifyTopic = await createTestTopic(kafka, 'bench-relay-latency', 6);
  const pollOnlyTopic = await createTestTopic(kafka, 'bench-relay-latency', 6);
  const messages = benchMessages(BACKLOG, EVENT_BYTES);
  // One untimed round first: V8 compiles the relay's and kafkajs's hot paths during the
  // first drain of this process, as it has long done in a relay that runs.
  const warm = await drainRate(dbs.onlineUrl, dbs.online, kafka, BACKLOG / 4, {});
  await publishCeiling(kafka, testLog, messages.slice(0, BACKLOG / 4), batchSize, maxInFlightBatches);
  console.log(`warm-up round (untimed): relay ${fmt(warm.rate)} events/s`);
  const rounds: { rate: number; ceiling: number; cpu: CpuSplit }[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const { rate, cpu } = await drainRate(dbs.onlineUrl, dbs.online, kafka, BACKLOG, {}, 1, run === 1);
    const ceiling = await publishCeiling(kafka, testLog, messages, batchSize, maxInFlightBatches);
    rounds.push({ rate, ceiling, cpu });
    console.log(
      `round ${run}: relay ${fmt(rate)} events/s, ceiling ${fmt(ceiling)} events/s (${(rate / ceiling).toFixed(2)}); ` +
        `CPU-s relay ${cpu.relay.toFixed(1)}, PostgreSQL ${cpu.postgres.toFixed(1)}, Kafka ${cpu.kafka.toFixed(1)} (${load()})`,
    );
  }
  const rate = median(rounds.map((r) => r.rate));
  const ceiling = median(rounds.map((r) => r.ceiling));
  console.log(
    `throughput, batches of ${batchSize}, ${maxInFlightBatches} in flight: ${fmt(rate)} events/s median ` +
      `(${spread(rounds.map((r) => r.rate))}; ${BACKLOG} × ${EVENT_BYTES} B events)`,
  );
  console.log(
    `ceiling, the same producer from memory: ${fmt(ceiling)} events/s median (${spread(rounds.map((r) => r.ceiling))})`,
  );
  console.log(`ratio to ceiling:                ${(rate / ceiling).toFixed(2)}`);
  const { rate: single } = await drainRate(dbs.onlineUrl, dbs.online, kafka, BASELINE_BACKLOG, {
    batchSize: 1,
    maxInFlightBatches: 1,
  });
  console.log(`baseline, one event per tx:      ${fmt(single)} events/s (${BASELINE_BACKLOG} events)`);
  console.log(`throughput ratio vs baseline:    ${(rate / single).toFixed(1)}×`);

  const notify = await latency(dbs.onlineUrl, dbs.online, kafka, notifyTopic, {
    listen: true,
    pollIntervalMs: 1_000,
  });
  console.log(
    `commit → Kafka with NOTIFY:      p50 ${notify.p50.toFixed(1)} ms, p99 ${notify.p99.toFixed(1)} ms`,
  );
  const pollOnly = await latency(dbs.onlineUrl, dbs.online, kafka, pollOnlyTopic, {
    listen: false,
    pollIntervalMs: 1_000,
  });
  console.log(
    `baseline, poll only (1 s):       p50 ${pollOnly.p50.toFixed(1)} ms, p99 ${pollOnly.p99.toFixed(1)} ms`,
  );
  console.log(`p99 ratio poll-only / NOTIFY:    ${(pollOnly.p99 / notify.p99).toFixed(1)}×`);

  // The same relay against a three-broker cluster, replication factor 3, min.insync 2.
  const replicated = THREE_BROKERS ? await threeBrokerFigures(dbs.onlineUrl, dbs.online) : undefined;

  const cpu = rounds[Math.floor(rounds.length / 2)]!.cpu;
  console.log(
    JSON.stringify({
      eventsPerSec: Math.round(rate),
      eventsPerSecRuns: rounds.map((r) => Math.round(r.rate)),
      ceilingEventsPerSec: Math.round(ceiling),
      ceilingEventsPerSecRuns: rounds.map((r) => Math.round(r.ceiling)),
      ratioToCeiling: Math.round((rate / ceiling) * 100) / 100,
      commitToKafkaP50Ms: round1(notify.p50),
      commitToKafkaP99Ms: round1(notify.p99),
      baselineOneEventPerTxEventsPerSec: Math.round(single),
      throughputRatioVsBaseline: round1(rate / single),
      pollOnlyP50Ms: round1(pollOnly.p50),
      pollOnlyP99Ms: round1(pollOnly.p99),
      latencyP99RatioPollOnlyVsNotify: round1(pollOnly.p99 / notify.p99),
      cpuSecondsRelay: round1(cpu.relay),
      cpuSecondsPostgres: round1(cpu.postgres),
      cpuSecondsKafka: round1(cpu.kafka),
      ...(replicated
        ? {
            threeBrokersEventsPerSec: Math.round(replicated.rate),
            threeBrokersEventsPerSecRuns: replicated.runs.map(Math.round),
            threeBrokersCommitToKafkaP50Ms: round1(replicated.latency.p50),
            threeBrokersCommitToKafkaP99Ms: round1(replicated.latency.p99),
          }
        : {}),
      batchSize,
      maxInFlightBatches,
      eventBytes: EVENT_BYTES,
      backlogEvents: BACKLOG,
      loadAverage1m: round1(loadavg()[0]!),
      cpus: cpus().length,
    }),
  );
} finally {
  await dbs.drop();
}

/**
 * Drain rate (once) and NOTIFY latency against a three-broker cluster of the bench's own
 * (started by `regtest/kafka.sh`, as `make up KAFKA_NODES=3` starts one), topics with
 * replication factor 3 and min.insync.replicas 2: every ack waits for two replicas.
 */
async function threeBrokerFigures(url: string, db: Pool) {
  console.log('starting a three-broker Kafka cluster…');
  const cluster = await startKafkaCluster('bench-relay');
  kafkaPids = () => [1, 2, 3].flatMap((n) => cluster.pid(n) ?? []);
  try {
    const kafka3 = createKafka({
      brokers: cluster.brokers.split(','),
      clientId: 'bench-relay-rf3',
      log: testLog,
    });
    await createGroupCoordinator(kafka3);
    const latencyTopic = await createTestTopic(kafka3, 'bench-relay-latency', 6, 3);
    // The brokers started seconds ago: their JITs compile the produce and replication
    // paths during the first drain (the stack's broker has long been warm). One drain
    // warms them, untimed, as on one broker; then the same three rounds.
    const warm = await drainRate(url, db, kafka3, BACKLOG / 4, {}, 3);
    console.log(`three brokers, RF 3, warm-up drain (untimed): ${fmt(warm.rate)} events/s`);
    const runs: { rate: number; cpu: CpuSplit }[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const r = await drainRate(url, db, kafka3, BACKLOG, {}, 3);
      runs.push(r);
      console.log(
        `three brokers, RF 3, round ${run}: ${fmt(r.rate)} events/s; CPU-s relay ${r.cpu.relay.toFixed(1)}, ` +
          `PostgreSQL ${r.cpu.postgres.toFixed(1)}, Kafka ${r.cpu.kafka.toFixed(1)} (${load()})`,
      );
    }
    const rate = median(runs.map((r) => r.rate));
    console.log(`three brokers, RF 3: ${fmt(rate)} events/s median (${spread(runs.map((r) => r.rate))})`);
    const latency3 = await latency(url, db, kafka3, latencyTopic, { listen: true, pollIntervalMs: 1_000 });
    console.log(
      `three brokers, RF 3, commit → Kafka: p50 ${latency3.p50.toFixed(1)} ms, p99 ${latency3.p99.toFixed(1)} ms`,
    );
    return { rate, runs: runs.map((r) => r.rate), latency: latency3 };
  } finally {
    kafkaPids = () => [stackKafkaPid];
    await cluster.destroy();
  }
}

/**
 * A new cluster creates its offsets topic (6 partitions × 3 replicas: leader elections,
 * replica fetchers taking on 18 partitions) when a consumer group first asks for its
 * coordinator. Left to the latency phase's consumer, that came a second or two before the
 * measured events and held produce requests on every broker for ~140 ms, twice (p99 93–154
 * ms in 7 of 8 runs, against 17–31 ms in 4 of 4 once the topic existed). A cluster in
 * service created it long ago: one group joins here, before anything is measured.
 */
async function createGroupCoordinator(kafka: Kafka): Promise<void> {
  const { topic, groupId } = await createTestTopic(kafka, 'bench-relay-groups', 1, 3);
  const producer = kafka.producer();
  try {
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ value: 'x' }] });
  } finally {
    await producer.disconnect();
  }
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    let received = false;
    await consumer.run({ eachMessage: () => Promise.resolve(void (received = true)) });
    await waitFor(() => received, Boolean, { what: 'a first consumer group to join', timeoutMs: 60_000 });
  } finally {
    await consumer.disconnect();
  }
}

interface CpuSplit {
  relay: number;
  postgres: number;
  kafka: number;
}

function cpuNow(): CpuSplit {
  return {
    relay: cpuSecondsOf(process.pid),
    postgres: cpuSecondsOfTree(postmasterPid),
    kafka: kafkaPids().reduce((sum, pid) => sum + cpuSecondsOf(pid), 0),
  };
}

/** Commits `count` events, then times one relay draining them. */
async function drainRate(
  url: string,
  db: Pool,
  kafka: Kafka,
  count: number,
  config: Partial<RelayConfig>,
  replication = 1,
  profiled = false,
): Promise<{ rate: number; cpu: CpuSplit }> {
  const { topic } = await createTestTopic(kafka, 'bench-relay', 6, replication);
  const label = randomUUID().slice(0, 8);
  await Promise.all(
    [0, 1, 2, 3].map((w) =>
      writeEvents(db, {
        prefix: `bench-${label}-${w}`,
        count: count / 4,
        streams: 25,
        perTransaction: 100,
        payloadBytes: EVENT_BYTES,
      }),
    ),
  );
  await db.query('VACUUM ANALYZE outbox');
  const r = startTestRelay({ databaseUrl: url, kafka, config: { topic, ...config } });
  const profiling = PROFILE_DIR && profiled ? await startCpuProfile() : undefined;
  try {
    const cpuBefore = cpuNow();
    const started = performance.now();
    await r.relay.start();
    await waitFor(
      () => readOutboxBacklog(db),
      (b) => b.backlog === 0,
      {
        what: 'the backlog to drain',
        timeoutMs: 600_000,
        intervalMs: 10,
      },
    );
    const rate = count / ((performance.now() - started) / 1000);
    const cpuAfter = cpuNow();
    if (profiling) {
      const path = `${PROFILE_DIR}/relay-drain.cpuprofile`;
      await profiling.stop(path);
      console.log(`CPU profile of the drain: ${path}`);
    }
    return {
      rate,
      cpu: {
        relay: cpuAfter.relay - cpuBefore.relay,
        postgres: cpuAfter.postgres - cpuBefore.postgres,
        kafka: cpuAfter.kafka - cpuBefore.kafka,
      },
    };
  } finally {
    await r.stop();
  }
}

/**
 * Light load: one event per transaction every LATENCY_GAP_MS; commit → consumer latency.
 * The topic is made by the caller before the drains, as a topic in service is long made:
 * on three brokers a topic made just before was still settling when measured (followers
 * told UNKNOWN_TOPIC_ID by a leader not yet serving it back off for a second), and its
 * first produce requests waited up to 1.2 s.
 */
async function latency(
  url: string,
  db: Pool,
  kafka: Kafka,
  { topic, groupId }: { topic: string; groupId: string },
  config: Partial<RelayConfig>,
) {
  const seen = await collectTopic(kafka, topic, groupId);
  const r = startTestRelay({ databaseUrl: url, kafka, config: { topic, ...config } });
  try {
    await r.relay.start();
    // Warm-up events, not measured, paced as the measured ones, LATENCY_WARM_UP_PER_STREAM
    // to every stream the measurement writes. The consumer has joined its group once it
    // sees them, and the brokers have run this light load's paths: on three brokers the
    // first ~20 events after a single warm-up event were the slowest samples (100–390 ms).
    // And every partition of the new topic is past its segment's first index entries: a
    // broker writes one per 4 KB appended (index.interval.bytes), the first into a fresh
    // preallocated, memory-mapped index file, whose first page is then allocated. After
    // the drains' writes, that took the append of each partition's 4th 1 KB event 50–110
    // ms (the brokers' request log: the local time of that one produce request); with 50
    // warm-up events over 20 streams, the partitions given only 3 took it within the
    // measurement (events 8–12 and 35–40: p99 110–153 ms on three brokers). A topic in
    // service meets it once per partition and segment (log.segment.bytes).
    for (let i = 0; i < LATENCY_WARM_UP; i++) {
      await withTransaction(db, (tx) =>
        appendToStream(tx, `latency:${i % LATENCY_STREAMS}`, [sampleEvent(i, EVENT_BYTES)]),
      );
      await sleep(LATENCY_GAP_MS);
    }
    await waitFor(
      () => seen.messages.length,
      (n) => n >= LATENCY_WARM_UP,
      { what: 'the warm-up events' },
    );
    const committedAt = new Map<string, number>();
    for (let i = 0; i < LATENCY_EVENTS; i++) {
      const [event] = await withTransaction(db, (tx) =>
        appendToStream(tx, `latency:${i % LATENCY_STREAMS}`, [sampleEvent(i, EVENT_BYTES)]),
      );
      committedAt.set(event!.id, performance.now());
      await sleep(LATENCY_GAP_MS); // pacing the light load, not waiting for a result
    }
    await waitFor(
      () => seen.messages.length,
      (n) => n >= LATENCY_EVENTS + LATENCY_WARM_UP,
      {
        what: 'every latency event',
        timeoutMs: 60_000,
      },
    );
    const latencies = seen.messages
      .filter((m) => committedAt.has(m.eventId))
      .map((m) => m.receivedAt - committedAt.get(m.eventId)!)
      .sort((a, b) => a - b);
    return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
  } finally {
    await seen.close();
    await r.stop();
  }
}

function spread(values: number[]): string {
  return values.map(fmt).join(' / ');
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
