import { z } from 'zod';
import { kafkaBrokers, logLevel, port, positiveInt, postgresUrl } from '#shared/config/fields.js';
import { EVENTS_TOPIC } from '#shared/kafka/createKafka.js';
import { loadConfig } from '#shared/config/loadConfig.js';
import { topicSettingsShape } from '#shared/kafka/topicSettings.js';

const groupId = (fallback: string) =>
  z
    .string()
    .regex(/^[\w.-]{1,200}$/, 'must be letters, digits, dots, dashes or underscores')
    .default(fallback);

export const projectorConfigShape = {
  VIEWS_DATABASE_URL: postgresUrl(),
  KAFKA_BROKERS: kafkaBrokers(),
  PROJECTOR_TOPIC: groupId(EVENTS_TOPIC),
  PROJECTOR_GROUP_ID: groupId('forkline-projector'),
  PROJECTOR_METRICS_PORT: port(28083),
  PROJECTOR_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  /** How many partitions are applied at the same time (each in its own transaction). */
  PROJECTOR_CONCURRENCY: positiveInt(3),
  /** A member silent this long is dropped from the group and its partitions move on. */
  PROJECTOR_SESSION_TIMEOUT_MS: positiveInt(30_000),
  /** How long the per-user changes live updates resume from are kept (a day). */
  PROJECTOR_CHANGES_RETENTION_S: positiveInt(86_400),
  ...topicSettingsShape,
  LOG_LEVEL: logLevel(),
};

export type ProjectorEnv = ReturnType<typeof loadProjectorEnv>;

/** The projector's environment, parsed and frozen once in main. */
export function loadProjectorEnv(env: NodeJS.ProcessEnv = process.env) {
  return loadConfig(projectorConfigShape, env);
}
