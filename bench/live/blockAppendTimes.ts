import kafkajs, { type Kafka } from 'kafkajs';
import { EVENT_HEADERS } from '../../relay/src/publish/toKafkaMessage.js';

// kafkajs is CommonJS: its enums come from the default export.
const { ConfigResourceTypes } = kafkajs;

/**
 * The relay's stage clock without a consumer running beside the measurement: the topic
 * stamps each record with the broker's append time (LogAppendTime), and once the block's
 * changes have all arrived, its TxConfirmed events are read back for their stamps.
 */
export async function stampAppendTimes(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    // AlterConfigs replaces a topic's whole configuration: the settings the topic has
    // (retention, min.insync.replicas, …) go back in with the one added.
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
    });
    const kept = (resources[0]?.configEntries ?? [])
      .filter((e) => !e.isDefault && !e.readOnly && e.configName !== 'message.timestamp.type')
      .map((e) => ({ name: e.configName, value: e.configValue }));
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: topic,
          configEntries: [...kept, { name: 'message.timestamp.type', value: 'LogAppendTime' }],
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}

/** When the first and the last of a block's `count` TxConfirmed events were appended (ms). */
export async function blockAppendTimes(
  kafka: Kafka,
  topic: string,
  blockHash: string,
  count: number,
): Promise<{ first: number; last: number }> {
  const consumer = kafka.consumer({ groupId: `bench-live-clock-${Date.now()}`, maxWaitTimeInMs: 100 });
  let first = Infinity;
  let last = 0;
  // By event id: a duplicate (delivery is at least once) must not end the count early.
  const seen = new Set<string>();
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`saw ${seen.size} of the block's ${count} TxConfirmed events`)),
        60_000,
      );
      void consumer.run({
        eachMessage: ({ message }) => {
          if (message.headers?.[EVENT_HEADERS.type]?.toString() !== 'TxConfirmed') return Promise.resolve();
          const { id, payload } = JSON.parse(message.value!.toString()) as {
            id: string;
            payload: { blockHash: string };
          };
          if (payload.blockHash !== blockHash) return Promise.resolve();
          const at = Number(message.timestamp);
          first = Math.min(first, at);
          last = Math.max(last, at);
          seen.add(id);
          if (seen.size === count) {
            clearTimeout(timer);
            resolve();
          }
          return Promise.resolve();
        },
      });
    });
    return { first, last };
  } finally {
    await consumer.disconnect();
  }
}
