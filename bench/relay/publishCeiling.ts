import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Logger } from '#shared/logging/logger.js';
import { createTestTopic } from '#shared/testing/testTopic.js';
import { createPublisher } from '../../relay/src/publish/createPublisher.js';
import { toKafkaMessage, type EventMessage } from '../../relay/src/publish/toKafkaMessage.js';
import { sampleEvent } from '../../relay/src/testing/writeEvents.js';

/**
 * The messages the bench's backlog becomes (same payloads, keys and headers), built in
 * memory: writeEvents' shape, `perTransaction` events per stream in turn over `streams`.
 */
export function benchMessages(
  count: number,
  eventBytes: number,
  streams = 25,
  perTransaction = 100,
): EventMessage[] {
  return Array.from({ length: count }, (_, i) => {
    const event = sampleEvent(i, eventBytes);
    const stream = `ceiling:${Math.floor(i / perTransaction) % streams}`;
    return toKafkaMessage({
      id: i + 1,
      eventId: randomUUID(),
      stream,
      partitionKey: stream,
      version: i + 1,
      type: event.type,
      payloadJson: JSON.stringify(event.payload),
      occurredAt: new Date(),
    });
  });
}

/**
 * What the relay's own producer can do without a database: the same publisher (settings,
 * request chunking, one send after another) handed `batchSize` messages at a time with
 * `inFlight` hand-overs outstanding, as the relay does. Events/s from the first hand-over
 * to the last ack.
 */
export async function publishCeiling(
  kafka: Kafka,
  log: Logger,
  messages: readonly EventMessage[],
  batchSize: number,
  inFlight: number,
): Promise<number> {
  const { topic } = await createTestTopic(kafka, 'bench-relay-ceiling', 6);
  const publisher = createPublisher(kafka, topic, log);
  await publisher.connect();
  try {
    await publisher.publish(messages.slice(0, 1), 30_000); // metadata and producer id
    const started = performance.now();
    let next = 0;
    const lane = async () => {
      while (next < messages.length) {
        const batch = messages.slice(next, (next += batchSize));
        const outcome = await publisher.publish(batch, 60_000);
        if (outcome.kind !== 'acked') throw new Error('Kafka did not ack the ceiling batch in 60 s');
      }
    };
    await Promise.all(Array.from({ length: inFlight }, lane));
    return messages.length / ((performance.now() - started) / 1000);
  } finally {
    await publisher.disconnect();
  }
}
