import { describe, expect, it } from 'vitest';
import { loadRelayConfig } from './config.js';

const env = { ONLINE_DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db', KAFKA_BROKERS: 'k1:9092,k2:9092' };

describe('loadRelayConfig', () => {
  it('defaults everything but the database and brokers', () => {
    expect(loadRelayConfig(env)).toEqual({
      onlineDatabaseUrl: env.ONLINE_DATABASE_URL,
      kafkaBrokers: ['k1:9092', 'k2:9092'],
      metricsPort: 28082,
      metricsHost: '127.0.0.1',
      logLevel: 'info',
      relay: {
        topic: 'forkline.events',
        topicSettings: { partitions: 6, replicationFactor: 1, minInsyncReplicas: 1, strict: false },
        batchSize: 2000,
        maxInFlightBatches: 2,
        pollIntervalMs: 1_000,
        publishTimeoutMs: 10_000,
        listen: true,
      },
    });
  });

  it.each([
    [{ RELAY_BATCH_SIZE: '0' }, /^invalid configuration: RELAY_BATCH_SIZE: must be greater than 0/],
    [{ RELAY_BATCH_SIZE: '50000' }, /RELAY_BATCH_SIZE: must be at most 10000/],
    [{ RELAY_MAX_IN_FLIGHT_BATCHES: '9' }, /RELAY_MAX_IN_FLIGHT_BATCHES: must be at most 8/],
    [{ RELAY_TOPIC: 'bad topic' }, /RELAY_TOPIC: must be a Kafka topic name/],
    [{ RELAY_METRICS_PORT: '99999' }, /RELAY_METRICS_PORT: must be a port number/],
    [{ RELAY_POLL_INTERVAL_MS: 'soon' }, /RELAY_POLL_INTERVAL_MS: must be a whole number/],
  ])('names the bad variable (%j)', (extra, message) => {
    expect(() => loadRelayConfig({ ...env, ...extra })).toThrow(message);
  });
});
