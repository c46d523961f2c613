import type { Kafka } from 'kafkajs';
import { consumerConfig } from '../../projector/src/kafka/consumerConfig.js';

/**
 * The projector's ceiling: a kafkajs consumer in a group, tuned as the projector's, that
 * reads the topic and does nothing but commit each batch's offset. Measured the way the
 * projector is: from the first commit to the one that reaches every partition's end,
 * counting the messages after the first commit.
 */
export async function ceilingRate(
  kafka: Kafka,
  { topic, groupId, ends }: { topic: string; groupId: string; ends: ReadonlyMap<number, number> },
): Promise<number> {
  const consumer = kafka.consumer(consumerConfig({ groupId, maxWaitTimeInMs: 100 }));
  const committed = new Map<number, number>();
  let first: { at: number; count: number } | undefined;
  let finished: (at: number) => void = () => undefined;
  const done = new Promise<number>((resolve) => (finished = resolve));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: ends.size,
    eachBatch: async (payload) => {
      const { batch } = payload;
      const next = Number(batch.lastOffset()) + 1;
      payload.resolveOffset(batch.lastOffset());
      await consumer.commitOffsets([{ topic, partition: batch.partition, offset: String(next) }]);
      first ??= { at: performance.now(), count: sum(committed) + batch.messages.length };
      committed.set(batch.partition, next);
      if ([...ends].every(([p, end]) => (committed.get(p) ?? 0) >= end)) finished(performance.now());
    },
  });
  const end = await done;
  await consumer.disconnect();
  const total = [...ends.values()].reduce((a, b) => a + b, 0);
  return Math.round((total - first!.count) / ((end - first!.at) / 1_000));
}

const sum = (m: ReadonlyMap<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);
