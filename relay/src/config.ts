import { z } from 'zod';
import { bool, kafkaBrokers, logLevel, port, positiveInt, postgresUrl } from '#shared/config/fields.js';
import { loadConfig } from '#shared/config/loadConfig.js';
import { EVENTS_TOPIC } from '#shared/kafka/createKafka.js';
import {
  regtestTopicSettings,
  topicSettingsFrom,
  topicSettingsShape,
  type TopicSettings,
} from '#shared/kafka/topicSettings.js';

/** What createRelay needs to know, parsed and defaulted by main.ts (or a test). */
export interface RelayConfig {
  /** The event store topic; created at start when missing. */
  topic: string;
  /** What the topic must be: created so when missing, checked when found. */
  topicSettings: TopicSettings;
  /** Outbox rows locked, published and deleted per transaction. */
  batchSize: number;
  /**
   * Batches handed to Kafka at once, each in its own transaction: the next one is taken
   * while the one before waits for its ack (Kafka still gets them one after another).
   */
  maxInFlightBatches: number;
  /** The safety-net poll when no NOTIFY arrives. */
  pollIntervalMs: number;
  /**
   * How long a batch's transaction (its row locks and its connection) may wait for
   * Kafka's ack before it is rolled back; the send itself goes on in the background.
   */
  publishTimeoutMs: number;
  /** Wake on the writers' NOTIFY (off only to measure poll-only as a baseline). */
  listen: boolean;
}

export const defaultRelayConfig: RelayConfig = Object.freeze({
  topic: EVENTS_TOPIC,
  topicSettings: regtestTopicSettings,
  batchSize: 2000,
  maxInFlightBatches: 2,
  pollIntervalMs: 1_000,
  publishTimeoutMs: 10_000,
  listen: true,
});

const shape = {
  ONLINE_DATABASE_URL: postgresUrl(),
  KAFKA_BROKERS: kafkaBrokers(),
  RELAY_TOPIC: z
    .string()
    .regex(/^[\w.-]{1,249}$/, 'must be a Kafka topic name (letters, digits, . _ -)')
    .default(EVENTS_TOPIC),
  RELAY_BATCH_SIZE: positiveInt(defaultRelayConfig.batchSize).refine(
    (n) => n <= 10_000,
    'must be at most 10000',
  ),
  RELAY_MAX_IN_FLIGHT_BATCHES: positiveInt(defaultRelayConfig.maxInFlightBatches).refine(
    (n) => n <= 8,
    'must be at most 8',
  ),
  RELAY_POLL_INTERVAL_MS: positiveInt(defaultRelayConfig.pollIntervalMs),
  RELAY_PUBLISH_TIMEOUT_MS: positiveInt(defaultRelayConfig.publishTimeoutMs),
  RELAY_LISTEN: bool(defaultRelayConfig.listen),
  RELAY_METRICS_PORT: port(28082),
  RELAY_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  ...topicSettingsShape,
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
      topicSettings: Object.freeze(topicSettingsFrom(c)),
      batchSize: c.RELAY_BATCH_SIZE,
      maxInFlightBatches: c.RELAY_MAX_IN_FLIGHT_BATCHES,
      pollIntervalMs: c.RELAY_POLL_INTERVAL_MS,
      publishTimeoutMs: c.RELAY_PUBLISH_TIMEOUT_MS,
      listen: c.RELAY_LISTEN,
    }),
  });
}
