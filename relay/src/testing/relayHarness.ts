import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { createPool, type Pool } from '#shared/db/pool.js';
import { createKafka } from '#shared/kafka/createKafka.js';
import { createLogger, type Logger } from '#shared/logging/logger.js';
import { createMetricsRegistry } from '#shared/metrics/registry.js';
import { readStackEnv, repoRoot } from '#shared/testing/stackEnv.js';
import { createRelay, type Relay } from '../createRelay.js';
import { defaultRelayConfig, type RelayConfig } from '../config.js';
import type { Publisher } from '../publish/createPublisher.js';

export const testLog: Logger = createLogger('relay-test', process.env.LOG_LEVEL ?? 'silent');

export function testKafka(clientId = 'relay-test'): Kafka {
  return createKafka({ brokers: readStackEnv().KAFKA_BROKERS.split(','), clientId, log: testLog });
}

/** A relay with its own pool (like a process of its own) and its own metrics registry. */
export function startTestRelay(options: {
  databaseUrl: string;
  kafka: Kafka;
  config: Partial<RelayConfig> & { topic: string };
  applicationName?: string;
  metrics?: Registry;
  publisher?: Publisher;
}): { relay: Relay; db: Pool; stop(): Promise<void> } {
  const applicationName = options.applicationName ?? 'forkline-relay-test';
  const inFlight = options.config.maxInFlightBatches ?? defaultRelayConfig.maxInFlightBatches;
  const db = createPool({ connectionString: options.databaseUrl, max: inFlight + 2, applicationName });
  const relay = createRelay({
    db,
    databaseUrl: options.databaseUrl,
    listenApplicationName: `${applicationName}-listen`,
    kafka: options.kafka,
    log: testLog,
    config: { ...defaultRelayConfig, pollIntervalMs: 200, publishTimeoutMs: 2_000, ...options.config },
    metrics: options.metrics ?? createMetricsRegistry('relay-test', false),
    ...(options.publisher ? { publisher: options.publisher } : {}),
  });
  return {
    relay,
    db,
    async stop() {
      await relay.close();
      await db.end();
    },
  };
}

const run = promisify(execFile);

/** `regtest/kafka.sh <command>` for this stack (FORKLINE_RUN_DIR and ports come from the env). */
export async function kafkaScript(command: 'start' | 'stop' | 'status'): Promise<void> {
  await run(`${repoRoot}regtest/kafka.sh`, [command], { cwd: repoRoot, timeout: 180_000 });
}
