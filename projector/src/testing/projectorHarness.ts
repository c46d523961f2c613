import { randomBytes } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import type { Pool } from '#shared/db/pool.js';
import { createKafka } from '#shared/kafka/createKafka.js';
import { createLogger, type Logger } from '#shared/logging/logger.js';
import { readStackEnv } from '#shared/testing/stackEnv.js';
import { createTestDatabases, type TestDatabases } from '#shared/testing/testDatabases.js';
import { createTestTopic } from '#shared/testing/testTopic.js';
import { waitFor } from '#shared/testing/waitFor.js';
import type { RecordedEvent } from '#shared/events/types.js';
import {
  createProjector,
  type Projector,
  type ProjectorConfig,
  type ProjectorHooks,
} from '../createProjector.js';
import { createProjectionSchema } from '../db/projectionSchemas.js';
import { projectionStatus } from '#shared/views/projectionStatus.js';
import { projectionTables } from '#shared/views/projectionTables.js';
import { createProjectorMetrics, type ProjectorMetrics } from '../metrics.js';
import { publish } from './events.js';

/** Shared by one spec file: a views database, a Kafka client and a producer. */
export interface ProjectorTestbed {
  dbs: TestDatabases;
  views: Pool;
  kafka: Kafka;
  producer: Producer;
  log: Logger;
  /** A fresh topic, group and projection schema for one test. */
  scenario(label: string, partitions?: number): Promise<Scenario>;
  close(): Promise<void>;
}

export interface Scenario {
  topic: string;
  groupId: string;
  schema: string;
  send(items: (RecordedEvent | { key: string; value: string })[]): Promise<void>;
  start(
    config?: Partial<ProjectorConfig>,
    hooks?: ProjectorHooks,
  ): Promise<{ projector: Projector; metrics: ProjectorMetrics; registry: Registry }>;
  /** Waits until `stream` has applied version `version`. */
  waitForVersion(stream: string, version: number): Promise<void>;
  status(): ReturnType<typeof projectionStatus>;
  balance(userId: string): Promise<{ confirmed_sats: number; tx_count: number; version: number } | undefined>;
  activities(userId: string): Promise<Record<string, unknown>[]>;
}

export async function createProjectorTestbed(label: string): Promise<ProjectorTestbed> {
  const stack = readStackEnv();
  const log = createLogger(label, process.env.LOG_LEVEL ?? 'silent');
  const dbs = await createTestDatabases(label);
  const kafka = createKafka({ brokers: stack.KAFKA_BROKERS.split(','), clientId: label, log });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const projectors: Projector[] = [];

  async function scenario(name: string, partitions = 3): Promise<Scenario> {
    const { topic, groupId } = await createTestTopic(kafka, name, partitions);
    const schema =
      `p_${name.replace(/\W/g, '_').slice(0, 30)}_${randomBytes(3).toString('hex')}`.toLowerCase();
    await createProjectionSchema(dbs.views, schema);
    const t = projectionTables(schema);
    return {
      topic,
      groupId,
      schema,
      send: (items) => publish(producer, topic, items),
      async start(config = {}, hooks) {
        const registry = new Registry();
        const metrics = createProjectorMetrics(registry, () => projectionStatus(dbs.views, { schema }));
        const projector = createProjector({
          db: dbs.views,
          kafka,
          log,
          metrics,
          hooks,
          config: { topic, groupId, schema, maxWaitTimeInMs: 100, heartbeatIntervalMs: 500, ...config },
        });
        projectors.push(projector);
        await projector.start();
        return { projector, metrics, registry };
      },
      async waitForVersion(stream, version) {
        await waitFor(
          async () =>
            (
              await dbs.views.query<{ version: number }>(
                `SELECT version FROM ${t.streamVersions} WHERE stream = $1`,
                [stream],
              )
            ).rows[0]?.version ?? 0,
          (v) => v >= version,
          { what: `${stream} at version ${version}` },
        );
      },
      status: () => projectionStatus(dbs.views, { schema }),
      async balance(userId) {
        const { rows } = await dbs.views.query<{ confirmed_sats: number; tx_count: number; version: number }>(
          `SELECT confirmed_sats, tx_count, version FROM ${t.balances} WHERE user_id = $1`,
          [userId],
        );
        return rows[0];
      },
      async activities(userId) {
        const { rows } = await dbs.views.query<Record<string, unknown>>(
          `SELECT txid, type, amount_sats, status, block_hash, block_height FROM ${t.activities}
           WHERE user_id = $1 ORDER BY seq DESC`,
          [userId],
        );
        return rows;
      },
    };
  }

  return {
    dbs,
    views: dbs.views,
    kafka,
    producer,
    log,
    scenario,
    async close() {
      await Promise.all(projectors.map((p) => p.close()));
      await producer.disconnect();
      await dbs.drop();
    },
  };
}
