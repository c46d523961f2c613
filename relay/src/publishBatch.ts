import type { Pool } from '#shared/db/pool.js';
import { deleteOutboxRows } from './db/deleteOutboxRows.js';
import { lockUnpublishedBatch } from './db/lockUnpublishedBatch.js';
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
  | { kind: 'empty' }
  | { kind: 'published'; count: number }
  /** Kafka did not ack in time; rolled back, the send still pending (see createPublisher). */
  | { kind: 'stalled'; ids: number[]; settled: Promise<boolean> };

/** Kafka refused or failed a send: the batch was rolled back and stays in the outbox. */
export class KafkaPublishError extends Error {
  override readonly name = 'KafkaPublishError';
}

/**
 * One batch in one transaction: lock the oldest unpublished rows, publish them, delete
 * them, commit. A crash between Kafka's ack and the commit publishes the batch again on
 * the next try (at least once); the projector's versions absorb the duplicates.
 * Any database error destroys the connection, so a half-broken session is never reused.
 */
export async function publishBatch(
  db: Pool,
  publisher: Publisher,
  config: Pick<RelayConfig, 'batchSize' | 'publishTimeoutMs'>,
  metrics: Pick<RelayMetrics, 'batchSeconds' | 'duplicatesRisked'>,
): Promise<BatchOutcome> {
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
  const stopTimer = metrics.batchSeconds.startTimer();
  try {
    // Past the publish timeout plus slack: only a hung relay ever reaches it.
    await beginRelayTransaction(client, config.publishTimeoutMs * 2 + 5_000);
    const rows = await lockUnpublishedBatch(client, config.batchSize);
    if (rows.length === 0) {
      await commitRelayTransaction(client);
      return { kind: 'empty' };
    }
    let outcome;
    try {
      outcome = await publisher.publish(rows.map(toKafkaMessage), config.publishTimeoutMs);
    } catch (err) {
      throw new KafkaPublishError(`publishing ${rows.length} events failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const ids = rows.map((r) => r.id);
    if (outcome.kind === 'timed-out') {
      await rollbackRelayTransaction(client);
      return { kind: 'stalled', ids, settled: outcome.settled };
    }
    try {
      await deleteOutboxRows(client, ids);
      await commitRelayTransaction(client);
    } catch (err) {
      metrics.duplicatesRisked.inc(rows.length);
      throw err;
    }
    stopTimer();
    return { kind: 'published', count: rows.length };
  } catch (err) {
    if (err instanceof KafkaPublishError) {
      await rollbackRelayTransaction(client).catch((e: unknown) => (broken = e as Error));
    } else {
      broken = err as Error;
    }
    throw err;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
