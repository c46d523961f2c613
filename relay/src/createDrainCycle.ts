import type { Pool } from '#shared/db/pool.js';
import type { Logger } from '#shared/logging/logger.js';
import { deleteOutboxRows } from './db/deleteOutboxRows.js';
import type { RelayMetrics } from './metrics.js';
import type { Publisher } from './publish/createPublisher.js';
import { KafkaPublishError, startBatch, type BatchOutcome } from './startBatch.js';
import type { RelayConfig } from './config.js';

export interface DrainCycleDeps {
  db: Pool;
  publisher: Publisher;
  config: RelayConfig;
  metrics: RelayMetrics;
  log: Logger;
  signal: AbortSignal;
  /** Events Kafka acked whose rows left the outbox. */
  onPublished: (count: number) => void;
  /** Kafka did not ack a batch in time (it is back in the outbox, its send still pending). */
  onStall: (err: Error) => void;
}

/**
 * One drain of the outbox, as a function to call again after a failure: publishes until
 * the outbox is empty, with up to maxInFlightBatches batches at once — the next batch is
 * taken and handed over while the one before waits for its ack. Resolves whether more
 * may be waiting (after an outage was waited out); rejects on a failure, once every
 * batch in flight has ended.
 */
export function createDrainCycle({
  db,
  publisher,
  config,
  metrics,
  log,
  signal,
  onPublished,
  onStall,
}: DrainCycleDeps): () => Promise<boolean> {
  const aborted = new Promise<'aborted'>((resolve) =>
    signal.addEventListener('abort', () => resolve('aborted'), { once: true }),
  );

  async function drain(): Promise<boolean> {
    const inFlight: Promise<BatchOutcome>[] = [];
    let full = true; // the last batch taken was full: more rows may be waiting
    try {
      for (;;) {
        while (full && inFlight.length < config.maxInFlightBatches && !signal.aborted) {
          const batch = await startBatch(db, publisher, config, metrics);
          if (!batch) {
            full = false;
            break;
          }
          inFlight.push(batch.finished);
          full = batch.count >= config.batchSize;
        }
        const next = inFlight.shift();
        if (!next) return false;
        const outcome = await next;
        if (outcome.kind === 'stalled') return await waitOutStalls(outcome, inFlight.splice(0));
        onPublished(outcome.count);
      }
    } finally {
      // After a failure the later batches end too (a send after a failed one is refused),
      // so nothing is left half-done when the cycle is retried. One acked meanwhile is
      // committed and counted; one that stalled is back in the outbox (at least once).
      for (const r of await Promise.allSettled(inFlight)) {
        if (r.status === 'fulfilled' && r.value.kind === 'published') onPublished(r.value.count);
      }
    }
  }

  /**
   * A stalled batch is followed by the ones handed over after it: they end in order
   * (acked, stalled too, or refused once a send failed) and are settled in that order.
   */
  async function waitOutStalls(first: BatchOutcome & { kind: 'stalled' }, later: Promise<BatchOutcome>[]) {
    const rest = await Promise.allSettled(later);
    await waitOutStall(first.ids, first.settled);
    for (const r of rest) {
      if (r.status === 'rejected') throw r.reason;
      if (r.value.kind === 'published') onPublished(r.value.count);
      else await waitOutStall(r.value.ids, r.value.settled);
    }
    return true;
  }

  /**
   * Kafka did not ack in time: the transaction is rolled back already, so no row lock
   * and no connection is held while we wait. The send itself is never abandoned (see
   * createPublisher); once it settles, its rows are deleted if it was acked, and only
   * then does the next batch go, so per-stream order survives the outage.
   */
  async function waitOutStall(ids: number[], settled: Promise<boolean>): Promise<void> {
    onStall(new Error(`Kafka did not ack within ${config.publishTimeoutMs} ms`));
    log.warn(
      { events: ids.length, publishTimeoutMs: config.publishTimeoutMs },
      'Kafka unavailable: batch returned to the outbox, waiting for the pending send',
    );
    const acked = await Promise.race([settled, aborted]);
    if (acked === 'aborted') return;
    if (!acked) throw new KafkaPublishError('the pending send failed; its batch stays in the outbox');
    try {
      await deleteOutboxRows(db, ids);
    } catch (err) {
      metrics.duplicatesRisked.inc(ids.length);
      throw err;
    }
    log.info({ events: ids.length }, 'Kafka is back: the pending send was acked');
    onPublished(ids.length);
  }

  return drain;
}
