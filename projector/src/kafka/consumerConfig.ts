import type { ConsumerConfig } from 'kafkajs';

export interface ConsumerTuning {
  groupId: string;
  /** How long a fetch waits for data; also bounds how long close() takes. */
  maxWaitTimeInMs?: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Bytes fetched per partition per request, i.e. the most one Kafka batch holds. */
  maxBytesPerPartition?: number;
}

/**
 * The projector's kafkajs consumer settings, shared with the benchmark's ceiling (a
 * consumer that only commits offsets), so the two read the topic the same way.
 */
export function consumerConfig(tuning: ConsumerTuning): ConsumerConfig {
  const maxBytesPerPartition = tuning.maxBytesPerPartition ?? 16 * 1024 * 1024;
  return {
    groupId: tuning.groupId,
    maxWaitTimeInMs: tuning.maxWaitTimeInMs ?? 500,
    sessionTimeout: tuning.sessionTimeoutMs ?? 30_000,
    heartbeatInterval: tuning.heartbeatIntervalMs ?? 3_000,
    maxBytesPerPartition,
    maxBytes: 4 * maxBytesPerPartition,
    // One stream's events are in one partition; the group's assignment keeps them in order.
    allowAutoTopicCreation: false,
  };
}
