import type { Kafka } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.js';
import { readStackEnv } from '../testing/stackEnv.js';
import { createTestTopic } from '../testing/testTopic.js';
import { waitFor } from '../testing/waitFor.js';
import { createKafka } from './createKafka.js';

describe('Kafka (smoke)', () => {
  const stack = readStackEnv();
  const kafka: Kafka = createKafka({
    brokers: stack.KAFKA_BROKERS.split(','),
    clientId: 'smoke',
    log: createLogger('smoke', 'warn'),
  });
  const closers: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });

  it('produces, consumes in a group, commits, and resumes from the committed offset', async () => {
    const { topic, groupId } = await createTestTopic(kafka, 'smoke', 3);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    closers.push(() => producer.disconnect());
    const send = (keys: string[]) =>
      producer.send({ topic, acks: -1, messages: keys.map((k) => ({ key: k, value: `value-${k}` })) });
    await send(['a', 'b', 'c']);

    const seen: string[] = [];
    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        seen.push(message.value!.toString());
        await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
      },
    });
    await waitFor(
      () => seen.length,
      (n) => n >= 3,
      { what: 'three messages' },
    );
    await consumer.disconnect();
    expect(seen.sort()).toEqual(['value-a', 'value-b', 'value-c']);

    const admin = kafka.admin();
    await admin.connect();
    closers.push(() => admin.disconnect());
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const total = committed[0]!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    expect(total).toBe(3);

    // The same group resumes after its commit: only the new message arrives.
    await send(['d']);
    const resumed: string[] = [];
    const again = kafka.consumer({ groupId });
    await again.connect();
    closers.push(() => again.disconnect());
    await again.subscribe({ topic, fromBeginning: true });
    await again.run({
      eachMessage: ({ message }) => {
        resumed.push(message.value!.toString());
        return Promise.resolve();
      },
    });
    await waitFor(
      () => resumed.length,
      (n) => n >= 1,
      { what: 'the new message' },
    );
    expect(resumed).toEqual(['value-d']);
  });
});
