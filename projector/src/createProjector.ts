import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import PQueue from 'p-queue';
import type { Pool } from '#shared/db/pool.js';
import { sharedPromise } from '#shared/lifecycle/sharedPromise.js';
import type { Logger } from '#shared/logging/logger.js';
import type { BatchResult } from './applyBatch.js';
import { createBatchApplier } from './createBatchApplier.js';
import { PROJECTION_SCHEMA, projectionTables } from '#shared/views/projectionTables.js';
import { consumerConfig } from './kafka/consumerConfig.js';
import { decodeMessage, type DecodedMessage } from './kafka/decodeMessage.js';
import { countOutcomes, type ProjectorMetrics } from './metrics.js';

export interface ProjectorConfig {
  topic: string;
  groupId: string;
  /** The schema written: `projection` (live) or a rebuild's fresh one. */
  schema?: string;
  /** Take the rebuild swap lock in every batch (the live projector must). */
  takeSwapLock?: boolean;
  /** Partitions whose batches are applied at the same time (3 by default). */
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

/** Fault injection for tests; afterSqlCommit runs after the SQL commit, before the offset commit. */
export interface ProjectorHooks {
  /** Runs when a batch is fetched and decoded, before it waits for the partition's previous one. */
  afterFetch?: (info: { partition: number; firstOffset: string }) => Promise<void> | void;
  /** Runs when a fetched batch (or chunk) is about to be applied. */
  beforeApply?: (info: { partition: number; firstOffset: string }) => Promise<void> | void;
  afterSqlCommit?: (info: { partition: number; lastOffset: string }) => Promise<void> | void;
}

export interface Projector {
  start(): Promise<void>;
  close(): Promise<void>;
  /** Per partition, the next offset whose events are committed to the views DB. */
  progress(): ReadonlyMap<number, number>;
  /**
   * Settles with the error when the Kafka consumer crashed and will not restart itself
   * (kafkajs gives up on errors it deems not retriable): the process should stop and be
   * restarted rather than stay up consuming nothing. Never settles otherwise.
   */
  failed(): Promise<Error>;
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
 * duplicates: nothing is lost and nothing applied twice. Each partition's next batch is
 * fetched and decoded while the current one is applied (see eachBatch).
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
  /** Per partition, the batch being applied (kafkajs fetches the next one meanwhile). */
  const applying = new Map<number, Promise<void>>();
  // At most this many batches applied at once, first come first applied: kafkajs's setting
  // bounds only the hand-overs below, which return at once, so every partition's batch was
  // applied side by side (on the live bench five transactions, committing within 2 ms).
  const concurrency = config.partitionsConsumedConcurrently ?? 3;
  const applies = new PQueue({ concurrency });
  /** Per partition, why its last batch failed: thrown from its next eachBatch. */
  const failures = new Map<number, unknown>();
  /** Bumped by every rebalance: a batch fetched before one is no longer ours to commit. */
  let generation = 0;
  const applyWithRetry = createBatchApplier({
    db,
    log,
    metrics,
    signal: stopping.signal,
    options: { tables, takeSwapLock, log },
  });

  /**
   * Applies a fetched batch (in transactions of at most maxEventsPerTransaction events),
   * committing each transaction's offset after its SQL commit. Runs while kafkajs fetches
   * the partition's next batch.
   */
  async function applyFetched(
    payload: EachBatchPayload,
    decoded: DecodedMessage[],
    assigned: () => boolean,
  ): Promise<void> {
    const owned = () => !stopping.signal.aborted && assigned();
    const { topic, partition } = payload.batch;
    const heartbeat = () => payload.heartbeat();
    for (let from = 0; from < decoded.length; from += maxEventsPerTransaction) {
      const chunk = decoded.slice(from, from + maxEventsPerTransaction);
      await hooks?.beforeApply?.({ partition, firstOffset: chunk[0]!.offset });
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
      // A revoked partition's rest is left uncommitted: its new owner fetches it again.
      if (!result) return;
      countOutcomes(metrics, result);
      const lastOffset = chunk.at(-1)!.offset;
      await hooks?.afterSqlCommit?.({ partition, lastOffset });
      const isLast = from + maxEventsPerTransaction >= decoded.length;
      // batch.lastOffset() also covers control records filtered out of the batch.
      const next = Number(isLast ? payload.batch.lastOffset() : lastOffset) + 1;
      progress.set(partition, next);
      metrics.committedOffset.set({ partition: String(partition) }, next);
      // Not after a rebalance: the partition may be another member's now. (Stopping, the
      // offset of a batch that committed is still committed.)
      if (!assigned()) return;
      await consumer!.commitOffsets([{ topic, partition, offset: String(next) }]).catch((err: unknown) =>
        // Lost in a rebalance: the new owner re-reads from the last commit and the
        // versions turn what we already applied into duplicates.
        log.warn({ err: (err as Error).message, partition, offset: next }, 'offset commit failed'),
      );
      await heartbeat().catch(() => undefined);
    }
  }

  /**
   * Hands a fetched batch to its partition's apply and returns, so kafkajs fetches the
   * next batch while this one is applied: at most one batch per partition applying and
   * one waiting. The batch's offset is resolved at once (where the next fetch starts)
   * but committed to Kafka only after its SQL commit, so a crash in between re-delivers
   * it. A batch that fails is fetched again: its partition is sought back to it, and the
   * next eachBatch of the partition throws the failure, so kafkajs retries the fetch from
   * there (or restarts the consumer from the committed offsets) and never applies a batch
   * after one that failed.
   */
  async function eachBatch(payload: EachBatchPayload) {
    const { batch } = payload;
    const { topic, partition } = batch;
    const fetchedIn = generation;
    // Decoded (parsed and validated) here, while the partition's previous batch is applied.
    const decoded = batch.messages.map((m) => decodeMessage(m, topic, partition));
    await hooks?.afterFetch?.({ partition, firstOffset: batch.messages[0]?.offset ?? '' });
    await applying.get(partition);
    const failure = failures.get(partition);
    if (failures.delete(partition)) throw failure;
    const assigned = () => payload.isRunning() && !payload.isStale() && generation === fetchedIn;
    if (stopping.signal.aborted || !assigned() || decoded.length === 0) return;
    const firstOffset = decoded[0]!.offset;
    applying.set(
      partition,
      applies
        .add(() => applyFetched(payload, decoded, assigned))
        .catch((err: unknown) => {
          // Stopping, or revoked: the batch is fetched again by whoever owns it next.
          if (stopping.signal.aborted || !assigned()) return;
          failures.set(partition, err);
          // Fetched again even when nothing follows it, so its eachBatch reports the failure.
          consumer!.seek({ topic, partition, offset: firstOffset });
        }),
    );
    payload.resolveOffset(batch.lastOffset());
  }

  // Settled by a crash kafkajs will not restart from (see failed()).
  let giveUp: (err: Error) => void = () => {};
  const gaveUp = new Promise<Error>((resolve) => (giveUp = resolve));

  const run = async () => {
    consumer = kafka.consumer(
      consumerConfig({
        groupId: config.groupId,
        maxWaitTimeInMs: config.maxWaitTimeInMs,
        sessionTimeoutMs: config.sessionTimeoutMs,
        heartbeatIntervalMs,
        maxBytesPerPartition: config.maxBytesPerPartition,
      }),
    );
    consumer.on(consumer.events.REBALANCING, () => generation++);
    consumer.on(consumer.events.GROUP_JOIN, () => generation++);
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      log.error({ err: payload.error.message, restart: payload.restart }, 'consumer crashed');
      if (!payload.restart && !stopping.signal.aborted) giveUp(payload.error);
    });
    await consumer.connect();
    await consumer.subscribe({ topic: config.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: concurrency,
      eachBatch,
    });
    log.info({ topic: config.topic, groupId: config.groupId }, 'projector started');
  };
  let starting: Promise<void> | undefined;

  const close = sharedPromise(async () => {
    stopping.abort();
    await starting?.catch(() => undefined);
    // The batches being applied finish (their transaction commits or rolls back, no
    // retry) and commit their offsets while the consumer is still in the group.
    await Promise.all(applying.values());
    await consumer?.disconnect();
    log.info('projector stopped');
  });

  return {
    start: () =>
      stopping.signal.aborted ? Promise.reject(new Error('projector closed')) : (starting ??= run()),
    close,
    progress: () => progress,
    failed: () => gaveUp,
  };
}
