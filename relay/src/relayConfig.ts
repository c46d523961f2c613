import { EVENTS_TOPIC } from '#shared/kafka/createKafka.js';

/** What the relay needs to know, parsed and defaulted by main.ts (or a test). */
export interface RelayConfig {
  /** The event store topic; created at start when missing. */
  topic: string;
  /** Partitions of the topic when the relay creates it. */
  topicPartitions: number;
  /** Outbox rows locked, published and deleted per transaction. */
  batchSize: number;
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
  topicPartitions: 6,
  batchSize: 2000,
  pollIntervalMs: 1_000,
  publishTimeoutMs: 10_000,
  listen: true,
});
