import { Counter, Histogram, type Registry } from 'prom-client';
import { registerScrapedGauges } from '#shared/metrics/scrapedGauges.js';
import type { OutboxBacklog } from '#shared/outbox/readOutboxBacklog.js';

export interface RelayMetrics {
  published: Counter;
  publishErrors: Counter;
  dbErrors: Counter;
  duplicatesRisked: Counter;
  batchSeconds: Histogram;
}

/**
 * The relay's Prometheus metrics on the process's registry. Backlog and oldest age are
 * read from the database at scrape time, so they are right even while the relay is stuck.
 */
export function createRelayMetrics(registry: Registry, readBacklog: () => Promise<OutboxBacklog>) {
  const registers = [registry];
  registerScrapedGauges(registry, readBacklog, [
    {
      name: 'forkline_relay_backlog_events',
      help: 'Committed outbox events not yet published to Kafka',
      value: (b) => b.backlog,
    },
    {
      name: 'forkline_relay_oldest_unpublished_age_seconds',
      help: 'Age of the oldest unpublished outbox event (0 when the outbox is empty)',
      value: (b) => (b.oldestAgeMs ?? 0) / 1000,
    },
  ]);
  const metrics: RelayMetrics = {
    published: new Counter({
      name: 'forkline_relay_events_published_total',
      help: 'Events acked by Kafka and removed from the outbox',
      registers,
    }),
    publishErrors: new Counter({
      name: 'forkline_relay_publish_errors_total',
      help: 'Batches Kafka failed or did not ack in time (the batch stays in the outbox)',
      registers,
    }),
    dbErrors: new Counter({
      name: 'forkline_relay_db_errors_total',
      help: 'Relay cycles that failed on the online database',
      registers,
    }),
    duplicatesRisked: new Counter({
      name: 'forkline_relay_republish_risk_total',
      help: 'Events acked by Kafka whose outbox rows could not be deleted (they will be published again)',
      registers,
    }),
    batchSeconds: new Histogram({
      name: 'forkline_relay_batch_duration_seconds',
      help: 'Time to lock, publish and delete one batch',
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers,
    }),
  };
  return metrics;
}
