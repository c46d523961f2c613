/**
 * `npx tsx projector/src/rebuildMain.ts [--keep-old]`: replays the whole topic into
 * fresh tables in a new consumer group and swaps them in for readers in one step,
 * while the live projector keeps running. Prints one JSON line with the result.
 */
import type { z } from 'zod';
import { bool, kafkaBrokers, logLevel, postgresUrl } from '#shared/config/fields.js';
import { loadConfig } from '#shared/config/loadConfig.js';
import { createPool } from '#shared/db/pool.js';
import { createKafka } from '#shared/kafka/createKafka.js';
import { runMain } from '#shared/lifecycle/runMain.js';
import { createLogger } from '#shared/logging/logger.js';
import { projectorConfigShape } from './config.js';
import { tableChecksums } from './db/tableChecksums.js';
import { PROJECTION_SCHEMA } from '#shared/views/projectionTables.js';
import { rebuildProjection } from './rebuild/rebuildProjection.js';

runMain(async () => {
  const env = loadConfig({
    VIEWS_DATABASE_URL: postgresUrl(),
    KAFKA_BROKERS: kafkaBrokers(),
    PROJECTOR_TOPIC: projectorConfigShape.PROJECTOR_TOPIC,
    PROJECTOR_GROUP_ID: projectorConfigShape.PROJECTOR_GROUP_ID,
    PROJECTOR_REBUILD_KEEP_OLD: bool(false),
    LOG_LEVEL: logLevel(),
  } satisfies z.ZodRawShape);
  const keepOld = env.PROJECTOR_REBUILD_KEEP_OLD || process.argv.includes('--keep-old');
  const log = createLogger('projector-rebuild', env.LOG_LEVEL);
  const db = createPool({
    connectionString: env.VIEWS_DATABASE_URL,
    max: 5,
    applicationName: 'forkline-rebuild',
    log,
  });
  const kafka = createKafka({ brokers: env.KAFKA_BROKERS, clientId: 'forkline-projector-rebuild', log });
  // Ctrl-C abandons the rebuild: its half-filled schema is dropped, the live one untouched.
  const abort = new AbortController();
  const stop = () => abort.abort(new Error('rebuild interrupted'));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const result = await rebuildProjection({
      db,
      kafka,
      log,
      signal: abort.signal,
      config: { topic: env.PROJECTOR_TOPIC, groupId: env.PROJECTOR_GROUP_ID, keepOld },
    });
    const checksums = await tableChecksums(db, PROJECTION_SCHEMA);
    console.log(JSON.stringify({ ...result, checksums }));
  } finally {
    await db.end();
  }
});
