import type { Kafka } from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { withTransaction } from '#shared/db/withTransaction.js';
import { appendToStream } from '#shared/outbox/appendToStream.js';
import { createMetricsRegistry } from '#shared/metrics/registry.js';
import { createTestDatabases, type TestDatabases } from '#shared/testing/testDatabases.js';
import { createTestTopic } from '#shared/testing/testTopic.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { readOutboxBacklog } from '#shared/outbox/readOutboxBacklog.js';
import { createStatusServer } from '#shared/http/createStatusServer.js';
import { EVENT_HEADERS } from './publish/toKafkaMessage.js';
import { analyseDelivery } from './testing/analyseDelivery.js';
import { collectTopic, type TopicCollector } from './testing/collectTopic.js';
import { startTestRelay, testKafka, testLog } from './testing/relayHarness.js';
import { sampleEvent, writeEvents } from './testing/writeEvents.js';

describe('relay (real PostgreSQL and Kafka)', () => {
  let dbs: TestDatabases;
  let kafka: Kafka;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    dbs = await createTestDatabases('relay');
    kafka = testKafka();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(() => dbs.drop());

  async function collector(topic: string, groupId: string): Promise<TopicCollector> {
    const c = await collectTopic(kafka, topic, groupId);
    cleanups.push(() => c.close());
    return c;
  }

  it('refuses to start, without retrying, on a topic weaker than configured outside regtest', async () => {
    const { topic } = await createTestTopic(kafka, 'relay-weak', 1);
    const r = startTestRelay({
      databaseUrl: dbs.onlineUrl,
      kafka,
      config: {
        topic,
        topicSettings: { partitions: 6, replicationFactor: 1, minInsyncReplicas: 1, strict: true },
      },
    });
    cleanups.push(() => r.stop());
    await expect(r.relay.start()).rejects.toThrow(
      `refusing to start: ${topic} has 1 partitions, 6 configured`,
    );
    expect((await r.relay.status()).lastError).toBeNull(); // refused at once, not retried
  });

  it('publishes rows committed out of id order: none skipped', async () => {
    const { topic, groupId } = await createTestTopic(kafka, 'relay-ooo', 3);
    const r = startTestRelay({ databaseUrl: dbs.onlineUrl, kafka, config: { topic } });
    cleanups.push(() => r.stop());
    await r.relay.start();
    const seen = await collector(topic, groupId);

    // T1 takes the lower id but commits last; T2 commits first and is published first.
    const t1 = await dbs.online.connect();
    const t2 = await dbs.online.connect();
    cleanups.push(() => Promise.resolve(t1.release()));
    cleanups.push(() => Promise.resolve(t2.release()));
    const outboxId = async (c: typeof t1, eventId: string) =>
      (await c.query<{ id: number }>('SELECT id FROM outbox WHERE event_id = $1', [eventId])).rows[0]!.id;
    await t1.query('BEGIN');
    const [low] = await appendToStream(t1, 'ooo:a', [sampleEvent(1)]);
    await t2.query('BEGIN');
    const [high] = await appendToStream(t2, 'ooo:b', [sampleEvent(2)]);
    expect(await outboxId(t1, low!.id)).toBeLessThan(await outboxId(t2, high!.id));
    await t2.query('COMMIT');
    await waitFor(() => seen.messages.some((m) => m.eventId === high!.id), Boolean, {
      what: 'the later-numbered event',
    });
    await t1.query('COMMIT');
    await waitFor(() => seen.messages.some((m) => m.eventId === low!.id), Boolean, {
      what: 'the earlier-numbered event committed last',
    });

    // The value is exactly the recorded envelope; the headers name it.
    const got = seen.messages.find((m) => m.eventId === low!.id)!;
    expect(got.event).toEqual(low);
    expect(got.key).toBe('ooo:a');
    expect(got.headers).toEqual({
      [EVENT_HEADERS.type]: 'TxConfirmed',
      [EVENT_HEADERS.stream]: 'ooo:a',
      [EVENT_HEADERS.version]: '1',
      [EVENT_HEADERS.eventId]: low!.id,
    });
    expect(seen.rejected).toEqual([]);
    await waitFor(
      () => readOutboxBacklog(dbs.online),
      (b) => b.backlog === 0,
      { what: 'an empty outbox' },
    );
  });

  it('two relays at once: nothing lost, each row deleted once', async () => {
    const { topic, groupId } = await createTestTopic(kafka, 'relay-two', 6);
    const a = startTestRelay({ databaseUrl: dbs.onlineUrl, kafka, config: { topic, batchSize: 50 } });
    const b = startTestRelay({ databaseUrl: dbs.onlineUrl, kafka, config: { topic, batchSize: 50 } });
    cleanups.push(
      () => a.stop(),
      () => b.stop(),
    );
    await Promise.all([a.relay.start(), b.relay.start()]);

    const writers = await Promise.all(
      [0, 1, 2, 3].map((w) => writeEvents(dbs.online, { prefix: `two-${w}`, count: 1_500, streams: 10 })),
    );
    const expected = writers.flat();
    const seen = await collector(topic, groupId);
    await waitFor(
      () => analyseDelivery(expected, seen.messages).missing.length,
      (n) => n === 0,
      { what: 'every event from two relays', timeoutMs: 60_000 },
    );
    const report = analyseDelivery(expected, seen.messages);
    console.info(
      'two relays:',
      { ...report, missing: report.missing.length },
      {
        a: a.relay.publishedTotal(),
        b: b.relay.publishedTotal(),
      },
    );
    expect(report.missing).toEqual([]);
    // SKIP LOCKED hands each row to one relay: none published twice, none left behind.
    expect(a.relay.publishedTotal() + b.relay.publishedTotal()).toBe(expected.length);
    expect(report.duplicates).toBe(0);
    expect((await readOutboxBacklog(dbs.online)).backlog).toBe(0);
  });

  it('survives its database sessions being terminated (as in a server restart)', async () => {
    const { topic, groupId } = await createTestTopic(kafka, 'relay-pgdown', 3);
    const r = startTestRelay({
      databaseUrl: dbs.onlineUrl,
      kafka,
      config: { topic, batchSize: 20 },
      applicationName: 'relay-pgdown',
    });
    cleanups.push(() => r.stop());
    await r.relay.start();
    const writing = writeEvents(dbs.online, {
      prefix: 'pgdown',
      count: 3_000,
      streams: 7,
      perTransaction: 3,
    });
    await waitFor(
      () => r.relay.publishedTotal(),
      (n) => n > 0,
      { what: 'a first batch' },
    );
    // What a server restart does to the relay's sessions: every one of them terminated,
    // its pool's and its LISTEN connection.
    const terminate = () =>
      dbs.online.query<{ n: number; listen: number }>(
        `SELECT count(pg_terminate_backend(pid))::int AS n,
                count(*) FILTER (WHERE application_name = 'relay-pgdown-listen')::int AS listen
           FROM pg_stat_activity
          WHERE application_name IN ('relay-pgdown', 'relay-pgdown-listen') AND datname = current_database()`,
      );
    const { rows } = await terminate();
    expect(rows[0]!.n).toBeGreaterThan(1);
    expect(rows[0]!.listen).toBe(1);
    await waitFor(
      async () => (await r.relay.status()).state,
      (s) => s === 'db-unavailable' || r.relay.publishedTotal() >= 3_000,
      { what: 'the relay to notice', intervalMs: 5 },
    ).catch(() => undefined); // the relay may recover between two probes
    const expected = await writing;
    const seen = await collector(topic, groupId);
    await waitFor(
      () => analyseDelivery(expected, seen.messages).missing.length,
      (n) => n === 0,
      { what: 'every event after the connections were cut', timeoutMs: 60_000 },
    );
    const report = analyseDelivery(expected, seen.messages);
    expect(report.outOfOrderStreams).toEqual([]);
    await waitFor(
      () => readOutboxBacklog(dbs.online),
      (b) => b.backlog === 0,
      { what: 'an empty outbox' },
    );
    expect((await r.relay.status()).state).toBe('running');
  });

  it('reports backlog, oldest age, rate and errors on /status and /metrics', async () => {
    const { topic } = await createTestTopic(kafka, 'relay-status', 3);
    const writeStarted = Date.now();
    await writeEvents(dbs.online, { prefix: 'status', count: 30, streams: 3 });
    const written = Date.now();
    await new Promise((r) => setTimeout(r, 250));
    const readStarted = Date.now();
    const backlog = await readOutboxBacklog(dbs.online);
    const readDone = Date.now();
    expect(backlog.backlog).toBe(30);
    // The oldest row was stamped while writing: its age spans at least the pause before the
    // read and at most from the first write to the read's end (+2 ms for ms truncation).
    expect(backlog.oldestAgeMs).toBeGreaterThanOrEqual(readStarted - written - 2);
    expect(backlog.oldestAgeMs).toBeLessThanOrEqual(readDone - writeStarted + 2);

    const registry = createMetricsRegistry('relay-status', false);
    const r = startTestRelay({ databaseUrl: dbs.onlineUrl, kafka, config: { topic } });
    cleanups.push(() => r.stop());
    const server = createStatusServer({
      port: 0,
      host: '127.0.0.1',
      registry,
      readStatus: () => r.relay.status(),
      log: testLog,
    });
    cleanups.push(() => server.close());
    const port = await server.start();
    const before = (await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as Record<string, unknown>;
    expect(before).toMatchObject({ state: 'new', backlog: 30, topic });
    expect(before.oldestUnpublishedAgeMs).toBeGreaterThanOrEqual(backlog.oldestAgeMs!);

    await r.relay.start();
    await waitFor(
      () => readOutboxBacklog(dbs.online),
      (b) => b.backlog === 0,
      { what: 'an empty outbox' },
    );
    expect(await readOutboxBacklog(dbs.online)).toEqual({ backlog: 0, oldestAgeMs: null });
    const after = (await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as Record<string, unknown>;
    expect(after).toMatchObject({
      state: 'running',
      backlog: 0,
      oldestUnpublishedAgeMs: null,
      publishedTotal: 30,
      publishErrors: 0,
    });
    expect(after.eventsPerSec).toBeGreaterThan(0);
    expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
  });

  it('exposes its own metrics', async () => {
    const { topic } = await createTestTopic(kafka, 'relay-metrics', 3);
    await withTransaction(dbs.online, (tx) => appendToStream(tx, 'metrics:1', [sampleEvent(1)]));
    const registry = createMetricsRegistry('relay-metrics', false);
    const r = startTestRelay({ databaseUrl: dbs.onlineUrl, kafka, config: { topic }, metrics: registry });
    const relay = r.relay;
    cleanups.push(() => r.stop());
    await relay.start();
    await waitFor(
      () => relay.publishedTotal(),
      (n) => n === 1,
      { what: 'one event' },
    );
    const text = await registry.metrics();
    expect(text).toMatch(/forkline_relay_events_published_total\{process="relay-metrics"\} 1/);
    expect(text).toMatch(/forkline_relay_backlog_events\{process="relay-metrics"\} 0/);
    expect(text).toMatch(/forkline_relay_publish_errors_total\{process="relay-metrics"\} 0/);
    expect(text).toMatch(/forkline_relay_oldest_unpublished_age_seconds/);
  });
});
