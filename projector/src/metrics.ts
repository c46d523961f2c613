import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
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
    // One status query per scrape, shared by the four gauges.
    let pending: Promise<ProjectionStatus> | undefined;
    const status = () => {
      pending ??= readStatus().finally(() => setImmediate(() => (pending = undefined)));
      return pending;
    };
    const gauge = (name: string, help: string, pick: (s: ProjectionStatus) => number) =>
      new Gauge({
        name,
        help,
        registers,
        async collect() {
          this.set(pick(await status()));
        },
      });
    gauge(
      'forkline_projector_open_gaps',
      'Streams whose next version is missing while later ones wait',
      (s) => s.openGaps.length,
    );
    gauge('forkline_projector_parked_events', 'Events parked behind a gap', (s) => s.parkedEvents);
    gauge('forkline_projector_dead_letters', 'Poison events recorded in dead_letters', (s) => s.deadLetters);
    gauge(
      'forkline_projector_stopped_streams',
      'Streams stopped by a poison event',
      (s) => s.stoppedStreams.length,
    );
    gauge(
      'forkline_projector_tip_height',
      'Height of the projection chain tip (-1 before any block)',
      (s) => s.tip?.height ?? -1,
    );
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
