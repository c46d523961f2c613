import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { createPgListener } from '#shared/db/createPgListener.js';
import type { Pool } from '#shared/db/pool.js';
import { ensureEventsTopic, TopicTooWeakError } from '#shared/kafka/createKafka.js';
import { createWakeSignal } from '#shared/lifecycle/createWakeSignal.js';
import { sharedPromise } from '#shared/lifecycle/sharedPromise.js';
import type { Logger } from '#shared/logging/logger.js';
import { OUTBOX_CHANNEL } from '#shared/outbox/appendSql.js';
import { readOutboxBacklog } from '#shared/outbox/readOutboxBacklog.js';
import { retry } from '#shared/retry/retry.js';
import { deleteOutboxRows } from './db/deleteOutboxRows.js';
import { KafkaPublishError, startBatch, type BatchOutcome } from './startBatch.js';
import { createPublisher, type Publisher } from './publish/createPublisher.js';
import { createRateMeter } from './publish/createRateMeter.js';
import { createRelayMetrics } from './metrics.js';
import type { RelayConfig } from './config.js';

export type RelayState = 'new' | 'starting' | 'running' | 'kafka-unavailable' | 'db-unavailable' | 'closed';

export interface RelayStatus {
  state: RelayState;
  topic: string;
  /** Unpublished events in the outbox; null when the database cannot be read. */
  backlog: number | null;
  oldestUnpublishedAgeMs: number | null;
  eventsPerSec: number;
  publishedTotal: number;
  publishErrors: number;
  lastError: { message: string; at: string } | null;
}

export interface Relay {
  /** Creates the topic when missing, connects (retrying while Kafka is down), starts relaying. */
  start(): Promise<void>;
  /** Stops taking batches, lets the current one finish (bounded by the publish timeout). */
  close(): Promise<void>;
  status(): Promise<RelayStatus>;
  /** Events acked by Kafka and deleted from the outbox by this relay. */
  publishedTotal(): number;
}

export interface RelayDeps {
  db: Pool;
  /** The online database again, for the connection that LISTENs to the writers' NOTIFY. */
  databaseUrl: string;
  /** The LISTEN session's application_name (operators and tests tell it apart by it). */
  listenApplicationName?: string;
  kafka: Kafka;
  log: Logger;
  config: RelayConfig;
  metrics: Registry;
  /** The producer side; by default an idempotent kafkajs producer on config.topic. */
  publisher?: Publisher;
}

/**
 * The outbox relay: moves committed outbox rows to Kafka, at least once, none skipped.
 * One loop: take the oldest unpublished rows (locked and deleted), publish, commit, with
 * the next batch taken while one waits for its ack; wake on NOTIFY or the poll; on any
 * failure roll back (the backlog waits in PostgreSQL) and back off.
 */
export function createRelay({
  db,
  databaseUrl,
  listenApplicationName = 'forkline-relay-listen',
  kafka,
  log: parentLog,
  config,
  metrics: registry,
  publisher: givenPublisher,
}: RelayDeps): Relay {
  const log = parentLog.child({ component: 'relay' });
  const abort = new AbortController();
  const wake = createWakeSignal();
  const rate = createRateMeter();
  const metrics = createRelayMetrics(registry, () => readOutboxBacklog(db));
  const publisher = givenPublisher ?? createPublisher(kafka, config.topic, log);
  // Every (re)connect also wakes the loop: NOTIFYs sent while nobody listened are lost.
  const listener = createPgListener({
    connectionString: databaseUrl,
    applicationName: listenApplicationName,
    channel: OUTBOX_CHANNEL,
    onNotification: () => wake.wake(),
    onListening: () => wake.wake(),
    log,
    maxRetryMs: 5_000,
  });
  let state: RelayState = 'new';
  let published = 0;
  let publishErrors = 0;
  let lastError: RelayStatus['lastError'] = null;
  let loop: Promise<void> | undefined;

  const aborted = new Promise<'aborted'>((resolve) =>
    abort.signal.addEventListener('abort', () => resolve('aborted'), { once: true }),
  );

  function recordPublished(count: number): void {
    published += count;
    metrics.published.inc(count);
    rate.add(count);
  }

  function recordError(err: unknown, kind: 'kafka' | 'db'): void {
    lastError = { message: err instanceof Error ? err.message : String(err), at: new Date().toISOString() };
    if (kind === 'kafka') {
      publishErrors++;
      metrics.publishErrors.inc();
      state = 'kafka-unavailable';
    } else {
      metrics.dbErrors.inc();
      state = 'db-unavailable';
    }
  }

  /**
   * Publishes until the outbox is empty, with up to maxInFlightBatches batches at once:
   * the next batch is taken and handed over while the one before waits for its ack.
   * Returns whether more may be waiting (after an outage was waited out).
   */
  async function cycle(): Promise<boolean> {
    wake.clear();
    const inFlight: Promise<BatchOutcome>[] = [];
    let full = true; // the last batch taken was full: more rows may be waiting
    try {
      for (;;) {
        while (full && inFlight.length < config.maxInFlightBatches && !abort.signal.aborted) {
          const batch = await startBatch(db, publisher, config, metrics);
          if (!batch) {
            full = false;
            break;
          }
          inFlight.push(batch.finished);
          full = batch.count >= config.batchSize;
        }
        const next = inFlight.shift();
        if (!next) {
          state = 'running';
          return false;
        }
        const outcome = await next;
        if (outcome.kind === 'stalled') return await waitOutStalls(outcome, inFlight.splice(0));
        state = 'running';
        recordPublished(outcome.count);
      }
    } finally {
      // After a failure the later batches end too (a send after a failed one is refused),
      // so nothing is left half-done when the cycle is retried. One acked meanwhile is
      // committed and counted; one that stalled is back in the outbox (at least once).
      for (const r of await Promise.allSettled(inFlight)) {
        if (r.status === 'fulfilled' && r.value.kind === 'published') recordPublished(r.value.count);
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
      if (r.value.kind === 'published') recordPublished(r.value.count);
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
    recordError(new Error(`Kafka did not ack within ${config.publishTimeoutMs} ms`), 'kafka');
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
    state = 'running';
    recordPublished(ids.length);
  }

  async function run(): Promise<void> {
    while (!abort.signal.aborted) {
      try {
        const more = await retry(cycle, {
          initialRetryMs: 100,
          maxRetryMs: 5_000,
          signal: abort.signal,
          onRetry: (err, attempt, delayMs) => {
            recordError(err, err instanceof KafkaPublishError ? 'kafka' : 'db');
            log.warn({ err: (err as Error).message, attempt, delayMs }, 'relay cycle failed, retrying');
          },
        });
        if (more) continue;
        await wake.wait(config.pollIntervalMs, abort.signal);
      } catch (err) {
        // retry() only throws once close() aborted it.
        if (!abort.signal.aborted) log.error({ err }, 'relay loop stopped unexpectedly');
        return;
      }
    }
  }

  const start = sharedPromise(async () => {
    if (abort.signal.aborted) return;
    state = 'starting';
    try {
      await retry(
        async () => {
          await ensureEventsTopic(kafka, config.topic, config.topicSettings, log);
          await publisher.connect();
        },
        {
          initialRetryMs: 200,
          maxRetryMs: 5_000,
          signal: abort.signal,
          // A topic weaker than configured (outside regtest) is the operator's to fix.
          isRetriable: (err) => !(err instanceof TopicTooWeakError),
          onRetry: (err, attempt, delayMs) => {
            recordError(err, 'kafka');
            log.warn({ err: (err as Error).message, attempt, delayMs }, 'Kafka not ready, retrying');
          },
        },
      );
    } catch (err) {
      if (abort.signal.aborted) return;
      throw err;
    }
    if (config.listen) listener.start().catch(() => undefined); // closed before it listened
    state = 'running';
    loop = run();
    log.info(
      {
        topic: config.topic,
        batchSize: config.batchSize,
        maxInFlightBatches: config.maxInFlightBatches,
        pollIntervalMs: config.pollIntervalMs,
      },
      'relay started',
    );
  });

  const close = sharedPromise(async () => {
    abort.abort();
    await start().catch(() => undefined);
    await loop;
    await listener.close();
    await publisher.disconnect().catch((err: unknown) => log.warn({ err }, 'producer disconnect failed'));
    state = 'closed';
  });

  return {
    start,
    close,
    publishedTotal: () => published,
    async status() {
      let backlog: Awaited<ReturnType<typeof readOutboxBacklog>> | undefined;
      try {
        backlog = await readOutboxBacklog(db);
      } catch {
        backlog = undefined;
      }
      return {
        state,
        topic: config.topic,
        backlog: backlog?.backlog ?? null,
        oldestUnpublishedAgeMs: backlog?.oldestAgeMs ?? null,
        eventsPerSec: Math.round(rate.perSecond() * 10) / 10,
        publishedTotal: published,
        publishErrors,
        lastError,
      };
    },
  };
}
