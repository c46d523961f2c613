import { randomBytes } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { ensureTopic } from '../kafka/createKafka.js';
import { regtestTopicSettings } from '../kafka/topicSettings.js';

/** A topic (and a matching group id) no other test uses, created with `partitions` partitions. */
export async function createTestTopic(kafka: Kafka, label = 'test', partitions = 3) {
  const id = `${label.replace(/[^\w.-]/g, '_')}-${randomBytes(4).toString('hex')}`;
  const topic = `test.${id}`;
  await ensureTopic(kafka, topic, { ...regtestTopicSettings, partitions });
  return { topic, groupId: `group-${id}` };
}
