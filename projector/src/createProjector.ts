import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { isTransientDbError } from '#shared/db/isTransientDbError.js';
import type { Pool } from '#shared/db/pool.js';
import { withTransaction } from '#shared/db/withTransaction.js';
import { sharedPromise } from '#shared/lifecycle/sharedPromise.js';
import type { Logger } from '#shared/logging/logger.js';
import { retry } from '#shared/retry/retry.js';
import { applyBatch, type BatchResult } from './applyBatch.js';
import { StreamVersionConflictError } from './db/saveStreamVersions.js';
import { PROJECTION_SCHEMA, projectionTables } from '#shared/views/projectionTables.js';
import { decodeMessage, type DecodedMessage } from './kafka/decodeMessage.js';
import type { ProjectorMetrics } from './metrics.js';

export interface ProjectorConfig {
  topic: string;
  groupId: string;
  /** The schema written: `projection` (live) or a rebuild's fresh one. */
  schema?: string;
  /** Take the rebuild swap lock in every batch (the live projector must). */
  takeSwapLock?: boolean;
  partitionsConsumedConcurrently?: number;
  /** How long a fetch waits for data; also bounds how long close() takes. */
  maxWaitTimeInMs?: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /**
   * Split a Kafka batch into transactions of at most this many events. Unbounded by
   * default (one transaction per batch); the benchmark's baseline sets 1.
   */
  maxEventsPerTransaction?: number;
  /**
   * Bytes fetched per partition per request, i.e. the size of a Kafka batch and so of
   * one transaction. Larger batches spread each statement's fixed cost over more rows.
   * 16 MiB by default (~33,000 events): in the benchmark the whole catch-up took 13.5 s
   * instead of 15.3 s with 4 MiB (fewer fetch-then-apply rounds, we think).
   */
  maxBytesPerPartition?: number;
}

/** Fault injection for tests: runs after the SQL commit, before the offset commit. */
export interface ProjectorHooks {
  afterSqlCommit?: (info: { partition: number; lastOffset: string }) => Promise<void> | void;
}

export interface Projector {
  start(): Promise<void>;
  close(): Promise<void>;
  /** Per partition, the next offset whose events are committed to the views DB. */
  progress(): ReadonlyMap<number, number>;
}

export interface ProjectorDeps {
  db: Pool;
  kafka: Kafka;
  log: Logger;
  config: ProjectorConfig;
  metrics: ProjectorMetrics;
  hooks?: ProjectorHooks;
}

/**
 * The projector: a consumer group member that applies each Kafka batch to the views
 * DB in one SQL transaction and commits the offset only after the SQL commit. A crash
 * between the two re-delivers the batch, which the stream versions turn into
 * duplicates: nothing is lost and nothing applied twice.
 */
export function createProjector({
  db,
  kafka,
  log: parentLog,
  config,
  metrics,
  hooks,
}: ProjectorDeps): Projector {
  const log = parentLog.child({ component: 'projector', schema: config.schema ?? PROJECTION_SCHEMA });
  const tables = projectionTables(config.schema);
  const takeSwapLock = config.takeSwapLock ?? true;
  const heartbeatIntervalMs = config.heartbeatIntervalMs ?? 3_000;
  const maxEventsPerTransaction = config.maxEventsPerTransaction ?? Infinity;
  const progress = new Map<number, number>();
  const stopping = new AbortController();
  let consumer: Consumer | undefined;

  /**
   * Applies a chunk, retrying transient failures while the partition is still ours;
   * undefined once it is not (revoked in a rebalance, or the consumer stopping): its new
   * owner applies it, and the stream locks keep the two from interleaving badly.
   */
  async function applyWithRetry(
    partition: number,
    messages: DecodedMessage[],
    owned: () => boolean,
  ): Promise<BatchResult | undefined> {
    const timer = metrics.batchSeconds.startTimer({ partition: String(partition) });
    const result = await retry(
      () =>
        owned()
          ? withTransaction(db, (tx) => applyBatch(tx, messages, { tables, takeSwapLock, log }))
          : Promise.resolve(undefined),
      {
        isRetriable: (err) => isTransientDbError(err) || err instanceof StreamVersionConflictError,
        signal: stopping.signal,
        onRetry: (err, attempt, delayMs) => {
          metrics.batchRetries.inc();
          log.warn({ err: (err as Error).message, partition, attempt, delayMs }, 'batch failed, retrying');
        },
      },
    );
    const seconds = timer();
    if (!result) return undefined;
    log.debug({ partition, events: messages.length, ms: Math.round(seconds * 1000) }, 'batch applied');
    return result;
  }

  function count(result: BatchResult): void {
    for (const outcome of result.outcomes)
      metrics.events.inc({ outcome: outcome.kind, type: outcome.event.type });
    if (result.deadLettered > 0)
      metrics.events.inc({ outcome: 'dead_lettered', type: 'unknown' }, result.deadLettered);
  }

  async function eachBatch(payload: EachBatchPayload) {
    const { batch } = payload;
    const { topic, partition } = batch;
    const heartbeat = () => payload.heartbeat();
    const owned = () => payload.isRunning() && !payload.isStale();
    const decoded = batch.messages.map((m) => decodeMessage(m, topic, partition));
    for (let from = 0; from < decoded.length; from += maxEventsPerTransaction) {
      const chunk = decoded.slice(from, from + maxEventsPerTransaction);
      // A slow database must not get us evicted into a reprocessing loop: heartbeat
      // while the transaction runs (kafkajs sends at most one per heartbeatInterval).
      const beat = setInterval(() => {
        heartbeat().catch((err: unknown) => log.debug({ err: (err as Error).message }, 'heartbeat failed'));
      }, heartbeatIntervalMs / 2);
      let result: BatchResult | undefined;
      try {
        result = await applyWithRetry(partition, chunk, owned);
      } finally {
        clearInterval(beat);
      }
      // A revoked partition's rest is left unresolved: its new owner fetches it again.
      if (!result) return;
      count(result);
      const lastOffset = chunk.at(-1)!.offset;
      await hooks?.afterSqlCommit?.({ partition, lastOffset });
      payload.resolveOffset(lastOffset);
      const isLast = from + maxEventsPerTransaction >= decoded.length;
      // batch.lastOffset() also covers control records filtered out of the batch.
      const next = Number(isLast ? batch.lastOffset() : lastOffset) + 1;
      progress.set(partition, next);
      metrics.committedOffset.set({ partition: String(partition) }, next);
      await consumer!.commitOffsets([{ topic, partition, offset: String(next) }]).catch((err: unknown) =>
        // Lost in a rebalance: the new owner re-reads from the last commit and the
        // versions turn what we already applied into duplicates.
        log.warn({ err: (err as Error).message, partition, offset: next }, 'offset commit failed'),
      );
      await heartbeat().catch(() => undefined);
    }
  }

  const run = async () => {
    consumer = kafka.consumer({
      groupId: config.groupId,
      maxWaitTimeInMs: config.maxWaitTimeInMs ?? 500,
      sessionTimeout: config.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: heartbeatIntervalMs,
      maxBytesPerPartition: config.maxBytesPerPartition ?? 16 * 1024 * 1024,
      maxBytes: 4 * (config.maxBytesPerPartition ?? 16 * 1024 * 1024),
      // One stream's events are in one partition; the group's assignment keeps them in order.
      allowAutoTopicCreation: false,
    });
    consumer.on(consumer.events.CRASH, ({ payload }) =>
      log.error({ err: payload.error.message, restart: payload.restart }, 'consumer crashed'),
    );
    await consumer.connect();
    await consumer.subscribe({ topic: config.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: config.partitionsConsumedConcurrently ?? 3,
      eachBatch,
    });
    log.info({ topic: config.topic, groupId: config.groupId }, 'projector started');
  };
  let starting: Promise<void> | undefined;

  const close = sharedPromise(async () => {
    stopping.abort();
    await starting?.catch(() => undefined);
    await consumer?.disconnect();
    log.info('projector stopped');
  });

  return {
    start: () =>
      stopping.signal.aborted ? Promise.reject(new Error('projector closed')) : (starting ??= run()),
    close,
    progress: () => progress,
  };
}
