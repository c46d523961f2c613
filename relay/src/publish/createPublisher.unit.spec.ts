import type { Kafka, Producer, ProducerRecord, RecordMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createLogger } from '#shared/logging/logger.js';
import { createPublisher } from './createPublisher.js';

/**
 * A Kafka whose producers' sends wait until the test settles them, one by one; its topic
 * has one partition (so each batch is one send) unless told otherwise. A settled send is
 * answered as Kafka does, acknowledging its partition, or with `answer` when given.
 */
function fakeKafka(partitions = 1) {
  const sends: {
    messages: number;
    partitions: number[];
    settle: (err?: Error, answer?: RecordMetadata[]) => void;
  }[] = [];
  let producers = 0;
  const kafka = {
    producer: () => {
      producers++;
      return {
        connect: () => Promise.resolve(),
        disconnect: () => Promise.resolve(),
        send: ({ topic, messages }: ProducerRecord) =>
          new Promise((resolve, reject) => {
            const ofSend = [...new Set(messages.map((m) => m.partition!))];
            const acked = ofSend.map((partition) => ({ topicName: topic, partition, errorCode: 0 }));
            sends.push({
              messages: messages.length,
              partitions: ofSend,
              settle: (err, answer) => (err ? reject(err) : resolve(answer ?? acked)),
            });
          }),
      } as unknown as Producer;
    },
    admin: () => ({
      connect: () => Promise.resolve(),
      disconnect: () => Promise.resolve(),
      fetchTopicMetadata: () =>
        Promise.resolve({
          topics: [
            {
              name: 'events',
              partitions: Array.from({ length: partitions }, (_, partitionId) => ({
                partitionId,
                leader: 1,
                partitionErrorCode: 0,
                replicas: [1],
                isr: [1],
              })),
            },
          ],
        }),
    }),
  } as unknown as Kafka;
  return { kafka, sends, producers: () => producers };
}

const message = (n: number) => ({ key: `s:${n}`, value: `{"n":${n}}`, headers: {} });
const tick = () => new Promise((resolve) => setImmediate(resolve));
const log = createLogger('publisher-test', 'silent');

describe('createPublisher with several batches handed over', () => {
  it('sends them one after another, in hand-over order', async () => {
    const { kafka, sends } = fakeKafka();
    const publisher = createPublisher(kafka, 'events', log);
    await publisher.connect();
    const first = publisher.publish([message(1), message(2)], 5_000);
    const second = publisher.publish([message(3)], 5_000);
    await tick();
    expect(sends.map((s) => s.messages)).toEqual([2]); // the second waits for the first's ack
    sends[0]!.settle();
    await expect(first).resolves.toEqual({ kind: 'acked' });
    await tick();
    expect(sends.map((s) => s.messages)).toEqual([2, 1]);
    sends[1]!.settle();
    await expect(second).resolves.toEqual({ kind: 'acked' });
  });

  it('never sends a batch handed over behind a failed one, until the producer is replaced', async () => {
    const { kafka, sends, producers } = fakeKafka();
    const publisher = createPublisher(kafka, 'events', log);
    await publisher.connect();
    const first = publisher.publish([message(1)], 5_000);
    const second = publisher.publish([message(2)], 5_000);
    await tick();
    sends[0]!.settle(new Error('broker gone'));
    await expect(first).rejects.toThrow('broker gone');
    await expect(second).rejects.toThrow('not sent: an earlier send failed');
    expect(sends).toHaveLength(1);
    await expect(publisher.publish([message(3)], 5_000)).rejects.toThrow('call ready() first');

    await publisher.ready();
    expect(producers()).toBe(2);
    const third = publisher.publish([message(3)], 5_000);
    await tick();
    sends[1]!.settle();
    await expect(third).resolves.toEqual({ kind: 'acked' });
  });

  it('a timed-out send keeps going, and the one behind it follows once it is acked', async () => {
    const { kafka, sends } = fakeKafka();
    const publisher = createPublisher(kafka, 'events', log);
    await publisher.connect();
    const first = await publisher.publish([message(1)], 10);
    expect(first.kind).toBe('timed-out');
    const second = publisher.publish([message(2)], 5_000);
    await tick();
    expect(sends).toHaveLength(1);
    sends[0]!.settle();
    if (first.kind === 'timed-out') await expect(first.settled).resolves.toBe(true);
    await tick();
    expect(sends).toHaveLength(2);
    sends[1]!.settle();
    await expect(second).resolves.toEqual({ kind: 'acked' });
  });

  it('sends each partition of a batch on its own, and all of them before the next batch', async () => {
    const { kafka, sends } = fakeKafka(6);
    const publisher = createPublisher(kafka, 'events', log);
    await publisher.connect();
    const batch = Array.from({ length: 12 }, (_, n) => message(n));
    const first = publisher.publish(batch, 5_000);
    const second = publisher.publish([message(12)], 5_000);
    await tick();
    expect(sends.every((s) => s.partitions.length === 1)).toBe(true);
    expect(sends.length).toBeGreaterThan(1);
    expect(sends.reduce((n, s) => n + s.messages, 0)).toBe(12);
    const firstBatchSends = sends.length;
    for (const s of sends) s.settle();
    await expect(first).resolves.toEqual({ kind: 'acked' });
    await tick();
    expect(sends).toHaveLength(firstBatchSends + 1);
    sends.at(-1)!.settle();
    await expect(second).resolves.toEqual({ kind: 'acked' });
  });

  it('a send whose answer does not acknowledge its partition fails, and the producer is replaced', async () => {
    const { kafka, sends, producers } = fakeKafka();
    const publisher = createPublisher(kafka, 'events', log);
    await publisher.connect();
    const first = publisher.publish([message(1)], 5_000);
    await tick();
    sends[0]!.settle(undefined, []);
    await expect(first).rejects.toThrow('does not acknowledge partition 0');
    await publisher.ready();
    expect(producers()).toBe(2);
  });
});
