import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.js';
import { readStackEnv } from '../testing/stackEnv.js';
import { createKafka, ensureEventsTopic, ensureTopic, TopicTooWeakError } from './createKafka.js';
import { regtestTopicSettings } from './topicSettings.js';

const log = createLogger('topic-test', 'silent');
const kafka = createKafka({ brokers: readStackEnv().KAFKA_BROKERS.split(','), clientId: 'topic-test', log });
const name = () => `test.topic-${randomBytes(4).toString('hex')}`;

describe('the events topic: created as configured, checked when found (real Kafka)', () => {
  const admin = kafka.admin();
  afterAll(() => admin.disconnect());

  it('creates a missing topic with the settings, infinite retention and no unclean election', async () => {
    const topic = name();
    const settings = { ...regtestTopicSettings, partitions: 4 };
    expect(await ensureTopic(kafka, topic, settings)).toEqual({ created: true, weaknesses: [] });
    expect(await ensureTopic(kafka, topic, settings)).toEqual({ created: false, weaknesses: [] });
    await admin.connect();
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(topics[0]!.partitions).toHaveLength(4);
    // An event beyond Kafka's default 1 MiB (a block paying tens of thousands of users).
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      await producer.send({
        topic,
        acks: -1,
        messages: [{ key: 'chain', value: 'x'.repeat(2 * 1024 * 1024) }],
      });
    } finally {
      await producer.disconnect();
    }
  });

  it('reports a found topic weaker than configured; outside regtest it refuses', async () => {
    const topic = name();
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic, numPartitions: 2, configEntries: [{ name: 'retention.ms', value: '86400000' }] }],
    });
    const wanted = { partitions: 6, replicationFactor: 3, minInsyncReplicas: 2, strict: false };
    const { created, weaknesses } = await ensureTopic(kafka, topic, wanted);
    expect(created).toBe(false);
    expect(weaknesses).toEqual([
      `${topic} has 2 partitions, 6 configured`,
      `${topic} has replication factor 1, 3 configured`,
      `${topic} has min.insync.replicas 1, 2 configured`,
      `${topic} has retention.ms=86400000: events would be deleted (must be -1)`,
    ]);

    const logged: string[] = [];
    const capture = createLogger('topic-test', 'error', {
      destination: { write: (line: string) => void logged.push(line) },
    });
    await ensureEventsTopic(kafka, topic, wanted, capture); // regtest: said loudly, then goes on
    expect(logged.join('')).toContain('the events topic is weaker than configured');
    await expect(ensureEventsTopic(kafka, topic, { ...wanted, strict: true }, log)).rejects.toThrow(
      TopicTooWeakError,
    );
  });
});
