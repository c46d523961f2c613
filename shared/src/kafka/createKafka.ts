import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import type { Logger } from '../logging/logger.js';

export const EVENTS_TOPIC = 'forkline.events';

// kafkajs warns on every producer about a partitioner change from v1 to v2; we use
// the default (murmur2, Java-compatible) knowingly.
process.env.KAFKAJS_NO_PARTITIONER_WARNING ??= '1';

/** A kafkajs client whose logs go through pino, at the caller's level. */
export function createKafka(options: {
  brokers: string[];
  clientId: string;
  log: Logger;
  retry?: KafkaConfig['retry'];
}): Kafka {
  const log = options.log.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: options.retry ?? { initialRetryTime: 200, maxRetryTime: 5_000, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...context } = entry;
        if (level === logLevel.ERROR) log.error(context, message);
        else if (level === logLevel.WARN) log.warn(context, message);
        else if (level === logLevel.INFO) log.info(context, message);
        else log.debug(context, message);
      },
  });
}

/** Creates the events topic when missing: the event store, so retention is infinite. */
export async function ensureTopic(kafka: Kafka, topic: string, numPartitions: number): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = await admin.listTopics();
    if (existing.includes(topic)) return false;
    return await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic,
          numPartitions,
          replicationFactor: 1,
          configEntries: [
            { name: 'retention.ms', value: '-1' },
            { name: 'retention.bytes', value: '-1' },
          ],
        },
      ],
    });
  } finally {
    await admin.disconnect();
  }
}
