import type { Pool } from '#shared/db/pool.js';
import { takeUnpublishedBatch } from './db/takeUnpublishedBatch.js';
import {
  beginRelayTransaction,
  commitRelayTransaction,
  rollbackRelayTransaction,
} from './db/relayTransaction.js';
import type { RelayMetrics } from './metrics.js';
import type { Publisher } from './publish/createPublisher.js';
import { toKafkaMessage } from './publish/toKafkaMessage.js';
import type { RelayConfig } from './config.js';

export type BatchOutcome =
  | { kind: 'published'; count: number }
  /** Kafka did not ack in time; rolled back, the send still pending (see createPublisher). */
  | { kind: 'stalled'; ids: number[]; settled: Promise<boolean> };

export interface StartedBatch {
  count: number;
  /**
   * Settles once Kafka acked and the removal committed, or once the batch was rolled
   * back after a timeout ('stalled'); rejects when the send or the database failed.
   */
  finished: Promise<BatchOutcome>;
}

/** Kafka refused or failed a send: the batch was rolled back and stays in the outbox. */
export class KafkaPublishError extends Error {
  override readonly name = 'KafkaPublishError';
}

/**
 * Starts one batch in its own transaction: takes the oldest unpublished rows (locked and
 * deleted, uncommitted) and hands them to the publisher; returns once they are handed
 * over, so the caller can start the next batch while this one waits for its ack. null
 * when the outbox is empty.
 *
 * The transaction commits only after Kafka's ack: a crash in between publishes the batch
 * again (at least once) and the projector's versions absorb the duplicates. Any database
 * error destroys the connection, so a half-broken session is never reused.
 */
export async function startBatch(
  db: Pool,
  publisher: Publisher,
  config: Pick<RelayConfig, 'batchSize' | 'publishTimeoutMs'>,
  metrics: Pick<RelayMetrics, 'batchSeconds' | 'duplicatesRisked'>,
): Promise<StartedBatch | null> {
  try {
    await publisher.ready();
  } catch (err) {
    throw new KafkaPublishError(`Kafka producer not ready: ${(err as Error).message}`, { cause: err });
  }
  const client = await db.connect();
  // An error event on a checked-out client (server gone while we wait for Kafka) would
  // crash the process unhandled; the next query on it fails and is handled below.
  const onError = () => undefined;
  client.on('error', onError);
  let broken: Error | undefined;
  const release = () => {
    client.off('error', onError);
    client.release(broken);
  };
  const stopTimer = metrics.batchSeconds.startTimer();
  let rows;
  try {
    // Past the publish timeout plus slack: only a hung relay ever reaches it.
    await beginRelayTransaction(client, config.publishTimeoutMs * 2 + 5_000);
    rows = await takeUnpublishedBatch(client, config.batchSize);
    if (rows.length === 0) await commitRelayTransaction(client);
  } catch (err) {
    broken = err as Error;
    release();
    throw err;
  }
  if (rows.length === 0) {
    release();
    return null;
  }
  const ids = rows.map((r) => r.id);
  const sending = publisher.publish(rows.map(toKafkaMessage), config.publishTimeoutMs);

  async function finish(): Promise<BatchOutcome> {
    try {
      let outcome;
      try {
        outcome = await sending;
      } catch (err) {
        throw new KafkaPublishError(`publishing ${ids.length} events failed: ${(err as Error).message}`, {
          cause: err,
        });
      }
      if (outcome.kind === 'timed-out') {
        await rollbackRelayTransaction(client);
        return { kind: 'stalled', ids, settled: outcome.settled };
      }
      try {
        await commitRelayTransaction(client);
      } catch (err) {
        metrics.duplicatesRisked.inc(ids.length);
        throw err;
      }
      stopTimer();
      return { kind: 'published', count: ids.length };
    } catch (err) {
      if (err instanceof KafkaPublishError) {
        await rollbackRelayTransaction(client).catch((e: unknown) => (broken = e as Error));
      } else {
        broken = err as Error;
      }
      throw err;
    } finally {
      release();
    }
  }

  const finished = finish();
  // Awaited by the caller later, possibly after it rejects: not an unhandled rejection.
  finished.catch(() => undefined);
  return { count: ids.length, finished };
}
