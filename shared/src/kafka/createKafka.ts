import kafkajs, { Kafka, logLevel, type Admin, type KafkaConfig, type LogEntry } from 'kafkajs';
import type { Logger } from '../logging/logger.js';
import { retry } from '../retry/retry.js';
import { topicWeaknesses, type TopicSettings, type TopicState } from './topicSettings.js';

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

/** The largest event the topic accepts (16 MiB; Kafka's default is 1 MiB). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/** The topic is weaker than configured and this is not regtest: the process must not start. */
export class TopicTooWeakError extends Error {
  override readonly name = 'TopicTooWeakError';
}

/**
 * Creates the events topic when missing, with the configured partitions, replication factor
 * and min.insync.replicas, infinite retention and no unclean leader election (Kafka is the
 * event store: the outbox deletes a row once the broker acknowledged it). Every process
 * that may find the topic missing creates it here, the same way. Returns whether it
 * created it and how the existing topic falls short of the settings.
 */
export async function ensureTopic(
  kafka: Kafka,
  topic: string,
  settings: TopicSettings,
): Promise<{ created: boolean; weaknesses: string[] }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let created = false;
    if (!(await admin.listTopics()).includes(topic)) {
      created = await admin.createTopics({
        // Waited for below instead: kafkajs's own wait fails when it asks a broker that has
        // not heard of the new topic yet (UNKNOWN_TOPIC_OR_PARTITION, on a cluster).
        waitForLeaders: false,
        topics: [
          {
            topic,
            numPartitions: settings.partitions,
            replicationFactor: settings.replicationFactor,
            configEntries: [
              { name: 'retention.ms', value: '-1' },
              { name: 'retention.bytes', value: '-1' },
              { name: 'min.insync.replicas', value: String(settings.minInsyncReplicas) },
              { name: 'unclean.leader.election.enable', value: 'false' },
              // A BlockConnected names every user stream its block wrote: a block paying
              // ~35,000 users (a full mainnet block of tiny outputs comes close) would pass
              // the 1 MiB default, and a message Kafka refuses would stop the relay.
              { name: 'max.message.bytes', value: String(MAX_MESSAGE_BYTES) },
            ],
          },
        ],
      });
    }
    const state = await retry(() => describeTopic(admin, topic), {
      initialRetryMs: 100,
      maxRetryMs: 1_000,
      maxAttempts: 30,
      isRetriable: (err) => (err as { retriable?: boolean }).retriable === true,
    });
    return { created, weaknesses: topicWeaknesses(topic, state, settings) };
  } finally {
    await admin.disconnect();
  }
}

const CHECKED_CONFIGS = [
  'min.insync.replicas',
  'retention.ms',
  'retention.bytes',
  'unclean.leader.election.enable',
];
// From the default export: Node's ESM loader does not see this one among kafkajs's named exports.
const { ConfigResourceTypes } = kafkajs;

async function describeTopic(admin: Admin, topic: string): Promise<TopicState> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
  const partitions = topics[0]?.partitions ?? [];
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: CHECKED_CONFIGS }],
  });
  const config = Object.fromEntries(
    (resources[0]?.configEntries ?? []).map((e) => [e.configName, e.configValue] as const),
  );
  if (partitions.length === 0 || partitions.some((p) => p.leader < 0)) {
    throw Object.assign(new Error(`${topic} has no leader for every partition yet`), { retriable: true });
  }
  return {
    partitions: partitions.length,
    replicationFactor: Math.min(...partitions.map((p) => p.replicas.length)),
    config,
  };
}

/**
 * ensureTopic for a process about to use the events topic: logs what it created, and each
 * way the topic is weaker than configured, loudly; outside regtest a weaker topic refuses
 * the start (TopicTooWeakError), since it could lose events for good.
 */
export async function ensureEventsTopic(
  kafka: Kafka,
  topic: string,
  settings: TopicSettings,
  log: Logger,
): Promise<void> {
  const { created, weaknesses } = await ensureTopic(kafka, topic, settings);
  if (created) log.info({ topic, ...settings }, 'topic created');
  if (weaknesses.length === 0) return;
  log.error({ topic, weaknesses }, `the events topic is weaker than configured: ${weaknesses.join('; ')}`);
  if (settings.strict) {
    throw new TopicTooWeakError(
      `refusing to start: ${weaknesses.join('; ')} (fix the topic, or the KAFKA_* settings if they are wrong)`,
    );
  }
}
