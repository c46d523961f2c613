import { readFileSync } from 'node:fs';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabases, type TestDatabases } from '#shared/testing/testDatabases.js';
import { createTestTopic } from '#shared/testing/testTopic.js';
import { repoRoot } from '#shared/testing/stackEnv.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { readOutboxBacklog } from '#shared/outbox/readOutboxBacklog.js';
import { analyseDelivery } from './testing/analyseDelivery.js';
import { collectTopic } from './testing/collectTopic.js';
import { kafkaScript, startTestRelay, testKafka } from './testing/relayHarness.js';
import { writeEvents } from './testing/writeEvents.js';

const kafkaPidFile = `${process.env.FORKLINE_RUN_DIR ?? `${repoRoot}.run`}/kafka/kafka.pid`;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

describe('relay while the Kafka broker dies and comes back (real PostgreSQL and Kafka)', () => {
  let dbs: TestDatabases;
  let kafka: Kafka;

  beforeAll(async () => {
    dbs = await createTestDatabases('relay-broker');
    kafka = testKafka();
  });
  afterAll(async () => {
    await kafkaScript('start'); // whatever happened, leave the broker running
    await dbs.drop();
  });

  it('delivers every event, per stream in version order, across a broker kill -9', async () => {
    const { topic, groupId } = await createTestTopic(kafka, 'relay-broker', 6);
    const r = startTestRelay({
      databaseUrl: dbs.onlineUrl,
      kafka,
      config: { topic, batchSize: 100, publishTimeoutMs: 1_000 },
      applicationName: 'relay-broker',
    });
    const expected: string[] = [];
    let writing = true;
    const writers = [0, 1].map(async (w) => {
      for (let round = 0; writing && round < 400; round++) {
        expected.push(
          ...(await writeEvents(dbs.online, {
            prefix: `broker-${w}`,
            count: 20,
            streams: 8,
            perTransaction: 4,
          })),
        );
      }
    });
    try {
      await r.relay.start();
      await waitFor(
        () => r.relay.publishedTotal(),
        (n) => n >= 200,
        { what: 'events flowing' },
      );

      const pid = Number(readFileSync(kafkaPidFile, 'utf8').trim());
      process.kill(pid, 'SIGKILL');
      await waitFor(() => !processAlive(pid), Boolean, { what: 'the broker to die' });
      const publishedAtKill = r.relay.publishedTotal();

      // Kafka gone, writers still committing: the relay stalls without holding a
      // transaction (no row locks, no connection kept busy), and the backlog grows.
      await waitFor(
        async () => ({ status: await r.relay.status(), open: await openRelayTransactions(dbs) }),
        ({ status, open }) => status.state === 'kafka-unavailable' && open === 0 && (status.backlog ?? 0) > 0,
        { what: 'a stalled relay holding no transaction', timeoutMs: 30_000, intervalMs: 100 },
      );
      const stalled = await r.relay.status();
      expect(stalled.publishErrors).toBeGreaterThan(0);

      await kafkaScript('start');
      writing = false;
      await Promise.all(writers);
      expect(r.relay.publishedTotal()).toBeGreaterThanOrEqual(publishedAtKill);

      await waitFor(
        () => readOutboxBacklog(dbs.online),
        (b) => b.backlog === 0,
        {
          what: 'the backlog to drain after the restart',
          timeoutMs: 90_000,
        },
      );
      const seen = await collectTopic(kafka, topic, groupId);
      try {
        await waitFor(
          () => analyseDelivery(expected, seen.messages).missing.length,
          (n) => n === 0,
          { what: 'every event in Kafka', timeoutMs: 90_000 },
        );
        const report = analyseDelivery(expected, seen.messages);
        console.info('broker killed and restarted:', { ...report, missing: report.missing.length });
        expect(report.missing).toEqual([]);
        expect(report.outOfOrderStreams).toEqual([]);
        expect(seen.rejected).toEqual([]);
        expect((await r.relay.status()).state).toBe('running');
      } finally {
        await seen.close();
      }
    } finally {
      writing = false;
      await Promise.allSettled(writers);
      await kafkaScript('start');
      await r.stop();
    }
  }, 300_000);
});

/** Transactions of the relay's own connections that are open right now. */
async function openRelayTransactions(dbs: TestDatabases): Promise<number> {
  const { rows } = await dbs.online.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE application_name = 'relay-broker' AND xact_start IS NOT NULL AND state <> 'idle'`,
  );
  return rows[0]?.n ?? 0;
}
