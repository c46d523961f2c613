import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { ensureTopic } from '../kafka/createKafka.js';
import { regtestTopicSettings } from '../kafka/topicSettings.js';

/**
 * A topic (and a matching group id) no other test uses, created with `partitions` partitions
 * and `replicationFactor` replicas (min.insync.replicas 2 from three replicas on).
 */
export async function createTestTopic(kafka: Kafka, label = 'test', partitions = 3, replicationFactor = 1) {
  const id = `${label.replace(/[^\w.-]/g, '_')}-${randomBytes(4).toString('hex')}`;
  const topic = `test.${id}`;
  await ensureTopic(kafka, topic, {
    ...regtestTopicSettings,
    partitions,
    replicationFactor,
    minInsyncReplicas: replicationFactor >= 3 ? 2 : 1,
  });
  return { topic, groupId: `group-${id}` };
}
