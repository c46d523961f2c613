import { createPool, type Pool } from '#shared/db/pool.js';
import { migrate } from '#shared/db/migrate.js';
import { createKafka, ensureEventsTopic } from '#shared/kafka/createKafka.js';
import { topicSettingsFrom } from '#shared/kafka/topicSettings.js';
import type { Logger } from '#shared/logging/logger.js';
import { createStatusServer, type StatusServer } from '#shared/http/createStatusServer.js';
import { createMetricsRegistry } from '#shared/metrics/registry.js';
import { createChangesPruner } from './changes/createChangesPruner.js';
import type { ProjectorEnv } from './config.js';
import { createProjector, type Projector, type ProjectorHooks } from './createProjector.js';
import { projectionStatus } from '#shared/views/projectionStatus.js';
import { createProjectorMetrics } from './metrics.js';

export interface WiredProjector {
  db: Pool;
  projector: Projector;
  server: StatusServer;
  /** In shutdown order: intake first, the pool last. */
  components: { close(): Promise<void> }[];
}

/** Builds the live projector process from its parsed environment (shared by main and tests). */
export async function wireProjector(
  env: ProjectorEnv,
  log: Logger,
  hooks?: ProjectorHooks,
): Promise<WiredProjector> {
  const db = createPool({
    connectionString: env.VIEWS_DATABASE_URL,
    max: env.PROJECTOR_CONCURRENCY + 2,
    applicationName: 'forkline-projector',
    log,
  });
  await migrate(db, 'views', log);
  const kafka = createKafka({ brokers: env.KAFKA_BROKERS, clientId: 'forkline-projector', log });
  // The relay normally creates the topic; creating it here, the same way, lets the
  // projector start first. A topic weaker than configured is reported (outside regtest: refused).
  await ensureEventsTopic(kafka, env.PROJECTOR_TOPIC, topicSettingsFrom(env), log);
  const registry = createMetricsRegistry('projector');
  const readStatus = () => projectionStatus(db);
  const metrics = createProjectorMetrics(registry, readStatus);
  const projector = createProjector({
    db,
    kafka,
    log,
    metrics,
    hooks,
    config: {
      topic: env.PROJECTOR_TOPIC,
      groupId: env.PROJECTOR_GROUP_ID,
      partitionsConsumedConcurrently: env.PROJECTOR_CONCURRENCY,
      sessionTimeoutMs: env.PROJECTOR_SESSION_TIMEOUT_MS,
    },
  });
  const server = createStatusServer({
    host: env.PROJECTOR_METRICS_HOST,
    port: env.PROJECTOR_METRICS_PORT,
    registry,
    log,
    readStatus: async () => ({
      ...(await readStatus()),
      partitions: Object.fromEntries([...projector.progress()].map(([p, next]) => [p, { nextOffset: next }])),
    }),
  });
  const pruner = createChangesPruner({ db, log, retentionSeconds: env.PROJECTOR_CHANGES_RETENTION_S });
  return { db, projector, server, components: [projector, pruner, server, { close: () => db.end() }] };
}
