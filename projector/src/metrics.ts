import type { BatchResult } from './applyBatch.js';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { registerScrapedGauges } from '#shared/metrics/scrapedGauges.js';
import type { ProjectionStatus } from '#shared/views/projectionStatus.js';

export interface ProjectorMetrics {
  events: Counter<'outcome' | 'type'>;
  batchSeconds: Histogram<'partition'>;
  batchRetries: Counter;
  committedOffset: Gauge<'partition'>;
}

/**
 * The projector's metrics. Gauges about the read model (open gaps, parked, dead
 * letters, tip) are read from the database at scrape time, so they are right even
 * for what another instance of the group did.
 */
export function createProjectorMetrics(
  registry: Registry,
  readStatus?: () => Promise<ProjectionStatus>,
): ProjectorMetrics {
  const registers = [registry];
  if (readStatus) {
    registerScrapedGauges(registry, readStatus, [
      {
        name: 'forkline_projector_open_gaps',
        help: 'Streams whose next version is missing while later ones wait',
        value: (s) => s.openGaps.length,
      },
      {
        name: 'forkline_projector_parked_events',
        help: 'Events parked behind a gap',
        value: (s) => s.parkedEvents,
      },
      {
        name: 'forkline_projector_dead_letters',
        help: 'Poison events recorded in dead_letters',
        value: (s) => s.deadLetters,
      },
      {
        name: 'forkline_projector_stopped_streams',
        help: 'Streams stopped by a poison event',
        value: (s) => s.stoppedStreams.length,
      },
      {
        name: 'forkline_projector_tip_height',
        help: 'Height of the projection chain tip (-1 before any block)',
        value: (s) => s.tip?.height ?? -1,
      },
    ]);
  }
  return {
    events: new Counter({
      name: 'forkline_projector_events_total',
      help: 'Events consumed, by outcome (applied, duplicate, parked, dead_lettered) and type',
      labelNames: ['outcome', 'type'],
      registers,
    }),
    batchSeconds: new Histogram({
      name: 'forkline_projector_batch_seconds',
      help: 'Time to apply one Kafka batch in one SQL transaction',
      labelNames: ['partition'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    batchRetries: new Counter({
      name: 'forkline_projector_batch_retries_total',
      help: 'Batch transactions retried after a transient database error or version conflict',
      registers,
    }),
    committedOffset: new Gauge({
      name: 'forkline_projector_committed_offset',
      help: 'Next offset per partition whose events are committed to the views DB',
      labelNames: ['partition'],
      registers,
    }),
  };
}

/** Counts a batch's outcomes: one increment per (outcome, type), not one per event. */
export function countOutcomes(metrics: ProjectorMetrics, result: BatchResult): void {
  const counts = new Map<string, { outcome: string; type: string; n: number }>();
  for (const { kind, event } of result.outcomes) {
    const key = `${kind}\u0000${event.type}`;
    const entry = counts.get(key);
    if (entry) entry.n++;
    else counts.set(key, { outcome: kind, type: event.type, n: 1 });
  }
  for (const { outcome, type, n } of counts.values()) metrics.events.inc({ outcome, type }, n);
  if (result.deadLettered > 0)
    metrics.events.inc({ outcome: 'dead_lettered', type: 'unknown' }, result.deadLettered);
}
