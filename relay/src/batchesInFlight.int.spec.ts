import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabases, type TestDatabases } from '#shared/testing/testDatabases.js';
import { createTestTopic } from '#shared/testing/testTopic.js';
import { waitFor } from '#shared/testing/waitFor.js';
import { readOutboxBacklog } from '#shared/outbox/readOutboxBacklog.js';
import { createPublisher, type Publisher } from './publish/createPublisher.js';
import { analyseDelivery } from './testing/analyseDelivery.js';
import { collectTopic } from './testing/collectTopic.js';
import { startTestRelay, testKafka, testLog } from './testing/relayHarness.js';
import { writeEvents } from './testing/writeEvents.js';

/**
 * The real publisher, except that the first batch's ack is lost: Kafka has written it,
 * but the relay hears a failure, and only once the second batch was handed over behind it.
 */
function losingFirstAck(real: Publisher) {
  let calls = 0;
  let secondHandedOver!: () => void;
  const second = new Promise<void>((resolve) => (secondHandedOver = resolve));
  const seen = { secondWhileFirstPending: false };
  let firstPending = false;
  const publisher: Publisher = {
    connect: () => real.connect(),
    ready: () => real.ready(),
    disconnect: () => real.disconnect(),
    async publish(messages, timeoutMs) {
      const call = ++calls;
      if (call === 2) {
        seen.secondWhileFirstPending = firstPending;
        secondHandedOver();
      }
      if (call !== 1) return real.publish(messages, timeoutMs);
      firstPending = true;
      const outcome = await real.publish(messages, timeoutMs);
      expect(outcome.kind).toBe('acked');
      await second;
      firstPending = false;
      throw new Error('connection reset before the ack was read');
    },
  };
  return { publisher, seen };
}

describe('relay with two batches in flight (real PostgreSQL and Kafka)', () => {
  let dbs: TestDatabases;
  let kafka: Kafka;

  beforeAll(async () => {
    dbs = await createTestDatabases('relay-inflight');
    kafka = testKafka();
  });
  afterAll(() => dbs.drop());

  it('a failure of the first batch while the second is in flight gives duplicates, never a gap', async () => {
    const { topic, groupId } = await createTestTopic(kafka, 'relay-inflight', 3);
    const expected = await writeEvents(dbs.online, { prefix: 'inflight', count: 3_000, streams: 12 });
    const { publisher, seen } = losingFirstAck(createPublisher(kafka, topic, testLog));
    const collected = await collectTopic(kafka, topic, groupId);
    const r = startTestRelay({
      databaseUrl: dbs.onlineUrl,
      kafka,
      config: { topic, batchSize: 500, maxInFlightBatches: 2 },
      publisher,
    });
    try {
      await r.relay.start();
      await waitFor(
        () => analyseDelivery(expected, collected.messages).missing.length,
        (n) => n === 0,
        { what: 'every event in Kafka', timeoutMs: 60_000 },
      );
      await waitFor(
        () => readOutboxBacklog(dbs.online),
        (b) => b.backlog === 0,
        { what: 'the outbox to empty' },
      );
      expect(seen.secondWhileFirstPending).toBe(true);
      const report = analyseDelivery(expected, collected.messages);
      // The first batch went out twice (rolled back, published again after the second
      // one committed): 500 duplicates, arriving behind later versions of their streams,
      // which the projector's versions absorb; nothing missing, and every event's first
      // delivery still in its stream's order.
      expect(report.missing).toEqual([]);
      expect(report.distinct).toBe(3_000);
      expect(report.duplicates).toBe(500);
      expect(report.outOfOrderStreams).toEqual([]);
      expect(r.relay.publishedTotal()).toBe(3_000);
    } finally {
      await collected.close();
      await r.stop();
    }
  });
});
