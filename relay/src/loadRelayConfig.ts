import { z } from 'zod';
import { bool, kafkaBrokers, logLevel, port, positiveInt, postgresUrl } from '#shared/config/fields.js';
import { loadConfig } from '#shared/config/loadConfig.js';
import { EVENTS_TOPIC } from '#shared/kafka/createKafka.js';
import { defaultRelayConfig, type RelayConfig } from './relayConfig.js';

const shape = {
  ONLINE_DATABASE_URL: postgresUrl(),
  KAFKA_BROKERS: kafkaBrokers(),
  RELAY_TOPIC: z
    .string()
    .regex(/^[\w.-]{1,249}$/, 'must be a Kafka topic name (letters, digits, . _ -)')
    .default(EVENTS_TOPIC),
  RELAY_TOPIC_PARTITIONS: positiveInt(defaultRelayConfig.topicPartitions),
  RELAY_BATCH_SIZE: positiveInt(defaultRelayConfig.batchSize).refine(
    (n) => n <= 10_000,
    'must be at most 10000',
  ),
  RELAY_POLL_INTERVAL_MS: positiveInt(defaultRelayConfig.pollIntervalMs),
  RELAY_PUBLISH_TIMEOUT_MS: positiveInt(defaultRelayConfig.publishTimeoutMs),
  RELAY_LISTEN: bool(defaultRelayConfig.listen),
  RELAY_METRICS_PORT: port(38082),
  RELAY_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: logLevel(),
};

export interface RelayProcessConfig {
  onlineDatabaseUrl: string;
  kafkaBrokers: string[];
  metricsPort: number;
  metricsHost: string;
  logLevel: string;
  relay: RelayConfig;
}

/** Reads the relay process's environment once; a bad value throws a one-line ConfigError. */
export function loadRelayConfig(env: NodeJS.ProcessEnv = process.env): Readonly<RelayProcessConfig> {
  const c = loadConfig(shape, env);
  return Object.freeze({
    onlineDatabaseUrl: c.ONLINE_DATABASE_URL,
    kafkaBrokers: c.KAFKA_BROKERS,
    metricsPort: c.RELAY_METRICS_PORT,
    metricsHost: c.RELAY_METRICS_HOST,
    logLevel: c.LOG_LEVEL,
    relay: Object.freeze({
      topic: c.RELAY_TOPIC,
      topicPartitions: c.RELAY_TOPIC_PARTITIONS,
      batchSize: c.RELAY_BATCH_SIZE,
      pollIntervalMs: c.RELAY_POLL_INTERVAL_MS,
      publishTimeoutMs: c.RELAY_PUBLISH_TIMEOUT_MS,
      listen: c.RELAY_LISTEN,
    }),
  });
}
