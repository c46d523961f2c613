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
import { createDrainCycle } from './createDrainCycle.js';
import { KafkaPublishError } from './startBatch.js';
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

  const drain = createDrainCycle({
    db,
    publisher,
    config,
    metrics,
    log,
    signal: abort.signal,
    onPublished: (count) => {
      state = 'running';
      recordPublished(count);
    },
    onStall: (err) => recordError(err, 'kafka'),
  });

  /** Publishes until the outbox is empty; returns whether more may be waiting. */
  async function cycle(): Promise<boolean> {
    wake.clear();
    const more = await drain();
    state = 'running';
    return more;
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
