import { Partitioners, type PartitionMetadata } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createLogger } from '#shared/logging/logger.js';
import { leaderMoveCluster } from '../testing/leaderMoveCluster.js';
import { createPublisher } from './createPublisher.js';

const TOPIC = 'events';
const log = createLogger('publisher-test', 'silent');
/** 24 events, four per stream, over streams that hash to every one of the six partitions. */
const messages = Array.from({ length: 24 }, (_, i) => ({
  key: `user:${i % 6}`,
  value: `e${i}`,
  headers: {},
}));
const partitionOf = (() => {
  const partitioner = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: 6 }, (_, partitionId) => ({ partitionId, leader: 1 }));
  return (key: string) =>
    partitioner({
      topic: TOPIC,
      partitionMetadata: partitionMetadata as PartitionMetadata[],
      message: { key, value: null },
    });
})();
const expectedLog = (partition: number) =>
  messages.filter((m) => partitionOf(m.key) === partition).map((m) => m.value);

/**
 * A broker dies with a send's request in flight, and its partitions move to a broker that
 * acked its own part of that send (three brokers, as the cluster fault spec runs them).
 */
describe('a partition leader dying in the middle of a send', () => {
  it('kafkajs resolves a send spanning brokers without the partitions that moved to one that acked', async () => {
    const cluster = leaderMoveCluster(TOPIC);
    expect(new Set(messages.map((m) => partitionOf(m.key))).size).toBe(6);
    cluster.dies(1, 2);
    const answer = await cluster.send({ acks: -1, topicMessages: [{ topic: TOPIC, messages }] });
    // Broker 1 led partitions 0 and 3; they now belong to broker 2, whose answer kafkajs
    // kept from the first attempt: its retry sends them to nobody.
    expect(cluster.leaderOf(0)).toBe(2);
    expect(answer.map((r) => r.partition).sort()).toEqual([1, 2, 4, 5]);
    expect(cluster.written(0)).toEqual([]);
    expect(cluster.written(3)).toEqual([]);
  });

  it('the publisher acks only what Kafka wrote: every event lands once, in order', async () => {
    const cluster = leaderMoveCluster(TOPIC);
    const publisher = createPublisher(cluster.kafka, TOPIC, log);
    await publisher.connect();
    cluster.dies(1, 2);
    await expect(publisher.publish(messages, 5_000)).resolves.toEqual({ kind: 'acked' });
    for (let p = 0; p < 6; p++) expect(cluster.written(p)).toEqual(expectedLog(p));
  });
});
