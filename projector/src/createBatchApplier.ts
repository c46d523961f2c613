import { isTransientDbError } from '#shared/db/isTransientDbError.js';
import type { Pool } from '#shared/db/pool.js';
import { withTransaction } from '#shared/db/withTransaction.js';
import type { Logger } from '#shared/logging/logger.js';
import { retry } from '#shared/retry/retry.js';
import { applyBatch, type ApplyOptions, type BatchResult } from './applyBatch.js';
import { BATCH_BEGIN } from './db/batchTransaction.js';
import { StreamVersionConflictError } from './db/saveStreamVersions.js';
import type { DecodedMessage } from './kafka/decodeMessage.js';
import type { ProjectorMetrics } from './metrics.js';

export type BatchApplier = (
  partition: number,
  messages: DecodedMessage[],
  owned: () => boolean,
) => Promise<BatchResult | undefined>;

/**
 * Applies a chunk in one transaction, retrying transient failures while the partition is
 * still ours; undefined once it is not (revoked in a rebalance, or the consumer
 * stopping): its new owner applies it, and the stream locks keep the two from
 * interleaving badly.
 */
export function createBatchApplier({
  db,
  log,
  metrics,
  signal,
  options,
}: {
  db: Pool;
  log: Logger;
  metrics: ProjectorMetrics;
  signal: AbortSignal;
  options: ApplyOptions;
}): BatchApplier {
  return async (partition, messages, owned) => {
    const timer = metrics.batchSeconds.startTimer({ partition: String(partition) });
    const result = await retry(
      () =>
        owned()
          ? withTransaction(db, (tx) => applyBatch(tx, messages, options), BATCH_BEGIN)
          : Promise.resolve(undefined),
      {
        isRetriable: (err) => isTransientDbError(err) || err instanceof StreamVersionConflictError,
        signal,
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
  };
}
