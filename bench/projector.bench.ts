/**
 * `npm run bench -- projector`: a mixed stream spread over 100,000 users through the real
 * projector (Kafka consumer group, one SQL transaction per Kafka batch), and in the same
 * run the baseline: the same path with one SQL transaction per event. A quarter of the
 * events are orders' (placed, filled, settlement broadcast: their streams' batches also
 * hold the user, and the link joins the settlement's chain event to the order row), the
 * rest TxConfirmed, the settlements' among them. Rates are measured from the first
 * committed transaction to the last (the consumer group join, ~3 s, is not projector
 * throughput). Its ceiling: a kafkajs consumer in a group, tuned the same, that reads the
 * same topic and only commits offsets, measured the same way. Each is measured
 * BENCH_RUNS times, alternating (the median and every run are reported), the baseline
 * once; with each figure the cores the projector (this process), PostgreSQL and Kafka
 * used and the load average. Ends with one JSON line.
 *
 * Then the size of the views database per applied event, and the same stream drained by
 * projector processes as `forkline run` runs them: one, then two in one consumer group
 * (what a second instance adds; BENCH_PROCESSES=0 skips it). Last, one run against a
 * three-broker cluster with replication factor 3 (BENCH_THREE_BROKERS=0 skips it).
 *
 * Knobs: BENCH_USERS (100000), BENCH_EVENTS (200000), BENCH_BASELINE_EVENTS (20000),
 * BENCH_ORDERS (1; 0 = TxConfirmed only), BENCH_RUNS (3), BENCH_CPU_PROFILE_DIR (writes
 * a V8 CPU profile of the first run there).
 */
import { loadavg } from 'node:os';
import { Registry } from 'prom-client';
import type { Pool } from '#shared/db/pool.js';
import { createKafka } from '#shared/kafka/createKafka.js';
import { createLogger } from '#shared/logging/logger.js';
import { readStackEnv } from '#shared/testing/stackEnv.js';
import { createTestDatabases } from '#shared/testing/testDatabases.js';
import { createTestTopic } from '#shared/testing/testTopic.js';
import type { RecordedEvent } from '#shared/events/types.js';
import { createProjector } from '../projector/src/createProjector.js';
import { createProjectionSchema } from '../projector/src/db/projectionSchemas.js';
import { projectionTables } from '#shared/views/projectionTables.js';
import { createProjectorMetrics } from '../projector/src/metrics.js';
import { confirmed, hex, streamOf, toMessage, uuidOf } from '../projector/src/testing/events.js';
import { orderStream } from '#shared/events/streams.js';
import { median, medianRun } from './median.js';
import { ceilingRate } from './projector/ceilingRate.js';
import { startCpuProfile } from './cpuProfile.js';
import { processRate } from './projector/processRate.js';
import { stackCpuSeconds } from './projector/stackCpu.js';
import { startKafkaCluster } from '../regtest/src/scenario/kafkaCluster.js';
import type { Kafka } from 'kafkajs';

const USERS = Number(process.env.BENCH_USERS ?? 100_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const BASELINE_EVENTS = Number(process.env.BENCH_BASELINE_EVENTS ?? 20_000);
const ORDERS = process.env.BENCH_ORDERS !== '0';
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PROFILE_DIR = process.env.BENCH_CPU_PROFILE_DIR;
const PARTITIONS = 3;
const PROCESSES = process.env.BENCH_PROCESSES !== '0';
const THREE_BROKERS = process.env.BENCH_THREE_BROKERS !== '0';
/** One unit in 9 is an order (3 order events + its settlement's TxConfirmed): a quarter of the events. */
const ORDER_EVERY = 9;

const stack = readStackEnv();
const log = createLogger('bench', process.env.BENCH_LOG_LEVEL ?? 'silent');
const kafka = createKafka({ brokers: stack.KAFKA_BROKERS.split(','), clientId: 'bench-projector', log });
const dbs = await createTestDatabases('bench_projector');

/**
 * Round-robin over the users, so every batch touches many streams (the realistic shape):
 * each unit is a receive, or (one in ORDER_EVERY) a buy — placed, filled, its settlement
 * broadcast — and the settlement's TxConfirmed on the user's stream.
 */
function makeEvents(count: number): RecordedEvent[] {
  const streams = Array.from({ length: Math.min(USERS, count) }, (_, u) => streamOf(`user:u${u}`));
  const out: RecordedEvent[] = [];
  for (let unit = 0; out.length < count; unit++) {
    const u = unit % streams.length;
    const round = Math.floor(unit / streams.length);
    const amount = 1_000 + (unit % 977);
    const tx = confirmed(`u${u}-${round}`, `b${round}`, round + 1, {
      deltaSats: amount,
      receivedSats: amount,
      sentSats: 0,
    });
    if (ORDERS && unit % ORDER_EVERY === ORDER_EVERY - 1 && count - out.length >= 4) {
      const userId = `u${u}`;
      const orderId = uuidOf(`u${u}-${round}-order`);
      const order = streamOf(orderStream(orderId));
      const filled = { orderId, userId, side: 'buy' as const, amountSats: amount };
      out.push(
        order.next({ type: 'OrderPlaced', payload: { ...filled, limitPriceEurCents: null } }),
        order.next({
          type: 'OrderFilled',
          payload: { ...filled, priceEurCents: 6_000_000, eurCents: amount * 6 },
        }),
        order.next({
          type: 'SettlementBroadcast',
          payload: { orderId, userId, txid: hex(`u${u}-${round}`) },
        }),
      );
    }
    out.push(streams[u]!.next(tx));
  }
  return out;
}

interface Topic {
  topic: string;
  groupId: string;
  ends: Map<number, number>;
}

async function produce(
  events: RecordedEvent[],
  label: string,
  client: Kafka = kafka,
  replicationFactor = 1,
): Promise<Topic> {
  const created = await createTestTopic(client, label, PARTITIONS, replicationFactor);
  const producer = client.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const started = Date.now();
  for (let i = 0; i < events.length; i += 5_000) {
    await producer.send({
      topic: created.topic,
      acks: -1,
      messages: events.slice(i, i + 5_000).map(toMessage),
    });
  }
  await producer.disconnect();
  console.log(`${label}: produced ${events.length} events in ${Date.now() - started} ms`);
  const admin = client.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(created.topic);
  await admin.disconnect();
  return { ...created, ends: new Map(offsets.map((o) => [o.partition, Number(o.high)])) };
}

interface Measured {
  rate: number;
  /** Cores used between the first commit and the last, per process. */
  cores: { projector: number; postgres: number; kafka: number };
  load: number;
}

async function run(
  db: Pool,
  label: string,
  { topic, groupId, ends }: Topic,
  eventCount: number,
  maxEventsPerTransaction: number,
  cluster?: { kafka: Kafka; brokerPids: () => number[] },
): Promise<Measured> {
  const schema = `bench_${label}`;
  await createProjectionSchema(db, schema);
  const t = projectionTables(schema);
  const applied = async () =>
    (await db.query<{ n: number }>(`SELECT coalesce(sum(version), 0)::bigint AS n FROM ${t.streamVersions}`))
      .rows[0]!.n;
  let firstCommit:
    { at: number; cpu: ReturnType<typeof stackCpuSeconds>; applied: Promise<number> } | undefined;
  // Profiled from the start (the group join and first fetch too) to the end, first run only.
  const profiling = PROFILE_DIR && label === 'batched1' ? await startCpuProfile() : undefined;
  const projector = createProjector({
    db,
    kafka: cluster?.kafka ?? kafka,
    log,
    metrics: createProjectorMetrics(new Registry()),
    config: {
      topic,
      groupId,
      schema,
      maxWaitTimeInMs: 100,
      maxEventsPerTransaction,
      partitionsConsumedConcurrently: PARTITIONS,
    },
    hooks: {
      afterSqlCommit: () => {
        firstCommit ??= {
          at: performance.now(),
          cpu: stackCpuSeconds(cluster?.brokerPids),
          applied: applied(),
        };
      },
    },
  });
  await projector.start();
  // Done when every partition is committed up to its end: read from the projector's
  // memory, because polling the table (a scan of 100,000 rows 20 times a second) took
  // a fifth of a core from the projector on this 2-core machine.
  const caughtUp = () =>
    [...ends].every(([partition, end]) => (projector.progress().get(partition) ?? 0) >= end);
  while (!caughtUp()) await new Promise((resolve) => setTimeout(resolve, 20));
  const end = performance.now();
  const cpu = stackCpuSeconds(cluster?.brokerPids);
  if (profiling) await profiling.stop(`${PROFILE_DIR}/projector-${Date.now()}.cpuprofile`);
  await projector.close();
  const done = await applied();
  if (done !== eventCount) throw new Error(`applied ${done} of ${eventCount} events`);
  const first = firstCommit!;
  const measured = eventCount - (await first.applied);
  const seconds = (end - first.at) / 1_000;
  const rate = Math.round(measured / seconds);
  const cores = {
    projector: round2((cpu.projector - first.cpu.projector) / seconds),
    postgres: round2((cpu.postgres - first.cpu.postgres) / seconds),
    kafka: round2((cpu.kafka - first.cpu.kafka) / seconds),
  };
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t.balances}`);
  console.log(
    `${label}: ${measured} events in ${seconds.toFixed(2)} s → ${rate} events/s ` +
      `(${rows[0]!.n} balance rows, ${maxEventsPerTransaction === Infinity ? 'one transaction per Kafka batch' : 'one transaction per event'}; ` +
      `cores: projector ${cores.projector}, PostgreSQL ${cores.postgres}, Kafka ${cores.kafka}; load ${load1()})`,
  );
  return { rate, cores, load: load1() };
}

/**
 * One run against a three-broker cluster of the bench's own (as `make up KAFKA_NODES=3`
 * starts one), the topic with replication factor 3 and min.insync.replicas 2: the
 * consumer reads from the partitions' leaders, and the three JVMs share the 2 cores.
 */
async function threeBrokerRun(events: RecordedEvent[]): Promise<Measured> {
  console.log('starting a three-broker Kafka cluster…');
  const cluster = await startKafkaCluster('bench-projector');
  try {
    const kafka3 = createKafka({ brokers: cluster.brokers.split(','), clientId: 'bench-projector-rf3', log });
    const topic = await produce(events, 'rf3', kafka3, 3);
    const measured = await run(dbs.views, 'rf3', topic, events.length, Infinity, {
      kafka: kafka3,
      brokerPids: () => [1, 2, 3].flatMap((n) => cluster.pid(n) ?? []),
    });
    console.log(`three brokers, RF 3: ${measured.rate} events/s`);
    return measured;
  } finally {
    await cluster.destroy();
  }
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const load1 = () => round2(loadavg()[0]!);

try {
  const events = makeEvents(EVENTS);
  console.log(
    `projector bench: ${EVENTS} events (${events.filter((e) => !e.stream.startsWith('user:')).length} of orders, the rest TxConfirmed) over ${Math.min(USERS, EVENTS)} users, ${PARTITIONS} partitions, ${RUNS} runs; load ${load1()}`,
  );
  const topic = await produce(events, 'batched');
  const runs: Measured[] = [];
  const ceilings: number[] = [];
  // Ceiling and projector alternate, so each pair shares the machine's conditions.
  for (let i = 0; i < RUNS; i++) {
    const ceiling = await ceilingRate(kafka, { ...topic, groupId: `${topic.groupId}-ceiling${i}` });
    console.log(
      `ceiling ${i + 1}: ${ceiling} events/s (a consumer that only commits offsets; load ${load1()})`,
    );
    ceilings.push(ceiling);
    runs.push(
      await run(
        dbs.views,
        `batched${i + 1}`,
        { ...topic, groupId: `${topic.groupId}-${i}` },
        EVENTS,
        Infinity,
      ),
    );
  }
  const baselineEvents = makeEvents(Math.min(BASELINE_EVENTS, EVENTS));
  const baseline = await run(
    dbs.views,
    'baseline',
    await produce(baselineEvents, 'baseline'),
    baselineEvents.length,
    1,
  );
  // What the views database holds per applied event (tables, indexes, TOAST), first run.
  const { rows: size } = await dbs.views.query<{ bytes: number }>(
    `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'bench_batched1' AND c.relkind = 'r'`,
  );
  const viewsBytesPerEvent = Math.round(size[0]!.bytes / EVENTS);
  console.log(`views database: ${viewsBytesPerEvent} bytes per applied event (tables with their indexes)`);
  // As processes, as `forkline run --instances` runs them: one, then two in one group.
  let processes: { one: number; two: number } | undefined;
  if (PROCESSES) {
    const one = await processRate(topic.topic, EVENTS, 1);
    console.log(`one projector process: ${one} events/s (load ${load1()})`);
    const two = await processRate(topic.topic, EVENTS, 2);
    console.log(`two projector processes in one group: ${two} events/s (load ${load1()})`);
    processes = { one, two };
  }
  // The same events and projector against a three-broker cluster, replication factor 3.
  const threeBrokers = THREE_BROKERS ? await threeBrokerRun(events) : undefined;
  const eventsPerSec = median(runs.map((r) => r.rate));
  const ceilingEventsPerSec = median(ceilings);
  const typical = medianRun(runs, (r) => r.rate);
  console.log(
    JSON.stringify({
      eventsPerSec,
      eventsPerSecRuns: runs.map((r) => r.rate),
      ceilingEventsPerSec,
      ceilingEventsPerSecRuns: ceilings,
      ratioToCeiling: round2(eventsPerSec / ceilingEventsPerSec),
      cores: typical.cores,
      loadAverages: runs.map((r) => r.load),
      baselineEventsPerSec: baseline.rate,
      viewsBytesPerEvent,
      ...(processes
        ? { oneProcessEventsPerSec: processes.one, twoProcessesEventsPerSec: processes.two }
        : {}),
      ...(threeBrokers
        ? { threeBrokersEventsPerSec: threeBrokers.rate, threeBrokersKafkaCores: threeBrokers.cores.kafka }
        : {}),
      ratio: Number((eventsPerSec / baseline.rate).toFixed(1)),
    }),
  );
} finally {
  await dbs.drop();
}
