import type { Executor } from '#shared/db/pool.js';
import type { RecordedEvent } from '#shared/events/types.js';
import type { ProjectionTables } from '#shared/views/projectionTables.js';

export interface StreamStates {
  /** Applied version per stream (0 = none applied yet). */
  versions: Map<string, number>;
  /** Events waiting behind a gap, by stream then version. */
  parked: Map<string, Map<number, RecordedEvent>>;
}

/**
 * Locks the version rows of `streams` until commit, then reads their applied versions
 * and parked events. Two transactions holding one stream's events (a revoked partition's
 * batch still retried by its old owner, a stream whose events sit in two partitions)
 * serialise on that row, and the second one sees everything the first committed:
 *  - a stream's row is created (version 0) before it is locked, so a new stream and a
 *    stream whose batch only parks are locked like any other;
 *  - rows are created and locked in stream order, so two batches never deadlock;
 *  - the parked events are read by a statement that starts after the lock is held: a
 *    statement that waited for a lock still reads the snapshot it started with, and
 *    would miss the events the other transaction parked.
 * `alsoLock` are streams whose rows the batch writes without applying their events: an
 * order's events write its user's rows, which that user's stream writes too, so an order
 * batch also holds the user's stream. (Both are published in the user's partition, see
 * partitionKey, so this rarely waits; it still matters when partitions move between
 * consumers, and for events published before orders were keyed by user.) They are locked in the same
 * sorted statement (no deadlock), and their versions are returned like the others.
 */
export async function selectStreamStates(
  tx: Executor,
  tables: ProjectionTables,
  streams: string[],
  alsoLock: readonly string[] = [],
): Promise<StreamStates> {
  const states: StreamStates = { versions: new Map(), parked: new Map() };
  if (streams.length === 0) return states;
  const sorted = [...new Set([...streams, ...alsoLock])].sort();
  await tx.query(
    `INSERT INTO ${tables.streamVersions} (stream, version)
     SELECT stream, 0 FROM unnest($1::text[]) AS s(stream)
     ON CONFLICT (stream) DO NOTHING`,
    [sorted],
  );
  // FOR UPDATE re-reads a row it waited for, so the version is the committed one.
  const versions = await tx.query<{ stream: string; version: number }>(
    `SELECT stream, version FROM ${tables.streamVersions}
      WHERE stream = ANY($1::text[]) ORDER BY stream FOR UPDATE`,
    [sorted],
  );
  for (const row of versions.rows) states.versions.set(row.stream, row.version);
  const parked = await tx.query<{ stream: string; version: number; event: RecordedEvent }>(
    `SELECT stream, version, event FROM ${tables.parkedEvents} WHERE stream = ANY($1::text[])`,
    [streams],
  );
  for (const row of parked.rows) {
    let events = states.parked.get(row.stream);
    if (!events) states.parked.set(row.stream, (events = new Map<number, RecordedEvent>()));
    // Parked events were validated before they were parked.
    events.set(row.version, row.event);
  }
  return states;
}
